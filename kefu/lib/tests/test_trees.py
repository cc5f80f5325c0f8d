"""build_tree / flatten: flat parent-linked rows into an indented list (the org directory, R-ORG-1).

Pure unit tests: no database.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from kefu.lib.trees import TreeNode, build_tree, flatten

Row = tuple[str, str | None]  # (key, parent key)


def tree(rows: list[Row]) -> list[TreeNode[Row]]:
    return build_tree(rows, key=lambda row: row[0], parent_key=lambda row: row[1])


def outline(rows: list[Row]) -> list[tuple[str, int]]:
    """(key, depth) in the order an indented list shows them."""
    return [(node.item[0], node.depth) for node in flatten(tree(rows))]


def test_children_follow_their_parent_depth_first_in_the_order_given() -> None:
    rows: list[Row] = [
        ("group", None),
        ("center", "group"),
        ("team-1", "center"),
        ("team-2", "center"),
        ("media", "group"),
    ]
    assert outline(rows) == [
        ("group", 0),
        ("center", 1),
        ("team-1", 2),
        ("team-2", 2),
        ("media", 1),
    ]


def test_a_child_listed_before_its_parent_still_sits_under_it() -> None:
    rows: list[Row] = [("team-1", "center"), ("center", "group"), ("group", None)]
    assert outline(rows) == [("group", 0), ("center", 1), ("team-1", 2)]


def test_roots_are_returned_in_the_order_given() -> None:
    roots = tree([("b", None), ("a", None), ("b1", "b")])
    assert [node.item[0] for node in roots] == ["b", "a"]
    assert [child.item[0] for child in roots[0].children] == ["b1"]


def test_an_item_whose_parent_is_missing_becomes_a_root() -> None:
    """A department whose parent is inactive (filtered out) must still be listed."""
    assert outline([("group", None), ("orphan", "closed-branch")]) == [
        ("group", 0),
        ("orphan", 0),
    ]


def test_an_item_that_is_its_own_parent_becomes_a_root() -> None:
    assert outline([("loop", "loop"), ("child", "loop")]) == [("loop", 0), ("child", 1)]


def test_items_in_a_parent_cycle_are_still_listed_once() -> None:
    """Bad data (a ↔ b) must neither hide departments nor loop forever."""
    assert outline([("root", None), ("a", "b"), ("b", "a"), ("a1", "a")]) == [
        ("root", 0),
        ("a", 0),
        ("b", 1),
        ("a1", 1),
    ]


def test_empty_input_gives_an_empty_tree() -> None:
    assert tree([]) == []
    assert flatten([]) == []


def test_flatten_keeps_the_items_themselves() -> None:
    rows: list[Row] = [("group", None), ("center", "group")]
    assert [node.item for node in flatten(tree(rows))] == rows


# Parent links drawn from the item indices plus some that name no item, so that the generated
# data holds roots, missing parents, self-loops and cycles of any length.
parent_links = st.integers(min_value=0, max_value=40).flatmap(
    lambda size: st.lists(
        st.one_of(st.none(), st.integers(min_value=-3, max_value=size + 3)),
        min_size=size,
        max_size=size,
    )
)


@given(parent_links)
def test_flatten_visits_every_item_exactly_once_for_any_parent_assignment(
    parents: list[int | None],
) -> None:
    items = list(range(len(parents)))
    roots = build_tree(items, key=lambda i: i, parent_key=lambda i: parents[i])
    visited = [node.item for node in flatten(roots)]
    assert Counter(visited) == Counter(items)


@given(parent_links)
def test_every_child_is_one_level_deeper_than_its_parent_for_any_parent_assignment(
    parents: list[int | None],
) -> None:
    items = list(range(len(parents)))
    roots = build_tree(items, key=lambda i: i, parent_key=lambda i: parents[i])
    flat = flatten(roots)
    assert all(root.depth == 0 for root in roots)
    position = {id(node): index for index, node in enumerate(flat)}
    for node in flat:
        for child in node.children:
            # A child shown after its parent is indented under it; the only child shown
            # before its parent is the root chosen to break a cycle.
            if position[id(child)] > position[id(node)]:
                assert child.depth == node.depth + 1
            else:
                assert child in roots

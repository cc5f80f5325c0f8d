"""Turning flat parent-linked rows into a tree, without touching the database."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class TreeNode(Generic[T]):
    item: T
    depth: int = 0
    children: list[TreeNode[T]] = field(default_factory=list)


def build_tree(
    items: Iterable[T],
    key: Callable[[T], Hashable],
    parent_key: Callable[[T], Hashable | None],
) -> list[TreeNode[T]]:
    """Roots first, children in the order given; an item whose parent is missing becomes a root.

    Items that no root reaches, because their parents form a cycle, still appear: the first of
    them (in the order given) becomes a root, and so on until every item is placed.
    """
    nodes = [TreeNode(item) for item in items]
    by_key = {key(node.item): node for node in nodes}
    roots: list[TreeNode[T]] = []
    for node in nodes:
        parent = by_key.get(parent_key(node.item))
        if parent is None or parent is node:
            roots.append(node)
        else:
            parent.children.append(node)
    seen: set[int] = set()
    _set_depth(roots, 0, seen)
    # A parent cycle (bad data) hangs under no root: without this its items would vanish.
    for node in nodes:
        if id(node) not in seen:
            roots.append(node)
            _set_depth([node], 0, seen)
    return roots


def _set_depth(nodes: list[TreeNode[T]], depth: int, seen: set[int]) -> None:
    for node in nodes:
        if id(node) in seen:  # a cycle in bad data must not loop forever
            continue
        seen.add(id(node))
        node.depth = depth
        _set_depth(node.children, depth + 1, seen)


def flatten(roots: list[TreeNode[T]]) -> list[TreeNode[T]]:
    """Depth-first order, for rendering an indented list."""
    out: list[TreeNode[T]] = []
    stack = list(reversed(roots))
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        out.append(node)
        stack.extend(reversed(node.children))
    return out

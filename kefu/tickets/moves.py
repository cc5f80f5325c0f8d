"""Which moves of R-WO-1 a user may make on an order now: what the UI offers and the API lists.

Reads only. For each move that ``choices.TRANSITIONS`` allows from the order's state, the user
needs the move's permission on the order (the same check the action makes, through
``actions.permitted``) and the few conditions the action checks before it changes anything
(the route of R-WO-2, the author of a draft not reviewing it, one draft at a time, no plain
close while a callback is owed). The action remains the authority: a move listed here can still
fail on a stale version or bad input.
"""

from __future__ import annotations

from typing import Any

from kefu.tickets import actions
from kefu.tickets.actions.center import callback_open
from kefu.tickets.choices import TRANSITIONS, Move, RouteAction
from kefu.tickets.models import Ticket
from kefu.tickets.queries import pending_draft

# The permission the action checks for each move.
MOVE_PERMISSIONS: dict[str, str] = {
    Move.RESOLVE_FIRST_CONTACT: "tickets.resolve_first_contact",
    Move.CLOSE_HARASSMENT: "tickets.resolve_first_contact",
    Move.SUBMIT_DRAFT: "tickets.draft_dispatch",
    Move.DISPATCH: "tickets.dispatch",
    Move.APPROVE_DRAFT: "tickets.review",
    Move.SEND_BACK_DRAFT: "tickets.review",
    Move.ACCEPT: "tickets.accept",
    Move.TRANSFER: "tickets.accept",  # whoever may take the order may pass it to a colleague
    Move.RETURN_TO_CENTER: "tickets.accept",  # R-WO-7: reported back to the center
    Move.FEEDBACK: "tickets.feedback",
    Move.CONFIRM: "tickets.confirm",
    Move.SEND_BACK_FEEDBACK: "tickets.confirm",
    Move.REDISPATCH: "tickets.draft_dispatch",  # a second dispatch is drafted and reviewed
    Move.WITHDRAW: "tickets.draft_dispatch",  # R-WO-5: a withdrawal is drafted and reviewed
    Move.CLOSE: "callbacks.make",
    Move.REOPEN: "tickets.reopen",
    Move.VOID: "tickets.dispatch",  # 作废: whoever decides the dispatch may void instead
}


def allowed_moves(user: Any, ticket: Ticket) -> list[str]:
    """The moves (``Move`` values) this user may make on the order in its current state."""
    candidates = TRANSITIONS.get(ticket.status, {})
    permitted: dict[str, bool] = {}
    found: list[str] = []
    route_action: str | None = None
    for move in candidates:
        perm = MOVE_PERMISSIONS[move]
        if perm not in permitted:
            permitted[perm] = actions.permitted(user, perm, ticket)
        if not permitted[perm]:
            continue
        if move in {Move.RESOLVE_FIRST_CONTACT, Move.CLOSE_HARASSMENT}:
            # R-WO-2: the center resolves what its route keeps; harassment is closed politely.
            if route_action is None:
                route_action = actions.route_for(ticket.call_type, ticket.level).action
            needed = (
                RouteAction.CENTER
                if move == Move.RESOLVE_FIRST_CONTACT
                else RouteAction.CLOSE_POLITELY
            )
            if route_action != needed:
                continue
        if move in {Move.SUBMIT_DRAFT, Move.DISPATCH}:
            # R-WO-2, R-CLS-4: what the center resolves or closes politely is not dispatched;
            # an inquiry the center answers may still be sent out by a senior agent who names
            # the department (``dispatch_override``).
            if route_action is None:
                route_action = actions.route_for(ticket.call_type, ticket.level).action
            if route_action == RouteAction.CLOSE_POLITELY:
                continue
            if route_action == RouteAction.CENTER and not (
                move == Move.DISPATCH and dispatch_override(ticket, route_action)
            ):
                continue
        if move == Move.CLOSE and callback_open(ticket):
            continue  # R-CB-1: the callback panel's outcomes close it
        if move in {Move.APPROVE_DRAFT, Move.SEND_BACK_DRAFT} and not may_review(user, ticket):
            continue
        if (
            move in {Move.WITHDRAW, Move.TRANSFER, Move.RETURN_TO_CENTER}
            and ticket.has_pending_draft
        ):
            continue  # one draft at a time; the handler waits for the center's answer
        found.append(str(move))
    return found


def dispatch_override(ticket: Ticket, route_action: str | None = None) -> bool:
    """Whether dispatching the order goes against its route, allowed only with the department
    named (``actions.dispatch.check_route``): an order the center answers that is no complaint."""
    if route_action is None:
        route_action = actions.route_for(ticket.call_type, ticket.level).action
    return route_action == RouteAction.CENTER and not ticket.call_type.is_complaint


def may_review(user: Any, ticket: Ticket) -> bool:
    """R-WO-3: whether the user may review the order's pending draft (dispatch, follow-up,
    withdrawal or second dispatch): a reviewer, and someone other than its author."""
    draft = pending_draft(ticket)
    return (
        draft is not None
        and draft.drafted_by_id != user.pk
        and actions.permitted(user, "tickets.review", ticket)
    )

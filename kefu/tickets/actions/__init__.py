"""Every change to a work order (R-WO-1..10), one function per move.

Each function checks the actor's permission on the order, checks the move is legal from the
order's state (``choices.TRANSITIONS``), checks the order has not changed since the actor loaded
it (``expected_version``), then writes the change and its timeline event in one transaction.
The UI, the API, jobs and commands all call these functions; nothing else writes a ticket.

The modules: ``_base`` (what every action shares), ``intake`` (registration, notes, contacts,
hand-over), ``dispatch`` (dispatch and review), ``handling`` (the receiving department),
``center`` (resolve, confirm, close, void, reopen), ``escalation`` (R-ESC-1..4, with kefu.sla).
"""

from kefu.tickets.actions._base import FUTURE_TOLERANCE, permitted, route_for
from kefu.tickets.actions.center import (
    close,
    close_after_callback,
    close_harassment,
    confirm,
    reopen,
    resolve_first_contact,
    send_back_feedback,
    void,
)
from kefu.tickets.actions.dispatch import (
    approve_draft,
    dispatch_now,
    send_back_draft,
    submit_dispatch_draft,
    submit_follow_up,
    submit_second_dispatch,
    submit_withdrawal,
)
from kefu.tickets.actions.escalation import (
    customer_responded,
    escalate,
    hand_to_manager_hotline,
    inform_customer,
    plan_resolution,
    wait_on_customer,
)
from kefu.tickets.actions.handling import (
    Feedback,
    accept,
    ask_superior,
    feed_back,
    pass_to_colleague,
    return_to_center,
)
from kefu.tickets.actions.intake import (
    EDITABLE_FIELDS,
    Registration,
    add_note,
    add_repeat_contact,
    attach_file,
    hand_over,
    log_customer_contact,
    mark_urgent,
    open_orders_for,
    register,
    update_details,
    validate_registration,
)

__all__ = [
    "EDITABLE_FIELDS",
    "FUTURE_TOLERANCE",
    "Feedback",
    "Registration",
    "accept",
    "add_note",
    "add_repeat_contact",
    "approve_draft",
    "ask_superior",
    "attach_file",
    "close",
    "close_after_callback",
    "close_harassment",
    "confirm",
    "customer_responded",
    "dispatch_now",
    "escalate",
    "feed_back",
    "hand_over",
    "hand_to_manager_hotline",
    "inform_customer",
    "log_customer_contact",
    "mark_urgent",
    "open_orders_for",
    "pass_to_colleague",
    "permitted",
    "plan_resolution",
    "register",
    "reopen",
    "resolve_first_contact",
    "return_to_center",
    "route_for",
    "send_back_draft",
    "send_back_feedback",
    "submit_dispatch_draft",
    "submit_follow_up",
    "submit_second_dispatch",
    "submit_withdrawal",
    "update_details",
    "validate_registration",
    "void",
    "wait_on_customer",
]

"""The role → permission map (SPEC §1): the one place that says what each role may do.

Roles are rows of ``org.Role`` kept in step with ``ROLES`` by ``sync_roles`` (run after every
``migrate`` and by ``kefu sync_roles``). Permissions are plain strings ``"<area>.<action>"``;
``kefu.core.backends.RoleBackend`` answers ``user.has_perm(...)`` from this map, and object
rules registered by each app narrow a permission to the objects a user may touch (R-ORG-3).

Django model permissions (``org.change_user`` …) appear here too, for the roles that manage
those records in the admin site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class RoleDef:
    code: str
    name: Any  # lazy translation
    chinese: str  # the name used on the floor, shown beside the translation
    duties: Any  # lazy translation: what the system lets the role do (SPEC §1)
    permissions: frozenset[str]


# --- Permissions, grouped by area -----------------------------------------------------------
# Each is used by a view, an API endpoint or an action; SPEC rule IDs say why a role holds it.

WORKSPACE = {"core.use_workspace"}  # the staff UI itself

TICKETS_INTAKE = {
    "tickets.register",  # R-IN-1
    "tickets.view_own",
    "tickets.resolve_first_contact",
    "tickets.draft_dispatch",  # R-WO-3: drafts are reviewed
    "tickets.add_note",
    "tickets.confirm",  # R-WO-8, on the orders they own
    "tickets.edit",
    "tickets.hand_over",  # R-WO-10
    "kb.view",
    "stats.view_own",
    "customers.view",  # R-CUS-1: the customer page, screen pop
    "customers.edit",
    "customers.work_tasks",  # R-CUS-3: wake-up and birthday calls
    "customers.view_personal_data",  # R-SEC-1: on the phone with the customer (decision 0006)
    "callbacks.record_rating",  # R-CB-5: the post-call rating, also sent by telephony's token
}
TICKETS_TEXT_ENTRY = {
    "tickets.register",
    "tickets.register_text",
    "tickets.view_own",
    "tickets.add_note",
    "tickets.hand_over",  # R-WO-10: a clerk hands the order on to an agent
    "customers.view",
    "customers.edit",
}
TICKETS_RECORDING = {
    "tickets.register",
    "tickets.register_recording",
    "tickets.view_own",
    "tickets.add_note",
    "tickets.hand_over",
    "customers.view",
    "customers.edit",
}
TICKETS_SENIOR = {
    "tickets.review",  # R-WO-3
    "tickets.dispatch",  # R-WO-4
    "tickets.mark_urgent",  # R-CLS-5
    "tickets.handle_vip",  # R-CLS-6
    "tickets.confirm",  # R-WO-8
    "tickets.view_center",
    "tickets.reopen",
    "qa.evaluate_business_skill",
    "kb.from_case",  # R-KB-4: hard-case answers become draft articles
    "tickets.escalate",  # R-ESC-1, R-ESC-3
}
CALLBACKS = {
    "callbacks.make",  # R-CB-1..4
    "callbacks.urge",  # R-SLA-5
    "tickets.view_center",
    "tickets.reopen",  # R-CB-4: the problem is back
    "tickets.draft_dispatch",  # R-CB-4: second dispatch, reviewed by a senior agent
    "tickets.add_note",
    "reports.satisfaction",  # R-CB-6
    "customers.view",
    "customers.work_tasks",  # R-CUS-3
    "customers.view_personal_data",  # R-SEC-1: calls customers back (decision 0006)
    "tickets.escalate",  # R-ESC-3: repeated complaints to the manager hotline
}
KNOWLEDGE = {
    "kb.view",
    "kb.edit",
    "kb.publish",
    "suggestions.classify",
    "kb.file_documents",
    "kb.study",  # R-KB-1: studies the notice, collects information
}
QUALITY = {
    "qa.inspect",
    "qa.manage_scorecards",
    "qa.publish",
    "tickets.view_center",
    "kb.view",
    "customers.view",  # contact history, numbers masked (R-SEC-1)
}
STATISTICS = {"reports.view", "reports.produce"}  # R-REP-3: no editing of figures
TEAM_LEAD = {
    "wfm.view_team",
    "wfm.monitor_live",
    "wfm.message_agents",
    "wfm.duty_log",  # R-WFM-7
    "wfm.approve_swap_team",
    "stats.view_team",
    "tickets.view_center",
    "org.view_team",
    "kb.study",  # R-KB-1: the team studies a business notice
    # R-WO-2 D: a secondary complaint about an agent goes to their superior, the team leader,
    # who then handles it like a department handler.
    "tickets.accept",
    "tickets.feedback",
    "tickets.ask_superior",
    # R-ESC-1: orders escalated to the team leader (second line) are worked with notes, logged
    # customer contacts and files, as well as the planned resolution time.
    "tickets.add_note",
    "customers.view",
    "customers.campaign",  # R-CUS-3: wake-up campaigns for the team
    "customers.view_personal_data",  # R-SEC-1: calls back on D complaints (decision 0006)
}
SUPERVISOR = {
    "wfm.publish_roster",  # R-WFM-2
    "wfm.approve_swap",  # R-WFM-4
    "wfm.approve_leave",  # R-WFM-5, up to one day
    "wfm.manage_training",
    "qa.anomaly_report",  # R-QA-6
    "customers.own_archive",
    "customers.view_personal_data",
    "customers.request_export",  # R-SEC-2: asks; a manager approves
    "customers.view",
    "customers.edit",
    "customers.import",  # R-CUS-1
    "customers.merge",  # R-CUS-1
    "customers.campaign",  # R-CUS-3
    "stats.view_center",
    "reports.view",
    "org.view_team",
    "kb.read_notice",  # R-KB-1: the center director reads business notices
}
MANAGER_ONLY = {
    "wfm.approve_long_leave",  # R-WFM-5
    "customers.approve_export",  # R-SEC-2
    "sla.manage_policies",
    "sla.view_policy",  # SLA policies and their time limits, in the admin site
    "sla.add_policy",
    "sla.change_policy",
    "sla.view_target",
    "sla.add_target",
    "sla.change_target",
    "sla.delete_target",
    "sla.view_calendar",
    "sla.view_calendaroverride",
    "kb.approve",
    "kb.confirm",  # R-KB-1: for the center's own articles (no issuing department)
    "kpi.manage_rules",  # R-KPI-2
    "kpi.review_grievance_award",  # R-KPI-3
    "audit.view",
}
MANAGER_HOTLINE = {
    "tickets.take_escalated",
    "tickets.view_center",
    "tickets.add_note",
    "kb.view",
    "customers.view",
    "customers.view_personal_data",  # R-SEC-1: calls complainants back (decision 0006)
}
HANDLER = {
    "tickets.view_department",  # R-ORG-3: only their department's orders
    "tickets.accept",
    "tickets.feedback",  # R-WO-6
    "tickets.ask_superior",  # R-WO-7
    "tickets.add_note",
    "customers.view_personal_data",  # R-SEC-1: contacts the customer to fix it (decision 0006)
    "kb.confirm",  # R-KB-1: the issuing department confirms the wording
}
ADMINISTRATION = {
    "org.manage",  # the admin site for staff, roles and departments
    "org.view_user",
    "org.add_user",
    "org.change_user",
    "org.view_department",
    "org.add_department",
    "org.change_department",
    "org.view_role",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",  # unlocking a locked-out account
    "axes.view_accesslog",
    "config.manage_taxonomy",  # R-CLS-1..3 and R-WO-2 routing, in the admin site
    "tickets.view_calltype",
    "tickets.add_calltype",
    "tickets.change_calltype",
    "tickets.view_requestkind",
    "tickets.add_requestkind",
    "tickets.change_requestkind",
    "tickets.view_businessline",
    "tickets.add_businessline",
    "tickets.change_businessline",
    "tickets.view_nature",
    "tickets.add_nature",
    "tickets.change_nature",
    "tickets.view_suggestionsubject",
    "tickets.add_suggestionsubject",
    "tickets.change_suggestionsubject",
    "tickets.view_routingrule",
    "tickets.add_routingrule",
    "tickets.change_routingrule",
    "tickets.delete_routingrule",
    "sla.manage_calendars",
    "sla.view_calendar",  # R-SLA-3 calendars and holiday / 调休 overrides, in the admin site
    "sla.add_calendar",
    "sla.change_calendar",
    "sla.view_calendaroverride",
    "sla.add_calendaroverride",
    "sla.change_calendaroverride",
    "sla.delete_calendaroverride",
    "sla.view_policy",  # administrators also edit SLA policies (SPEC §1)
    "sla.add_policy",
    "sla.change_policy",
    "sla.view_target",
    "sla.add_target",
    "sla.change_target",
    "sla.delete_target",
    "sla.view_clock",
    "sla.view_crossing",  # the sweep's outbox: is a worker delivering? (docs/operations.md)
    "kb.view_category",  # the knowledge base's category tree, in the admin site
    "kb.add_category",
    "kb.change_category",
    "kb.view_phrase",  # standard phrases (常用语) beside the order page's text boxes
    "kb.add_phrase",
    "kb.change_phrase",
    "kb.delete_phrase",
    "config.manage_integrations",
    "audit.view",
    "customers.view_customersettings",  # R-CUS-3 dormancy period, in the admin site
    "customers.change_customersettings",
    "notifications.view_delivery",  # e-mail / SMS delivery records, in the admin site
    "notifications.resend_delivery",  # send failed / not-configured ones again
    "callbacks.view_callbacksettings",  # R-CB-1/2/6 numbers, in the admin site
    "callbacks.change_callbacksettings",
}


def _perms(*groups: set[str]) -> frozenset[str]:
    return frozenset(WORKSPACE.union(*groups))


ROLES: tuple[RoleDef, ...] = (
    RoleDef(
        "agent",
        _("Agent"),
        "客服专员",
        _(
            "Takes contacts on every channel, registers and classifies work orders, answers "
            "from the knowledge base, resolves on first contact, drafts dispatches, follow-ups "
            "and withdrawals, makes callbacks, sees their own statistics."
        ),
        _perms(TICKETS_INTAKE, {"callbacks.make"}),
    ),
    RoleDef(
        "text_entry_clerk",
        _("Text-entry clerk"),
        "文本录入员",
        _("Registers letters, faxes, e-mails, walk-in statements and transfers."),
        _perms(TICKETS_TEXT_ENTRY),
    ),
    RoleDef(
        "recording_clerk",
        _("Recording clerk"),
        "录音提取员",
        _("Turns voice recordings and voice mail into work orders with the recording attached."),
        _perms(TICKETS_RECORDING),
    ),
    RoleDef(
        "senior_agent",
        _("Senior agent"),
        "高级话务员",
        _(
            "Handles what agents cannot; reviews every dispatch, follow-up and withdrawal; "
            "dispatches complaints; marks urgent; handles VIP and major-customer complaints; "
            "evaluates agents' business skill."
        ),
        _perms(TICKETS_INTAKE, TICKETS_SENIOR, {"callbacks.make"}),
    ),
    RoleDef(
        "callback_surveyor",
        _("Callback surveyor"),
        "回访员",
        _(
            "Calls customers back, records satisfaction, warns and urges on orders near or past "
            "their deadline, handles repeated complaints, analyses satisfaction."
        ),
        _perms(CALLBACKS, {"kb.view"}),
    ),
    RoleDef(
        "knowledge_editor",
        _("Knowledge editor"),
        "资料管理员",
        _(
            "Maintains the knowledge base, classifies suggestions and routes them to "
            "management, files original documents."
        ),
        _perms(KNOWLEDGE),
    ),
    RoleDef(
        "qa_inspector",
        _("QA inspector"),
        "质检员",
        _("Samples and scores contacts and work orders, publishes QA findings and reports."),
        _perms(QUALITY),
    ),
    RoleDef(
        "statistician",
        _("Statistician"),
        "统计员",
        _("Produces the periodic reports; cannot edit report figures by hand."),
        _perms(STATISTICS),
    ),
    RoleDef(
        "team_leader",
        _("Team leader"),
        "班长",
        _(
            "Arranges shifts, monitors live status, messages agents, keeps the duty log and "
            "handover, daily statistics, approves swaps in the team."
        ),
        _perms(TEAM_LEAD, {"kb.view"}),
    ),
    RoleDef(
        "supervisor",
        _("Supervisor"),
        "客服主管",
        _(
            "Publishes the monthly roster, approves swaps and leave, training, daily "
            "QA-anomaly report, owns the customer archive."
        ),
        _perms(SUPERVISOR, TEAM_LEAD, {"kb.view", "tickets.view_center"}),
    ),
    RoleDef(
        "manager",
        _("Manager"),
        "客服经理",
        _(
            "Everything in the center; approves long leave and data extraction; owns standards "
            "and SLA policies."
        ),
        _perms(
            TICKETS_INTAKE,
            TICKETS_TEXT_ENTRY,
            TICKETS_RECORDING,
            TICKETS_SENIOR,
            CALLBACKS,
            KNOWLEDGE,
            QUALITY,
            STATISTICS,
            TEAM_LEAD,
            SUPERVISOR,
            MANAGER_ONLY,
            MANAGER_HOTLINE,
        ),
    ),
    RoleDef(
        "manager_hotline",
        _("Manager hotline"),
        "经理热线",
        _("Takes over overdue, repeated and refused complaints."),
        _perms(MANAGER_HOTLINE, {"callbacks.make"}),
    ),
    RoleDef(
        "department_handler",
        pgettext_lazy("role", "Department handler"),
        "部门责任人",
        _(
            "Staff of another department who receive dispatched orders, respond within the "
            "time limit and feed back."
        ),
        _perms(HANDLER, {"kb.view"}),
    ),
    RoleDef(
        "administrator",
        _("Administrator"),
        "系统管理员",
        _("Users, roles, taxonomies, SLA policies, calendars, integrations."),
        _perms(ADMINISTRATION, {"sla.manage_policies"}),
    ),
)

ROLES_BY_CODE: dict[str, RoleDef] = {role.code: role for role in ROLES}
ALL_PERMISSIONS: frozenset[str] = frozenset().union(*(role.permissions for role in ROLES))


def permissions_for(role_codes: set[str] | frozenset[str]) -> frozenset[str]:
    """The union of the permissions of the given roles; unknown codes grant nothing."""
    return frozenset().union(
        *(ROLES_BY_CODE[code].permissions for code in role_codes if code in ROLES_BY_CODE)
    )

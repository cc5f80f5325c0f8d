"""Which models' create / change / delete are audited (R-SEC-3), by model label.

``"app.*"`` means every model of the app. Labels are resolved in ``AuditConfig.ready()``; an
unknown label is a configuration error, except for apps named in ``OPTIONAL_APPS``, whose labels
are skipped while the app is not installed.
"""

from __future__ import annotations

AUDITED_MODELS: list[str] = [
    # Work orders and their configuration (R-WO-*, R-CLS-*).
    "tickets.Ticket",
    "tickets.Dispatch",
    "tickets.DispatchDraft",
    "tickets.CallType",
    "tickets.RequestKind",
    "tickets.BusinessLine",
    "tickets.Nature",
    "tickets.SuggestionSubject",
    "tickets.RoutingRule",
    # Customers (R-CUS-1).
    "customers.Customer",
    "customers.ContactPoint",
    "customers.CustomerSettings",
    # Staff, roles and the organisation (R-ORG-*), API tokens.
    "org.User",
    "org.Role",
    "org.Department",
    "org.ApiToken",
    # Knowledge (R-KB-*): the articles and their catalogue. Workflow steps, versions and uses
    # are records in their own right; search logs are not changes.
    "kb.Category",
    "kb.Article",
    "kb.ArticleAttachment",
    # Time-limit settings (R-SLA-*). The clocks are not: they move with every order event and
    # every sweep, and the order's timeline already tells that story.
    "sla.Calendar",
    "sla.CalendarOverride",
    "sla.Policy",
    "sla.Target",
    # Settings of the callback desk (R-CB-*) and each person's notification choices.
    "callbacks.CallbackSettings",
    "notifications.NotificationPreference",
]

# Fields never copied into the trail: secrets, and values that change on every save or are
# derived from other fields (they would only add noise). ``auto_now`` fields are skipped too.
EXCLUDED_FIELDS: dict[str, set[str]] = {
    "org.User": {"password", "last_login"},
    "org.ApiToken": {"key_hash", "last_used_at"},
    "tickets.Ticket": {"search_text"},
    "kb.Article": {"body_html", "search_title", "search_wording", "search_body"},
}

OPTIONAL_APPS: set[str] = set()

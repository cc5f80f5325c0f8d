"""Recording model changes and sign-ins into the audit trail (R-SEC-3).

``pre_save`` reads the row as it is in the database (or takes it from ``remember_locked`` when
the caller has just read it under a row lock), ``post_save`` compares it with what was
written and records only the fields that changed; ``post_delete`` records the last values;
``m2m_changed`` records the related ids before and after (a user's roles). The records are
written in the transaction of the change. Raw saves (fixture loading) are not recorded, and
neither are ``QuerySet.update()`` and ``bulk_create()``, which bypass model signals: code that
uses those for audited data calls ``record()`` itself.

Why own code rather than django-auditlog (3.4, maintained, Django 5.2): its ``LogEntry`` has a
small integer set of actions (create / update / delete / access), no user agent or copied
employee number, and Kefu would still need a second record for logins, exports and reveals, and
its own triggers to make the table append-only. The signal handlers here are about 200 lines.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest

from kefu.audit.choices import AuditAction
from kefu.audit.context import current_request
from kefu.audit.registry import AUDITED_MODELS, EXCLUDED_FIELDS, OPTIONAL_APPS
from kefu.audit.services import jsonable, record

_fields: dict[type[models.Model], list[models.Field[Any, Any]]] = {}
_m2m: dict[type[models.Model], tuple[type[models.Model], models.ManyToManyField[Any, Any]]] = {}


def resolve(labels: list[str]) -> list[type[models.Model]]:
    """The model classes the labels name, in order, without duplicates."""
    found: list[type[models.Model]] = []
    for label in labels:
        app_label, _dot, model_name = label.partition(".")
        if not any(config.label == app_label for config in apps.get_app_configs()):
            if app_label in OPTIONAL_APPS:
                continue
            raise ImproperlyConfigured(f"Audit registry: app {app_label!r} is not installed.")
        if model_name == "*":
            candidates = list(apps.get_app_config(app_label).get_models())
        else:
            try:
                candidates = [apps.get_model(label)]
            except LookupError as exc:
                raise ImproperlyConfigured(f"Audit registry: no model {label!r}.") from exc
        found.extend(model for model in candidates if model not in found)
    return found


def audited_models() -> list[type[models.Model]]:
    """The models whose changes are recorded, once ``connect()`` has run."""
    return list(_fields)


def audited_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    excluded = EXCLUDED_FIELDS.get(model._meta.label, set())
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in excluded and not getattr(field, "auto_now", False)
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def snapshot(instance: models.Model, fields: list[models.Field[Any, Any]]) -> dict[str, Any]:
    return {field.attname: _plain(field.value_from_object(instance)) for field in fields}


def _fields_for(
    sender: type[models.Model], update_fields: frozenset[str] | None
) -> list[models.Field[Any, Any]]:
    fields = _fields[sender]
    if update_fields is None:
        return fields
    return [f for f in fields if f.name in update_fields or f.attname in update_fields]


def _actor() -> Any:
    request = current_request()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


M = TypeVar("M", bound=models.Model)


def lock_row(queryset: models.QuerySet[M], pk: Any) -> M:
    """Re-read one row under ``SELECT … FOR UPDATE OF`` its own table — the rows joined by
    ``select_related`` are read, not locked: no two actions on different rows wait on the row of
    a user or a type they both join — and remember it as the "before" of its next save's audit."""
    instance = queryset.select_for_update(of=("self",)).get(pk=pk)
    remember_locked(instance)
    return instance


def remember_locked(instance: models.Model) -> None:
    """``instance`` was just read with ``SELECT … FOR UPDATE``: until this transaction writes the
    row, its values are the database's, so its next save needs no read for the "before" of its
    audit record. Call it right after the read, before anything changes the instance."""
    fields = _fields.get(type(instance))
    if fields is not None:
        instance._audit_locked = snapshot(instance, fields)  # type: ignore[attr-defined]


def _before_save(
    sender: type[models.Model],
    instance: models.Model,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    instance._audit_before = None  # type: ignore[attr-defined]
    # Once: after this save the row holds what the instance held, no longer what was read.
    locked = instance.__dict__.pop("_audit_locked", None)
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = _fields_for(sender, update_fields)
    if not fields:
        return
    if locked is not None:
        instance._audit_before = {f.attname: locked[f.attname] for f in fields}  # type: ignore[attr-defined]
        return
    manager = sender._base_manager.using(instance._state.db or "default")
    rows = list(manager.filter(pk=instance.pk).values(*(f.attname for f in fields))[:1])
    instance._audit_before = rows[0] if rows else None  # type: ignore[attr-defined]


def _after_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool = False,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if raw:
        return
    fields = _fields_for(sender, update_fields)
    if not fields:
        return
    after = snapshot(instance, fields)
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None  # type: ignore[attr-defined]
    if created or before is None:
        record(_actor(), AuditAction.CREATE, instance, after=after)
        return
    before = {key: _plain(value) for key, value in before.items()}
    old, new = _json(before), _json(after)
    changed = [key for key in after if old.get(key) != new.get(key)]
    if not changed:
        return
    record(
        _actor(),
        AuditAction.UPDATE,
        instance,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return jsonable(values) or {}


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    record(_actor(), AuditAction.DELETE, instance, before=snapshot(instance, _fields[sender]))


def _related_ids(instance: models.Model, name: str) -> list[Any]:
    return sorted(getattr(instance, name).values_list("pk", flat=True))


def _m2m_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    **kwargs: Any,
) -> None:
    forward_model, field = _m2m[sender]
    if reverse:
        if type(instance) not in _fields:
            return
        name = field.remote_field.get_accessor_name() or ""
    else:
        if forward_model not in _fields:
            return
        name = field.name
    if not name:
        return
    if action.startswith("pre_"):
        stash = getattr(instance, "_audit_m2m", {})
        stash[name] = _related_ids(instance, name)
        instance._audit_m2m = stash  # type: ignore[attr-defined]
        return
    before = getattr(instance, "_audit_m2m", {}).pop(name, None)
    after = _related_ids(instance, name)
    if before is None or before == after:
        return
    record(_actor(), AuditAction.UPDATE, instance, before={name: before}, after={name: after})


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(user, AuditAction.LOGIN, user, request=request)


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(user, AuditAction.LOGOUT, user, request=request)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    attempted = str(credentials.get("username") or credentials.get("employee_no") or "")[:50]
    user_model = apps.get_model("org", "User")
    target = (
        user_model._default_manager.filter(employee_no=attempted).first() if attempted else None
    )
    record(
        None,
        AuditAction.LOGIN_FAILED,
        target,
        summary=attempted,
        request=request,
    )


def connect() -> None:
    """Wire the handlers to the registered models; called once from ``AuditConfig.ready()``."""
    for model in resolve(AUDITED_MODELS):
        _fields[model] = audited_fields(model)
        uid = f"kefu.audit.{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}.post_save")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}.post_delete")
    for model in list(_fields):
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is None or isinstance(through, str):
                continue
            _m2m[through] = (model, field)
            m2m_changed.connect(
                _m2m_changed, sender=through, dispatch_uid=f"kefu.audit.m2m.{through._meta.label}"
            )
    user_logged_in.connect(_logged_in, dispatch_uid="kefu.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="kefu.audit.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="kefu.audit.login_failed")

"""Staff, roles and departments in the admin site (opened by the ``org.manage`` permission)."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from kefu.org.actions import deactivated
from kefu.org.models import ApiToken, Department, Role, User
from kefu.org.roles import ROLES_BY_CODE
from kefu.org.tokens import assign_key, revoke


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "head", "responsible", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "head", "responsible"]
    ordering = ["parent__id", "sort_order", "name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Roles are defined in code; the admin shows what each grants, and who holds it."""

    list_display = ["__str__", "code", "name", "holders"]
    readonly_fields = ("code", "name", "duties", "permissions")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("holders"))
    def holders(self, obj: Role) -> int:
        return obj.staff.filter(is_active=True).count()

    @admin.display(description=_("duties"))
    def duties(self, obj: Role) -> str:
        definition = ROLES_BY_CODE.get(obj.code)
        return str(definition.duties) if definition else "—"

    @admin.display(description=_("permissions"))
    def permissions(self, obj: Role) -> str:
        definition = ROLES_BY_CODE.get(obj.code)
        if not definition:
            return "—"
        rows = ((p,) for p in sorted(definition.permissions))
        return format_html_join("", "<code>{}</code><br>", rows)


class StaffChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = "__all__"


class StaffCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("employee_no", "name")


@admin.register(User)
class StaffAdmin(UserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ["employee_no", "name", "department", "team", "level", "role_list", "is_active"]
    list_filter = ["is_active", "level", "roles", "department"]
    search_fields = ["employee_no", "name", "phone"]
    ordering = ["employee_no"]
    autocomplete_fields = ["department", "team"]
    filter_horizontal = ["roles"]
    fieldsets = (
        (None, {"fields": ("employee_no", "password")}),
        (_("Staff details"), {"fields": ("name", "phone", "email", "department", "team", "level")}),
        (_("Roles"), {"fields": ("roles", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("employee_no", "name", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        return qs.select_related("department", "team").prefetch_related("roles")

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            revoked, open_orders = deactivated(obj)
            if revoked:
                messages.info(
                    request,
                    _("%(count)d API token(s) of %(name)s revoked.")
                    % {"count": revoked, "name": obj.name},
                )
            if open_orders:
                messages.warning(
                    request,
                    _(
                        "%(name)s still owns or handles %(count)d open order(s): have them "
                        "handed on (the supervisor's all-open queue, filtered by person)."
                    )
                    % {"name": obj.name, "count": open_orders},
                )

    @admin.display(description=_("roles"))
    def role_list(self, obj: User) -> str:
        return "、".join(str(role) for role in obj.roles.all())


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens for integrations: issued here (the key is shown once), listed, revoked.

    Managing integrations is the administrator's duty (``config.manage_integrations``).
    """

    list_display = ["name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "key_prefix", "user__employee_no", "user__name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    actions = ["revoke_tokens"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A token keeps its owner: a new owner would inherit requests meant for the old one.
        return ["user", *self.readonly_fields] if obj is not None else self.readonly_fields

    def _may_manage(self, request: HttpRequest) -> bool:
        return request.user.has_perm("config.manage_integrations")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_manage(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked tokens stay on record

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key = assign_key(obj)
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            _("Copy the key of “%(name)s” now; it is not shown again: %(key)s")
            % {"name": obj.name, "key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_tokens(self, request: HttpRequest, queryset: Any) -> None:
        count = revoke(queryset)
        self.message_user(
            request, _("%(count)d token(s) revoked.") % {"count": count}, messages.SUCCESS
        )

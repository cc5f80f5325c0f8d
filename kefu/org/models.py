from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.permissions import RestrictedQuerySet
from kefu.org.choices import ALLOWED_PARENT_KINDS, DepartmentKind, StaffLevel


class Department(models.Model):
    """A node of the organisation tree (R-ORG-1): company, center, branch, department or team.

    Orders dispatched outside the center go to a department *and* its responsible person.
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "org.User",
        verbose_name=_("head"),
        help_text=_("The superior who takes up escalations (R-WO-7)."),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    responsible = models.ForeignKey(
        "org.User",
        verbose_name=_("responsible person"),
        help_text=_("Receives the orders dispatched to this department (R-ORG-1)."),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_for",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Department]:
        """From the root down to the parent; the tree is small, so a walk is enough.

        The walk stops at the first node it has already met: a parent cycle (refused by
        ``clean``, but possible in unsaved edits or after two concurrent moves) must not loop
        forever on every page that shows a department's path.
        """

        def identity(department: Department) -> tuple[str, int]:
            pk = department.pk
            return ("pk", pk) if pk is not None else ("object", id(department))

        chain: list[Department] = []
        seen = {identity(self)}
        node = self.parent
        while node is not None and identity(node) not in seen:
            seen.add(identity(node))
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def path(self) -> str:
        return " / ".join([*(d.name for d in self.ancestors()), self.name])

    def clean(self) -> None:
        allowed = ALLOWED_PARENT_KINDS.get(self.kind, set())
        if self.parent is None:
            if allowed:
                raise ValidationError(
                    {"parent": _("Only a company can be at the top of the tree.")}
                )
            return
        if self.parent.kind not in allowed:
            raise ValidationError(
                {
                    "parent": _("A %(kind)s cannot be placed under a %(parent_kind)s.")
                    % {
                        "kind": self.get_kind_display(),
                        "parent_kind": self.parent.get_kind_display(),
                    }
                }
            )
        if self.pk and any(node.pk == self.pk for node in [self.parent, *self.parent.ancestors()]):
            raise ValidationError({"parent": _("A department cannot be placed under itself.")})

    def clean_fields(self, exclude: Any = None) -> None:
        super().clean_fields(exclude)
        errors: dict[str, str] = {}
        for field in ("head", "responsible"):
            person = getattr(self, field)
            if person is not None and not person.is_active:
                errors[field] = _("%(name)s is no longer active.") % {"name": person.name}
        person = self.responsible
        if person is not None and "responsible" not in errors:
            if not person.has_perm("tickets.accept"):
                errors["responsible"] = _(
                    "%(name)s cannot receive dispatched orders: give them the department "
                    "handler role first."
                ) % {"name": person.name}
            elif self.pk and not self._has_member(person):
                # R-ORG-3: they would be sent orders of a department they cannot see.
                errors["responsible"] = _(
                    "%(name)s does not belong to %(dept)s or a unit under it."
                ) % {"name": person.name, "dept": self.name}
        if errors:
            raise ValidationError(errors)

    def _has_member(self, person: User) -> bool:
        units = set(subtree_ids(self.pk))
        return person.department_id in units or person.team_id in units


def subtree_ids(*root_ids: int, among: QuerySet[Department] | None = None) -> list[int]:
    """The departments given and every unit below them (of ``among``: default all), the roots
    first (the tree is small: one query)."""
    children: dict[int | None, list[int]] = {}
    units = among if among is not None else Department.objects.all()
    for pk, parent_id in units.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids: list[int] = []
    stack = list(reversed(root_ids))
    while stack:
        current = stack.pop()
        if current in ids:
            continue
        ids.append(current)
        stack.extend(children.get(current, []))
    return ids


class Role(models.Model):
    """A role of SPEC §1. Its permissions are defined in code (``kefu.org.roles``)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        from kefu.org.roles import ROLES_BY_CODE

        definition = ROLES_BY_CODE.get(self.code)
        return str(definition.name) if definition else self.name


class StaffManager(UserManager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    """Staff log in by employee number; ``restrict(user, perm)`` comes from RestrictedQuerySet."""

    def create_user(self, employee_no, password=None, **extra_fields):
        if not employee_no:
            raise ValueError("An employee number is required.")
        user = self.model(employee_no=employee_no, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, employee_no, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("name", employee_no)
        return self.create_user(employee_no, password, **extra_fields)


class User(AbstractUser):
    """A staff member: 工号, name, phone, department, team, level and roles (SPEC §1).

    Staff log in with their employee number. Chinese names are not split into given and family
    names, so there is a single ``name``.
    """

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]

    employee_no = models.CharField(
        _("employee number"),
        max_length=20,
        unique=True,
        error_messages={"unique": _("A staff member with this employee number already exists.")},
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    team = models.ForeignKey(
        Department,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_members",
        limit_choices_to={"kind": DepartmentKind.TEAM},
    )
    level = models.CharField(
        _("level"), max_length=20, choices=StaffLevel.choices, default=StaffLevel.JUNIOR
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="staff")
    # The codes of ``roles``, space-separated, kept in step by kefu.org.signals whenever the
    # roles change. Every request checks permissions; reading the codes with the user row saves
    # a query on each of them (the user row is read anyway, by session or by API token).
    role_list = models.CharField(max_length=500, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=10, blank=True)

    USERNAME_FIELD = "employee_no"
    REQUIRED_FIELDS = ["name"]

    objects = StaffManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["employee_no"]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_no})"

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.team is not None and self.team.kind != DepartmentKind.TEAM:
            raise ValidationError({"team": _("Choose a team, not a department.")})
        team_elsewhere = self.team is not None and self.team.parent_id != self.department_id
        if team_elsewhere and self.department_id:
            raise ValidationError(
                {"team": _("The team must belong to the staff member's department.")}
            )

    def role_codes(self) -> frozenset[str]:
        """Codes of this user's roles, from the row itself (see ``role_list``)."""
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_list.split()) if self.pk else frozenset()
            self._role_codes = cached
        return cached

    def refresh_role_list(self) -> None:
        """Re-read the roles and store their codes (after any change of ``roles``)."""
        codes = " ".join(sorted(self.roles.values_list("code", flat=True)))
        User.objects.filter(pk=self.pk).update(role_list=codes)
        self.role_list = codes
        for attr in ("_role_codes", "_role_permissions"):
            self.__dict__.pop(attr, None)

    def has_role(self, code: str) -> bool:
        return code in self.role_codes()


class ApiToken(models.Model):
    """A key an integration sends as ``Authorization: Bearer <key>``; it acts as its user.

    Only the SHA-256 of the key is stored, so a leaked database does not leak working keys; the
    first characters are kept to tell tokens apart. Revoked tokens are kept for the record.
    """

    user = models.ForeignKey(
        User, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the CTI integration.")
    )
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def staff_granted(permission: str) -> QuerySet[User]:
    """Active staff whose roles grant ``permission`` (superusers, the installation's root
    account, are not counted: nobody works the center's steps as root)."""
    from kefu.org.roles import ROLES

    codes = [role.code for role in ROLES if permission in role.permissions]
    return User.objects.filter(is_active=True, roles__code__in=codes).distinct()

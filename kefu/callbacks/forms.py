"""Forms of the callback module. They parse input; the rules are in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.callbacks import reports
from kefu.callbacks.choices import (
    PROFILE_FIELDS,
    PROFILE_LIMITS,
    Outcome,
    ReportKind,
    Score,
    SecondaryReason,
)
from kefu.callbacks.services import ProblemBack, Secondary
from kefu.core.forms import StyledFormMixin
from kefu.org.choices import DepartmentKind
from kefu.org.models import Department, User
from kefu.tickets.choices import Level
from kefu.tickets.forms import LevelQuestions
from kefu.tickets.models import BusinessLine, Nature, SuggestionSubject

# --- What was typed into a panel form that failed: kept for the next page (PRG) -------------

TYPED_KEY = "callbacks.typed"


def keep_typed(request: Any, number: str, name: str, errors: dict[str, list[str]]) -> None:
    """Keep what was typed into the order page's form ``name``, with the service's field
    errors, for the page the view redirects to: nothing typed is lost on an error."""
    data = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
    kept = request.session.get(TYPED_KEY, {})
    kept[f"{number}:{name}"] = {"data": data, "errors": errors}
    request.session[TYPED_KEY] = kept


def prefill(request: Any, number: str, name: str, initial: dict[str, Any]) -> None:
    """Open the order page's form ``name`` on the next page with ``initial`` values (the step
    that follows the one just done, e.g. the second dispatch after a dissatisfied score)."""
    kept = request.session.get(TYPED_KEY, {})
    kept[f"{number}:{name}"] = {"initial": initial}
    request.session[TYPED_KEY] = kept


def typed_form(
    request: Any, number: str, name: str, form_class: type[forms.Form], version: int, **kwargs: Any
) -> forms.Form | None:
    """The form ``name`` bound to what was kept for it, with its errors; None if nothing was
    kept. Taken once: a reload shows empty forms again. The version is the order's current
    one (the page shows the order as it is now)."""
    kept = request.session.get(TYPED_KEY, {})
    entry = kept.pop(f"{number}:{name}", None)
    if entry is None:
        return None
    request.session[TYPED_KEY] = kept
    if "initial" in entry:  # see prefill: an unbound form, opened
        form = form_class(initial={**entry["initial"], "version": version}, **kwargs)
        form.opened = True  # type: ignore[attr-defined]
        return form
    data = MultiValueDict(entry["data"])
    data.setlist("version", [str(version)])
    form = form_class(data, **kwargs)
    form.is_valid()
    for field, messages in entry["errors"].items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
    return form


class VersionForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AttemptForm(VersionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


def _score_field(required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=[("", "—"), *Score.choices],
        coerce=int,
        required=required,
        empty_value=None,
    )


class SatisfactionFields(forms.Form):
    """The satisfaction fields of R-CB-3: score, comment and, with consent, profile details."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    profile_consent = forms.BooleanField(
        label=_("The customer agrees to give profile details"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in PROFILE_FIELDS:
            field: forms.Field
            if name == "email":
                field = forms.EmailField(label=label, required=False, max_length=254)
            elif name == "birthday":
                field = forms.DateField(
                    label=label,
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date"}),
                    error_messages={"invalid": _("Enter the birthday as a date (YYYY-MM-DD).")},
                )
            else:
                field = forms.CharField(
                    label=label, required=False, max_length=PROFILE_LIMITS.get(name, 200)
                )
            field.widget.attrs["class"] = "form-control"
            self.fields[f"profile_{name}"] = field
        self.order_fields(self.field_order)

    @staticmethod
    def satisfaction_names() -> list[str]:
        return ["score", "comment", "profile_consent"] + [
            f"profile_{name}" for name, _label in PROFILE_FIELDS
        ]

    def profile(self) -> dict[str, str]:
        """The details as text (the birthday as an ISO date); the service checks them again."""
        values = {}
        for name, _label in PROFILE_FIELDS:
            value = self.cleaned_data.get(f"profile_{name}")
            if value:
                values[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return values


class SatisfiedForm(SatisfactionFields, VersionForm):
    """Second step of the two-step path (without JavaScript): the result of a reached call."""

    field_order = ["score", "comment", "profile_consent"]
    score = _score_field()


class CallForm(SatisfactionFields, AttemptForm):
    """One callback call (R-CB-2) and, when it reached the customer, its result (R-CB-3) in the
    same submit. The satisfaction fields are optional: without a score only the call is
    recorded, and the result follows on its own form (the page without JavaScript)."""

    field_order = ["outcome", "note", "score", "comment", "profile_consent"]
    score = _score_field(required=False)

    def call_fields(self) -> list[Any]:
        skip = set(self.satisfaction_names())
        return [f for f in self.visible_fields() if f.name not in skip]

    def satisfaction_fields(self) -> list[Any]:
        return [self[name] for name in self.satisfaction_names()]

    def shows_satisfaction(self) -> bool:
        """Whether the page opens with the satisfaction fields shown: the form came back with
        "reached" typed (an error on the result)."""
        return self.is_bound and self.data.get("outcome") == Outcome.REACHED


def _departments() -> Any:
    return Department.objects.filter(is_active=True).exclude(
        kind__in=[DepartmentKind.COMPANY, DepartmentKind.CENTER]
    )


class SecondDispatchForm(VersionForm):
    score = _score_field()
    problem_back = forms.BooleanField(label=_("The problem is back"), required=False)
    comment = forms.CharField(label=_("Customer's comment"), required=False)
    cause = forms.CharField(label=_("Cause"), widget=forms.Textarea(attrs={"rows": 2}))
    remedy = forms.CharField(
        label=_("Apology, explanation and remedy"), widget=forms.Textarea(attrs={"rows": 2})
    )
    warning = forms.CharField(
        label=_("Written warning to the responsible department"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    department = forms.ModelChoiceField(
        queryset=_departments(),
        label=_("Dispatch to"),
        required=False,
        empty_label=_("The department that handled it"),
    )
    instructions = forms.CharField(label=_("Instructions"), required=False)

    def problem(self) -> ProblemBack:
        d = self.cleaned_data
        return ProblemBack(
            score=d["score"],
            cause=d["cause"],
            remedy=d["remedy"],
            comment=d.get("comment", ""),
            problem_back=d.get("problem_back", False),
            warning=d.get("warning", ""),
            department=d.get("department"),
            instructions=d.get("instructions", ""),
        )


class UnreachableForm(VersionForm):
    reason = forms.CharField(label=_("Why the customer cannot be reached"), max_length=500)


class SecondaryForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("The customer complains"), choices=SecondaryReason.choices)
    title = forms.CharField(
        label=pgettext_lazy("the order's one-line title", "Summary"), max_length=200
    )
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    level = forms.ChoiceField(
        label=_("Complaint level"), choices=[("", "—"), *Level.choices], required=False
    )
    complained_staff = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        label=_("Person complained about (employee number)"),
        to_field_name="employee_no",
        required=False,
        widget=forms.TextInput(),
        help_text=_("Empty: whoever handled the original order."),
    )
    refuses_answer = forms.BooleanField(
        label=_("The customer does not accept a correct answer"), required=False
    )

    def secondary(self) -> Secondary:
        d = self.cleaned_data
        return Secondary(
            reason=d["reason"],
            title=d["title"],
            description=d.get("description", ""),
            level=d.get("level", ""),
            complained_staff=d.get("complained_staff"),
            refuses_answer=d.get("refuses_answer", False),
        )


class RecordForm(StyledFormMixin, forms.Form):
    complainant = forms.CharField(label=_("Complainant"), max_length=100)
    business_line = forms.ModelChoiceField(
        queryset=BusinessLine.objects.filter(is_active=True),
        label=_("Business line"),
        required=False,
    )
    nature = forms.ModelChoiceField(
        queryset=Nature.objects.filter(is_active=True), label=_("Nature"), required=False
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.filter(is_active=True),
        label=_("Department complained about"),
        required=False,
    )
    substantiated = forms.NullBooleanField(
        label=_("Substantiated"),
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )


class LevelHelperForm(LevelQuestions):
    """The helper's own request: its answers so far, for the level they propose."""


class ClassifyForm(StyledFormMixin, forms.Form):
    subject = forms.ModelChoiceField(
        queryset=SuggestionSubject.objects.filter(is_active=True), label=_("Subject")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class PeriodForm(StyledFormMixin, forms.Form):
    compact = True
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (exclusive)"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end comes after the start."))
        return data


class ProduceForm(PeriodForm):
    """A report to produce now (R-CB-6): its kind and period, checked as the service does."""

    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    new_version = forms.BooleanField(label=_("Correction (new version)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors or not all(data.get(k) for k in ("kind", "start", "end")):
            return data
        for field, message in reports.period_errors(
            data["kind"], data["start"], data["end"], reports.center_today()
        ).items():
            self.add_error(field, message)
        return data

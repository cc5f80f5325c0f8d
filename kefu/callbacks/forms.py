"""Forms of the callback module. They parse input; the rules are in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.callbacks.choices import PROFILE_FIELDS, Outcome, Score, SecondaryReason
from kefu.callbacks.services import ProblemBack, Secondary
from kefu.core.forms import StyledFormMixin
from kefu.org.choices import DepartmentKind
from kefu.org.models import Department, User
from kefu.tickets.choices import Level
from kefu.tickets.forms import LevelQuestions
from kefu.tickets.models import BusinessLine, Nature, SuggestionSubject


class VersionForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AttemptForm(VersionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


def _score_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Satisfaction"), choices=[("", "—"), *Score.choices], coerce=int
    )


class SatisfiedForm(VersionForm):
    score = _score_field()
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    profile_consent = forms.BooleanField(
        label=_("The customer agrees to give profile details"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in PROFILE_FIELDS:
            self.fields[f"profile_{name}"] = forms.CharField(
                label=label, required=False, max_length=200
            )
            self.fields[f"profile_{name}"].widget.attrs["class"] = "form-control"

    def profile(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(f"profile_{name}", "")
            for name, _label in PROFILE_FIELDS
            if self.cleaned_data.get(f"profile_{name}")
        }


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
    title = forms.CharField(label=_("Summary"), max_length=200)
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

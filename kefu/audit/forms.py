from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.audit.choices import AuditAction, ExportFormat
from kefu.audit.queries import AuditFilters, model_choices
from kefu.core.forms import StyledFormMixin
from kefu.customers.choices import CustomerTier, CustomerType

ANY = [("", "—")]


class ChoicesMixin:
    fields: dict[str, forms.Field]

    def _choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(ChoicesMixin, StyledFormMixin, forms.Form):
    compact = True
    actor = forms.CharField(label=_("Actor"), required=False, max_length=50)
    action = forms.ChoiceField(label=_("Action"), required=False)
    model = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice("action").choices = ANY + list(AuditAction.choices)
        self._choice("model").choices = ANY + model_choices()

    def filters(self) -> AuditFilters:
        if not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            actor=data["actor"].strip(),
            action=data["action"],
            model=data["model"],
            object_id=data["object_id"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )


class ExportRequestForm(ChoicesMixin, StyledFormMixin, forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What the data is for; the approving manager reads this."),
    )
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    customer_type = forms.ChoiceField(label=_("Customer type"), required=False)
    region = forms.CharField(label=_("Region"), required=False, max_length=50)
    registered_from = forms.DateField(
        label=_("Registered on or after"), required=False, widget=DateInput
    )
    registered_to = forms.DateField(
        label=_("Registered on or before"), required=False, widget=DateInput
    )
    file_format = forms.ChoiceField(
        label=_("File format"), choices=ExportFormat.choices, initial=ExportFormat.XLSX
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice("tier").choices = ANY + list(CustomerTier.choices)
        self._choice("customer_type").choices = ANY + list(CustomerType.choices)


class DecisionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    MAX_DAYS = 400

    @staticmethod
    def default_period() -> tuple[date, date]:
        today = timezone.localdate()
        return today - timedelta(days=29), today

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("end", _("Choose a period of at most 400 days."))
        return data

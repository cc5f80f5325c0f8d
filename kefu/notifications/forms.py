"""The preferences form: one checkbox per event and channel."""

from __future__ import annotations

from typing import Any

from django import forms

from kefu.notifications import events
from kefu.notifications.services import Preference


def field_name(event: str, channel: str) -> str:
    return f"{event}__{channel}"


class PreferencesForm(forms.Form):
    """Checkboxes ``<event>__<channel>``; an unticked box is a channel turned off."""

    def __init__(self, *args: Any, current: list[Preference], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = current
        for pref in current:
            for channel in events.CHANNELS:
                self.fields[field_name(pref.event, channel)] = forms.BooleanField(
                    required=False,
                    initial=getattr(pref, channel),
                    label=events.CHANNEL_LABELS[channel],
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )

    def table(self) -> list[tuple[Preference, list[forms.BoundField]]]:
        return [
            (pref, [self[field_name(pref.event, c)] for c in events.CHANNELS]) for pref in self.rows
        ]

    def choices(self) -> dict[str, dict[str, bool]]:
        data = self.cleaned_data
        return {
            pref.event: {c: bool(data.get(field_name(pref.event, c))) for c in events.CHANNELS}
            for pref in self.rows
        }

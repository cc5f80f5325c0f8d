"""Forms of the agent's workspace. They parse and shape input; the rules are in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import StyledFormMixin
from kefu.lib.phones import try_normalize
from kefu.org.models import Department, User
from kefu.tickets.actions import Feedback, Registration, route_for
from kefu.tickets.choices import (
    LEVEL_QUESTIONS,
    TEXT_CHANNELS,
    Channel,
    Level,
    Priority,
    RouteAction,
    Status,
    Visibility,
)
from kefu.tickets.models import BusinessLine, CallType, Nature, RequestKind, SuggestionSubject
from kefu.tickets.queries import Filters

MAX_ENTRY_SECONDS = 3 * 3600
# An action's error field → the intake field the agent typed it in (add_repeat_contact).
REPEAT_CONTACT_FIELDS = {"summary": "title"}
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# The step an intake can take right after registering (R-WO-2): the button's value → the route
# actions that allow it. What the center answers is resolved on first contact; what the route
# sends out is drafted for review (R-WO-3) to the route's department.
RESOLVE, SUBMIT = "resolve", "submit"
NEXT_STEP_ROUTES = {
    RESOLVE: {RouteAction.CENTER},
    SUBMIT: {RouteAction.DISPATCH, RouteAction.SUPERIOR},
}


class ActiveChoice(forms.ModelChoiceField):
    def __init__(self, model: Any, label: Any, **kwargs: Any) -> None:
        super().__init__(
            queryset=model.objects.filter(is_active=True), label=label, required=False, **kwargs
        )


class LevelQuestions(forms.Form):
    """R-CLS-4: the level helper's questions (``LEVEL_QUESTIONS``), ticked or not."""

    emotion_strong = forms.BooleanField(required=False)
    dispute = forms.BooleanField(required=False)
    on_site = forms.BooleanField(required=False)


class IntakeForm(StyledFormMixin, LevelQuestions):
    """The fields every intake shares, in the order an agent fills them on a live call."""

    contact_phone = forms.CharField(label=_("Contact number"), max_length=40, required=False)
    contact_name = forms.CharField(label=_("Caller name"), max_length=100, required=False)
    call_type = forms.ModelChoiceField(
        queryset=CallType.objects.filter(is_active=True),
        label=_("Call type"),
        to_field_name="code",
        # No preselected type: an order nobody classified must not pass as an A1 complaint.
        empty_label="—",
    )
    level = forms.ChoiceField(
        label=_("Complaint level"), choices=[("", "—"), *Level.choices], required=False
    )
    title = forms.CharField(label=_("Summary"), max_length=200)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    # Used only by "Register and resolve" / "Register and submit for review".
    answer = forms.CharField(
        label=_("Answer or dispatch instructions"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_(
            "Register and resolve: the answer given to the customer. Register and submit for "
            "review: instructions for the department."
        ),
    )
    request_kind = ActiveChoice(RequestKind, _("Request kind"))
    business_line = ActiveChoice(BusinessLine, _("Business line"))
    nature = ActiveChoice(Nature, _("Nature"))
    suggestion_subject = ActiveChoice(SuggestionSubject, _("Suggestion subject"))
    complained_staff = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        label=_("Person complained about"),
        to_field_name="employee_no",
        required=False,
        help_text=_("For a secondary complaint (D): their employee number."),
        widget=forms.TextInput(),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="normal")
    urgent = forms.BooleanField(label=_("Urgent (加急)"), required=False)
    # The level helper's checkboxes sit in the side panel
    # (callbacks/partials/intake_helpers.html) and belong to this form by their form attribute.

    channel_default = Channel.PHONE
    offers_next_step = True  # the two buttons that register and take the next step at once
    field_order = [
        "contact_phone",
        "contact_name",
        "call_type",
        "level",
        "title",
        "description",
        "answer",
        "priority",
        "urgent",
        "request_kind",
        "business_line",
        "nature",
        "suggestion_subject",
        "complained_staff",
    ]

    def clean_contact_phone(self) -> str:
        raw = self.cleaned_data.get("contact_phone", "").strip()
        if not raw:
            return ""
        phone = try_normalize(raw)
        if phone is None:
            raise forms.ValidationError(_("This is not a valid phone number."))
        return phone

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # The number came with the call: start where the agent types next.
            self._focus("contact_name" if self.initial.get("contact_phone") else "contact_phone")

    def full_clean(self) -> None:
        super().full_clean()
        self.focus_first_error()

    def entry_fields(self) -> list[forms.BoundField]:
        """The fields of the form's own grid: all visible ones but the level helper's."""
        return [f for f in self.visible_fields() if f.name not in LEVEL_QUESTIONS]

    def refuse_repeat_contact(self, error: Exception) -> None:
        """Show why the call could not be added to an open order (R-IN-4) on the form as the
        agent typed it. The form was not submitted as a registration, so only this refusal is
        shown, not the registration's own checks (call type, level …)."""
        self._errors = ErrorDict()  # nothing validated: start from no errors
        self.cleaned_data = {}
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                target = REPEAT_CONTACT_FIELDS.get(name, name)
                for message in messages:
                    self.add_error(target if target in self.fields else None, message)
        else:
            for message in getattr(error, "messages", None) or [str(error)]:
                self.add_error(None, message)
        for name in self._errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
                widget.attrs["aria-invalid"] = "true"
        self.focus_first_error()

    def focus_first_error(self) -> None:
        """After an error the cursor goes to the first field in error, in the order on screen."""
        for field in self.entry_fields():
            if field.name in self._errors:
                self._focus(field.name)
                return

    def _focus(self, name: str) -> None:
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        if name in self.fields:
            self.fields[name].widget.attrs["autofocus"] = True

    def next_step(self) -> str:
        """The step the button pressed asks for after registering: RESOLVE, SUBMIT or ""."""
        step = self.data.get("next_step", "") if self.offers_next_step else ""
        return step if step in NEXT_STEP_ROUTES else ""

    def next_step_text(self) -> str:
        return str(getattr(self, "cleaned_data", {}).get("answer") or "")

    def step_routes(self) -> dict[str, dict[str, str]]:
        """Per active call type code, the step its route allows at each level (R-WO-2, R-CLS-4),
        for the page to show only the button the route allows: a complaint's by level, another
        type's under "". No entry: neither button (harassment, a complaint without a level)."""
        field = self.fields["call_type"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        routes: dict[str, dict[str, str]] = {}
        for call_type in field.queryset or CallType.objects.none():
            levels = Level.values if call_type.is_complaint else [""]
            routes[call_type.code] = {
                level: step
                for level in levels
                for step, actions in NEXT_STEP_ROUTES.items()
                if route_for(call_type, level).action in actions
            }
        return routes

    def registration(self) -> Registration:
        data = self.cleaned_data
        answers = {name: bool(data.get(name)) for name in LEVEL_QUESTIONS}
        return Registration(
            call_type=data["call_type"],
            channel=data.get("channel") or self.channel_default,
            title=data["title"],
            description=data.get("description", ""),
            contact_phone=data.get("contact_phone", ""),
            contact_name=data.get("contact_name", ""),
            received_at=data.get("received_at"),
            level=data.get("level", ""),
            priority=data.get("priority") or Priority.NORMAL,
            urgent=data.get("urgent", False),
            request_kind=data.get("request_kind"),
            business_line=data.get("business_line"),
            nature=data.get("nature"),
            suggestion_subject=data.get("suggestion_subject"),
            complained_staff=data.get("complained_staff"),
            # No box ticked tells nothing (the helper unused): the level then implies the
            # answers on the complaint record. One ticked box makes the others a "no".
            extra=answers if any(answers.values()) else {},
        )


class PhoneIntakeForm(IntakeForm):
    """R-IN-3: registered during the call or right after it; received now.

    ``opened_at`` is when the form was shown: the time from there to registration is the
    agent's entry (after-call work) time, kept on the registration event.
    """

    opened_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def registration(self) -> Registration:
        reg = super().registration()
        opened = self.cleaned_data.get("opened_at")
        if opened is not None:
            seconds = int((timezone.now() - opened).total_seconds())
            if 0 <= seconds <= MAX_ENTRY_SECONDS:  # a form left open overnight measures nothing
                reg.extra["entry_seconds"] = seconds
        return reg


class TextIntakeForm(IntakeForm):
    """R-IN-2: letters, faxes, e-mails, walk-ins and transfers, with the time they arrived."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in Channel if c in TEXT_CHANNELS]
    )
    received_at = forms.DateTimeField(label=_("Received at"), widget=DATETIME_WIDGET)

    field_order = ["channel", "received_at", *IntakeForm.field_order]


class RecordingIntakeForm(IntakeForm):
    """Voice recordings and voice mail, with the recording attached."""

    received_at = forms.DateTimeField(label=_("Recorded at"), widget=DATETIME_WIDGET)
    recording = forms.FileField(
        label=_("Recording"), widget=forms.ClearableFileInput(attrs={"accept": "audio/*"})
    )
    answer = None  # type: ignore[assignment]  # registered only: the recording is heard first
    channel_default = Channel.RECORDING
    offers_next_step = False
    field_order = ["recording", "received_at", *IntakeForm.field_order]

    def clean_recording(self) -> Any:
        upload = self.cleaned_data["recording"]
        content_type = getattr(upload, "content_type", "") or ""
        if not content_type.startswith("audio/"):
            raise forms.ValidationError(_("Attach an audio file (mp3, wav, amr …)."))
        return upload


# --- Forms of the moves on the order page ----------------------------------------------------


class VersionedForm(StyledFormMixin, forms.Form):
    """Carries the version the user saw, so a stale page cannot overwrite a newer change."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class TextForm(VersionedForm):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}))


class OptionalTextForm(VersionedForm):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class NoteForm(VersionedForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )


class HandlerChoiceField(forms.ModelChoiceField):
    """Each person with their department, so the right one is picked for the department."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {obj.department}" if obj.department_id else str(obj)


class DispatchForm(VersionedForm):
    department = forms.ModelChoiceField(
        queryset=Department.objects.filter(is_active=True),
        label=_("Department"),
        required=False,
        help_text=_("Leave empty to use the routing rule of this call type."),
    )
    handler = HandlerChoiceField(
        queryset=User.objects.filter(is_active=True, roles__code="department_handler")
        .select_related("department")
        .order_by("department__name", "employee_no"),
        label=_("Responsible person"),
        required=False,
        help_text=_(
            "Leave empty for the department's responsible person; "
            "anyone named must belong to the department."
        ),
    )
    text = forms.CharField(
        label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReviewForm(DispatchForm):
    note = forms.CharField(label=_("Review note"), required=False)


class FeedbackForm(VersionedForm):
    """R-WO-6."""

    contacted_at = forms.DateTimeField(
        label=_("Customer contacted at"), widget=DATETIME_WIDGET, required=False
    )
    solution = forms.CharField(
        label=_("Solution"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    effect = forms.CharField(label=_("Effect"), required=False)
    remaining = forms.CharField(label=_("Remaining issues"), required=False)

    def feedback(self) -> Feedback:
        data = self.cleaned_data
        return Feedback(
            contacted_at=data.get("contacted_at"),
            solution=data.get("solution", ""),
            effect=data.get("effect", ""),
            remaining=data.get("remaining", ""),
        )


class EditForm(VersionedForm):
    """Classification and text of an open order (``actions.update_details``)."""

    title = forms.CharField(label=_("Summary"), max_length=200)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    level = forms.ChoiceField(
        label=_("Complaint level"), choices=[("", "—"), *Level.choices], required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    request_kind = ActiveChoice(RequestKind, _("Request kind"))
    business_line = ActiveChoice(BusinessLine, _("Business line"))
    nature = ActiveChoice(Nature, _("Nature"))
    contact_name = forms.CharField(label=_("Caller name"), max_length=100, required=False)

    def changes(self) -> dict[str, Any]:
        """Only the fields the user actually changed, so an untouched field is never rewritten."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}


class HandOverForm(VersionedForm):
    """R-WO-10: whom the order is handed on to (agents and senior agents)."""

    to = forms.ModelChoiceField(
        queryset=User.objects.filter(
            is_active=True, roles__code__in=["agent", "senior_agent"]
        ).distinct(),
        label=_("Hand on to"),
    )
    text = forms.CharField(label=_("Note"), required=False)


class AttachForm(VersionedForm):
    file = forms.FileField(label=_("File"))
    text = forms.CharField(label=_("Note"), required=False)


class StaffNumberInput(forms.TextInput):
    """An employee number, typed or picked from the list of staff (``staff-numbers`` datalist
    in the queue page)."""

    def __init__(self) -> None:
        super().__init__(attrs={"list": "staff-numbers", "size": 8, "inputmode": "numeric"})


class FilterForm(StyledFormMixin, forms.Form):
    """The queue filters (GET); every field optional."""

    compact = True

    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_(
            "An order number or its end (A1-20261201-0111, 20261201-0111; 0111 finds the "
            "last 7 days), a phone number or its first 7 digits or more, or words of the "
            "summary. The end of a phone number is not searched."
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Status.choices], required=False
    )
    call_type = forms.ModelChoiceField(
        queryset=CallType.objects.all(), to_field_name="code", label=_("Call type"), required=False
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All")), *Level.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("All")), *Channel.choices], required=False
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.filter(is_active=True), label=_("Department"), required=False
    )
    urgent = forms.NullBooleanField(
        label=_("Urgent"),
        required=False,
        widget=forms.Select(
            choices=[("", _("All")), ("true", _("Urgent only")), ("false", _("Not urgent"))]
        ),
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # These and the received dates fold under "More filters" (``MORE_FIELDS``): the bar holds
    # one row at 1366 px (e2e/test_layout.py).
    owner = forms.CharField(
        label=_("First-contact owner"), required=False, widget=StaffNumberInput()
    )
    handler = forms.CharField(label=_("Handler"), required=False, widget=StaffNumberInput())
    escalated_to = forms.CharField(
        label=_("Escalated to"), required=False, widget=StaffNumberInput()
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    MORE_FIELDS = (
        "owner",
        "handler",
        "escalated_to",
        "overdue",
        "received_from",
        "received_to",
    )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.MORE_FIELDS]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MORE_FIELDS]

    def more_in_use(self) -> int:
        """How many of the folded filters are set, shown on the button that unfolds them."""
        return sum(1 for name in self.MORE_FIELDS if self.data.get(name))

    def _staff(self, name: str) -> int | None:
        number = (self.cleaned_data.get(name) or "").strip()
        if not number:
            return None
        pk = User.objects.filter(employee_no=number).values_list("pk", flat=True).first()
        if pk is None:
            raise ValidationError(_("No staff member has this employee number."))
        return pk

    def clean_owner(self) -> int | None:
        return self._staff("owner")

    def clean_handler(self) -> int | None:
        return self._staff("handler")

    def clean_escalated_to(self) -> int | None:
        return self._staff("escalated_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error(
                "received_to", _("The end of the range is before its start; swap the dates.")
            )
        return data

    def filters(self) -> Filters:
        """The valid filters: a bad value (status=bogus, an inverted range) is flagged on its
        field and left out, the others still apply. Call ``is_valid()`` first."""
        data = getattr(self, "cleaned_data", {})
        call_type, department = data.get("call_type"), data.get("department")
        return Filters(
            status=data.get("status", ""),
            call_type=call_type.code if call_type else "",
            level=data.get("level", ""),
            channel=data.get("channel", ""),
            department=department.pk if department else None,
            urgent=data.get("urgent"),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            q=data.get("q", ""),
            owner=data.get("owner"),
            handler=data.get("handler"),
            escalated_to=data.get("escalated_to"),
            overdue=bool(data.get("overdue")),
        )


def default_received_at() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")

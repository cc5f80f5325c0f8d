from typing import Any

from django import forms


class StyledFormMixin:
    """Gives every widget Bootstrap's classes, and marks fields with errors as invalid.

    ``compact = True`` uses Bootstrap's small controls (filter bars).
    """

    compact = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"  # also each box of a CheckboxSelectMultiple
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if self.compact and css != "form-check-input":
                css = f"{css} {css}-sm"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
                widget.attrs["aria-invalid"] = "true"


def apply_validation_error(form: forms.BaseForm, error: Any) -> None:
    """Show an action's ValidationError on the form: field messages beside their fields, the rest
    at the top. Fields the form does not have go to the top as well, so nothing is lost."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)

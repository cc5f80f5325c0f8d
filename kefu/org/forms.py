from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import StyledFormMixin


class LoginForm(StyledFormMixin, AuthenticationForm):
    """Staff log in with their employee number (工号)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The employee number or password is wrong. After %(limit)s wrong attempts the "
            "account is locked for %(minutes)s minutes."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Employee number")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})

    def get_invalid_login_error(self):
        from django.conf import settings
        from django.core.exceptions import ValidationError

        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "limit": settings.AXES_FAILURE_LIMIT,
                "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            },
        )


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass

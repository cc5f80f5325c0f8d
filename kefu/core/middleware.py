"""Language selection: the user's saved choice, else the cookie, else the center's default.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an agent whose browser
is set to English would get an English UI on a Chinese floor. Kefu starts in the center's
language (``KEFU_LANGUAGE``, zh-hans) and changes only when the user switches.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def supported_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def account_language(user: object) -> str:
    """The language saved on the account, or "" when none (or one no longer offered) is."""
    saved = getattr(user, "language", "") or ""
    return saved if saved in supported_languages() else ""


def chosen_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and (saved := account_language(user)):
        return saved
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in supported_languages():
        return cookie
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Must come after AuthenticationMiddleware, which it reads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # An API token is read after this middleware and may have switched the language.
        response.headers.setdefault("Content-Language", getattr(request, "LANGUAGE_CODE", language))
        return response

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.home import home_context
from kefu.core.middleware import supported_languages
from kefu.core.types import AuthedRequest
from kefu.org.lockouts import unlock_account


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    return render(request, "core/home.html", home_context(request.user))


@require_POST
def set_language(request: AuthedRequest) -> HttpResponse:
    """Switch the UI language; remembered on the account and in a cookie (for the login page)."""
    from django.conf import settings

    language = request.POST.get("language", "")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language not in supported_languages():
        return response
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
    )
    return response


@require_POST
@permission_required("axes.delete_accessattempt", raise_exception=True)
def unlock(request: AuthedRequest) -> HttpResponse:
    employee_no = request.POST.get("employee_no", "")
    unlock_account(request.user, employee_no)
    messages.success(request, _("Account %(no)s is unlocked.") % {"no": employee_no})
    return HttpResponseRedirect("/")

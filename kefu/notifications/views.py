"""The bell, the list of my notifications and my channel choices (thin: services do the work)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kefu.core.types import AuthedRequest
from kefu.notifications import events, services, sms
from kefu.notifications.forms import PreferencesForm
from kefu.notifications.models import Delivery

PAGE_SIZE = 30


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in (else to the login page) and a staff member with a role (else 403)."""
    return login_required(permission_required("core.use_workspace", raise_exception=True)(view))


@staff_only
@require_GET
def bell(request: AuthedRequest) -> HttpResponse:
    """The unread count in the navigation bar, polled by HTMX."""
    return render(
        request, "notifications/bell_count.html", {"unread": services.unread_count(request.user)}
    )


@staff_only
@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = services.inbox(request.user, unread_only=unread_only).prefetch_related("deliveries")
    page = Paginator(rows.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread": services.unread_count(request.user),
    }
    return render(request, "notifications/list.html", context)


@staff_only
@require_POST
def read(request: AuthedRequest, notification_id: int) -> HttpResponse:
    note = services.mark_read(request.user, notification_id)
    if request.htmx:
        # The row, and the tab's unread count out of band; the bell refreshes itself on the event.
        context = {"n": note, "unread": services.unread_count(request.user), "oob": True}
        response = render(request, "notifications/row_read.html", context)
        response["HX-Trigger"] = "notifications-changed"
        return response
    return redirect("notifications:list")


@staff_only
@require_POST
def open_notification(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Mark read and go where the notification points (only ever to a page of this site)."""
    note = services.mark_read(request.user, notification_id)
    safe = url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(note.url if note.url and safe else "notifications:list")


@staff_only
@require_POST
def read_all(request: AuthedRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    messages.success(request, _("%(count)d notification(s) marked read.") % {"count": count})
    return redirect("notifications:list")


@staff_only
def preferences(request: AuthedRequest) -> HttpResponse:
    current = services.preferences(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, form.choices())
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    context = {
        "form": form,
        "channels": [events.CHANNEL_LABELS[c] for c in events.CHANNELS],
        "sms_configured": sms.is_configured(),
        "deliveries": Delivery.objects.filter(recipient=request.user).order_by("-id")[:20],
    }
    return render(request, "notifications/preferences.html", context)

"""Files on an order, served only to people who may see the order (R-ORG-3, R-SEC-1).

Uploads live in the default storage under ``MEDIA_ROOT``, which has no public route: every
download goes through here, so a recording or a scanned letter is never reachable by its path.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from kefu.core.types import AuthedRequest
from kefu.tickets.access import access_ticket

# Played or shown in the browser; everything else is downloaded. SVG is left out on purpose:
# it can carry script, so it is downloaded like any other document.
INLINE_PREFIXES = ("audio/", "image/")
NEVER_INLINE = frozenset({"image/svg+xml"})


def shown_inline(content_type: str) -> bool:
    return content_type.startswith(INLINE_PREFIXES) and content_type not in NEVER_INLINE


@login_required
def attachment(request: AuthedRequest, number: str, pk: int) -> FileResponse:
    ticket = access_ticket(request.user, number)
    found = ticket.attachments.filter(pk=pk).first()
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = found.content_type or "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=not shown_inline(content_type),
        filename=found.name,
        content_type=content_type,
    )
    # The customer's file: not kept by shared caches; never sniffed into a page (only audio and
    # images are shown inline, everything else is a download).
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

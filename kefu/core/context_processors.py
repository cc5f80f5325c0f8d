from typing import Any

from django.http import HttpRequest

from kefu.core.navigation import active_url, items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    items = items_for(user)
    return {"nav_items": items, "nav_active": active_url(items, request.path)}

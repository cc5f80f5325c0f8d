from typing import Any

from django.http import HttpRequest

from kefu.core.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    section = request.path.strip("/").split("/", 1)[0]
    return {"nav_items": items_for(user), "nav_section": section}

"""A client for the work-order API that acts as one staff member through an API token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from kefu.org.models import User
from kefu.org.tokens import issue_token

BASE = "/api/v1"


class Api:
    """``Api(user).post("/tickets", {...})``: JSON in, the test client's response out."""

    def __init__(self, user: User, key: str | None = None) -> None:
        self.user = user
        self.key = key or issue_token(user, "tests")[1]
        self.client = Client()

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}", **(headers or {})}

    def get(self, path: str, params: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.get(BASE + path, params or {}, headers=self._headers(kw.get("headers")))

    def post(self, path: str, body: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.post(
            BASE + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self._headers(kw.get("headers")),
        )

    def patch(self, path: str, body: dict[str, Any], **kw: Any) -> Any:
        return self.client.patch(
            BASE + path,
            json.dumps(body),
            content_type="application/json",
            headers=self._headers(kw.get("headers")),
        )

    def ticket(self, number: str) -> dict[str, Any]:
        response = self.get(f"/tickets/{number}")
        assert response.status_code == 200, response.content
        return response.json()

    def move(self, number: str, move: str, **body: Any) -> Any:
        """POST /tickets/{number}/{move} with the version just read."""
        version = self.ticket(number)["version"]
        return self.post(f"/tickets/{number}/{move}", {"version": version, **body})


def complaint(**overrides: Any) -> dict[str, Any]:
    """The body of an A1-III phone complaint."""
    return {
        "call_type": "A1",
        "level": "III",
        "channel": "phone",
        "title": "宽带断网三天，要求上门维修",
        "description": "客户称家中宽带自周一起无法上网，情绪激动。",
        "contact_phone": "138-1234-5678",
        "contact_name": "陈先生",
        **overrides,
    }

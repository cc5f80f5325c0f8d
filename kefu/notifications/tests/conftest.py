"""Notification fixtures: the demo staff, with e-mail addresses and phones where a test needs."""

from __future__ import annotations

import pytest

from kefu.notifications.sms import MemoryBackend
from kefu.org.models import User


@pytest.fixture
def reachable(agent: User) -> User:
    """The agent, with an e-mail address and a mobile number."""
    agent.email = "wangli@example.cn"
    agent.phone = "+8613800000001"
    agent.save(update_fields=["email", "phone"])
    return agent


@pytest.fixture
def sms_outbox(settings):  # type: ignore[no-untyped-def]
    settings.KEFU_SMS_BACKEND = "kefu.notifications.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


@pytest.fixture
def order(agent: User, taxonomy: None):  # type: ignore[no-untyped-def]
    """``order(**fields)``: an A1-III phone complaint registered by the agent."""
    from kefu.tickets import actions
    from kefu.tickets.choices import Channel
    from kefu.tickets.models import CallType

    def make(by: User | None = None, **fields):  # type: ignore[no-untyped-def]
        reg = actions.Registration(
            call_type=CallType.objects.get(code=fields.pop("type", "A1")),
            channel=Channel.PHONE,
            title=fields.pop("title", "宽带断网三天，要求上门维修"),
            description="客户称家中宽带自周一起无法上网。",
            contact_phone="+8613812345678",
            contact_name="陈先生",
            level=fields.pop("level", "III"),
            **fields,
        )
        return actions.register(by or agent, reg)

    return make


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    """``api(user)``: a JSON client of /api/v1 acting as ``user`` through an API token."""
    import json

    from kefu.tickets.tests.api_fixtures import Api

    class NotificationsApi(Api):
        def put(self, path, body):  # type: ignore[no-untyped-def]
            return self.client.put(
                "/api/v1" + path,
                json.dumps(body),
                content_type="application/json",
                headers=self._headers(None),
            )

    return NotificationsApi

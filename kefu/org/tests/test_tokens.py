"""API tokens: issued once, stored as a hash, revocable, listed in the admin without the key."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from kefu.org.models import ApiToken
from kefu.org.tokens import authenticate_key, issue_token, revoke


def test_it_stores_only_the_hash_and_the_first_characters(agent):
    token, key = issue_token(agent, "CTI 接口")
    token.refresh_from_db()
    assert len(key) >= 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.key_prefix == key[:8]
    assert key not in {token.key_hash, token.name, token.key_prefix}
    assert authenticate_key(key) == agent


def test_wrong_revoked_and_empty_keys_authenticate_nobody(agent):
    token, key = issue_token(agent, "CTI")
    assert authenticate_key(key + "x") is None
    assert authenticate_key("") is None
    assert revoke(ApiToken.objects.filter(pk=token.pk)) == 1
    assert authenticate_key(key) is None
    assert revoke(ApiToken.objects.filter(pk=token.pk)) == 0  # revoked once, stays revoked


def test_the_key_of_a_deactivated_account_authenticates_nobody(agent):
    _token, key = issue_token(agent, "CTI")
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert authenticate_key(key) is None


def test_last_used_is_written_at_most_once_a_minute(agent):
    token, key = issue_token(agent, "CTI")
    authenticate_key(key)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    authenticate_key(key)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    authenticate_key(key)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=1)


def test_the_admin_issues_a_token_and_shows_the_key_once(administrator, agent, login):
    client = login(administrator)
    response = client.post(
        reverse("admin:org_apitoken_add"), {"user": agent.pk, "name": "呼叫中心CTI"}
    )
    assert response.status_code == 302
    token = ApiToken.objects.get()
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    # The key stands in the message in any language, with no spaces around it in Chinese.
    pattern = re.escape(token.key_prefix) + r"[A-Za-z0-9_\-]+"
    keys = [key for message in shown for key in re.findall(pattern, message)]
    assert len(keys) == 1
    assert authenticate_key(keys[0]) == agent
    assert keys[0] in client.get(response.url).content.decode()  # the page after saving
    listing = client.get(reverse("admin:org_apitoken_changelist")).content.decode()
    assert "呼叫中心CTI" in listing
    assert token.key_prefix in listing
    assert keys[0] not in listing
    assert token.key_hash not in listing


def test_the_admin_revokes_tokens(administrator, agent, login):
    token, key = issue_token(agent, "CTI")
    client = login(administrator)
    response = client.post(
        reverse("admin:org_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_at <= timezone.now()
    assert authenticate_key(key) is None


def test_tokens_are_managed_only_by_those_who_manage_integrations(agent, team_leader, login):
    issue_token(agent, "CTI")
    client = login(team_leader)
    response = client.get(reverse("admin:org_apitoken_changelist"))
    assert response.status_code in {302, 403}

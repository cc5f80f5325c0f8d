"""Accounts: login by employee number (工号), lockout and unlock, logout, password change.

django-axes watches the real login view, so these tests post the login form through the test
client (``client.login`` would bypass axes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client

from kefu.org.lockouts import locked_accounts, unlock_account
from kefu.org.models import User

PASSWORD = "Kefu-demo-2026"
NEW_PASSWORD = "Hotline-shift-7"
WRONG_LOGIN = "工号或密码错误"
LOCKED = "账号已锁定"

pytestmark = pytest.mark.django_db


def log_in(
    client: Client, employee_no: str, password: str, **extra: str
) -> Any:  # the test client's response
    return client.post("/login/", {"username": employee_no, "password": password, **extra})


def lock_out(client: Client, employee_no: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, employee_no, "not-the-password")


def logged_in_as(client: Client) -> User | None:
    response = client.get("/")
    return response.context["user"] if response.status_code == 200 else None


# --- Login ----------------------------------------------------------------------------------


def test_login_page_asks_for_employee_number_and_password_in_chinese(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "工号" in html
    assert "密码" in html
    assert "登录" in html


def test_staff_member_logs_in_with_employee_number(client: Client, agent: User) -> None:
    response = log_in(client, "1001", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_as(client) == agent


def test_login_follows_next_within_the_site(client: Client, agent: User) -> None:
    response = log_in(client, "1001", PASSWORD, next="/org/")
    assert response["Location"] == "/org/"


def test_login_refuses_to_redirect_off_site(client: Client, agent: User) -> None:
    response = log_in(client, "1001", PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


def test_wrong_password_shows_the_chinese_error(client: Client, agent: User) -> None:
    response = log_in(client, "1001", "not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert WRONG_LOGIN in html
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"连续错误 {settings.AXES_FAILURE_LIMIT} 次后，账号将被锁定 {minutes} 分钟" in html
    assert logged_in_as(client) is None


def test_unknown_employee_number_gets_the_same_error(client: Client, org: object) -> None:
    """The message does not reveal whether the employee number exists."""
    response = log_in(client, "424242", PASSWORD)
    assert WRONG_LOGIN in response.content.decode()


def test_inactive_staff_member_cannot_log_in(client: Client, agent: User) -> None:
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    response = log_in(client, "1001", PASSWORD)
    assert response.status_code == 200
    assert logged_in_as(client) is None


def test_an_account_without_a_role_may_log_in_but_is_told_to_ask_for_one(
    client: Client, outsider: User
) -> None:
    assert log_in(client, "8001", PASSWORD).status_code == 302
    home = client.get("/")
    assert home.context["user"] == outsider
    assert "您尚未分配岗位，请联系系统管理员。" in home.content.decode()


def test_a_logged_in_user_opening_login_goes_home(
    agent: User, login: Callable[[User], Client]
) -> None:
    response = login(agent).get("/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- Lockout (django-axes) ------------------------------------------------------------------


def test_account_is_locked_after_the_failure_limit(client: Client, agent: User) -> None:
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = log_in(client, "1001", "not-the-password")
        if attempt < settings.AXES_FAILURE_LIMIT:
            assert response.status_code == 200, attempt
            assert WRONG_LOGIN in response.content.decode()
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_a_locked_account_refuses_even_the_right_password(client: Client, agent: User) -> None:
    lock_out(client, "1001")
    response = log_in(client, "1001", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert logged_in_as(client) is None


def test_lockout_is_per_account_not_per_address(
    client: Client, agent: User, teammate: User
) -> None:
    """A call center sits behind one NAT address: one locked account must not lock the floor."""
    lock_out(client, "1001")
    assert log_in(client, "1002", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_failure_count(client: Client, agent: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "1001", "not-the-password")
    assert log_in(client, "1001", PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "1001", "not-the-password").status_code == 200


def test_administrator_sees_the_locked_account_on_the_home_page(
    client: Client, agent: User, administrator: User
) -> None:
    lock_out(client, "1001")
    admin_client = Client()
    admin_client.force_login(administrator)
    response = admin_client.get("/")
    assert [a.employee_no for a in response.context["locked_accounts"]] == ["1001"]
    html = response.content.decode()
    panel = html[html.index('data-testid="admin-panel"') :]
    assert "王丽" in panel
    assert 'name="employee_no" value="1001"' in panel


def test_administrator_unlocks_an_account_and_its_owner_logs_in_again(
    client: Client, agent: User, administrator: User
) -> None:
    lock_out(client, "1001")
    admin_client = Client()
    admin_client.force_login(administrator)
    response = admin_client.post("/accounts/unlock/", {"employee_no": "1001"})
    assert response.status_code == 302
    assert locked_accounts() == []
    assert "已解锁" in admin_client.get("/").content.decode()
    assert log_in(client, "1001", PASSWORD).status_code == 302
    assert logged_in_as(client) == agent


@pytest.mark.parametrize("persona", ["agent", "senior_agent", "team_leader", "handler", "outsider"])
def test_only_an_administrator_may_unlock_an_account(
    persona: str, request: pytest.FixtureRequest, client: Client, teammate: User
) -> None:
    lock_out(client, "1002")
    user: User = request.getfixturevalue(persona)
    other = Client()
    other.force_login(user)
    assert other.post("/accounts/unlock/", {"employee_no": "1002"}).status_code == 403
    assert [a.employee_no for a in locked_accounts()] == ["1002"]


def test_an_anonymous_visitor_cannot_unlock(client: Client, teammate: User) -> None:
    lock_out(client, "1002")
    assert Client().post("/accounts/unlock/", {"employee_no": "1002"}).status_code == 403
    assert AccessAttempt.objects.filter(username="1002").exists()


def test_unlock_is_a_post(administrator: User, login: Callable[[User], Client]) -> None:
    assert login(administrator).get("/accounts/unlock/").status_code == 405


def test_unlock_action_checks_the_actor(agent: User, administrator: User) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        unlock_account(agent, "1002")
    unlock_account(administrator, "1002")  # nothing to unlock is fine


# --- Logout and password ----------------------------------------------------------------------


def test_logout_is_a_post_and_ends_the_session(
    agent: User, login: Callable[[User], Client]
) -> None:
    client = login(agent)
    assert client.get("/logout/").status_code == 405
    assert logged_in_as(client) == agent
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/login/")


def test_password_change_replaces_the_old_password(client: Client, agent: User) -> None:
    log_in(client, "1001", PASSWORD)
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/password/done/"
    assert logged_in_as(client) == agent  # the session that changed it stays logged in

    fresh = Client()
    assert log_in(fresh, "1001", PASSWORD).status_code == 200
    assert logged_in_as(fresh) is None
    assert log_in(fresh, "1001", NEW_PASSWORD).status_code == 302


def test_password_change_needs_the_old_password(client: Client, agent: User) -> None:
    log_in(client, "1001", PASSWORD)
    response = client.post(
        "/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


def test_password_change_refuses_a_weak_password(client: Client, agent: User) -> None:
    log_in(client, "1001", PASSWORD)
    response = client.post(
        "/password/", {"old_password": PASSWORD, "new_password1": "1001", "new_password2": "1001"}
    )
    assert response.status_code == 200
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


def test_password_change_page_needs_login(client: Client) -> None:
    response = client.get("/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- Settings that protect the accounts ---------------------------------------------------------


def test_session_ends_with_the_browser_and_lasts_at_most_a_long_shift() -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_lockout_is_by_account() -> None:
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert settings.AXES_FAILURE_LIMIT >= 3


def test_production_settings_hash_passwords_with_argon2() -> None:
    """The test settings use MD5 for speed; production must not."""
    from config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()  # argon2-cffi is installed: the hasher really works
    encoded = hasher.encode(PASSWORD, hasher.salt())
    assert encoded.startswith("argon2$")
    assert hasher.verify(PASSWORD, encoded)

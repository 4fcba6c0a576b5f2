"""Brute-force lockout (django-axes) on the sign-in page."""

import pytest
from django.conf import settings

from motcua.core.models import SecurityEventKind as Kind
from tests.helpers import PASSWORD, post_login

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def test_failure_limit_is_five():
    import motcua.settings as production

    assert LIMIT == production.AXES_FAILURE_LIMIT == 5


def fail(client, username: str, times: int) -> list[int]:
    return [post_login(client, username, f"sai-{i}").status_code for i in range(times)]


def test_attempts_below_the_limit_only_show_the_form(client):
    assert fail(client, "congdan1", LIMIT - 1) == [200] * (LIMIT - 1)
    response = post_login(client, "congdan1")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_lockout_after_the_failure_limit(client, audit_since):
    statuses = fail(client, "congdan1", LIMIT)
    # The attempt that reaches the limit is already answered with the lockout page.
    assert statuses == [200] * (LIMIT - 1) + [429]
    [locked] = audit_since(Kind.LOCKED_OUT)
    assert locked.subject == "congdan1"
    assert locked.ip_address == "127.0.0.1"
    # Even the right password is refused now, with the Vietnamese lockout page.
    response = post_login(client, "congdan1", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "tạm thời bị khóa" in html
    assert "_auth_user_id" not in client.session
    assert {e.subject for e in audit_since(Kind.LOCKED_OUT)} == {"congdan1"}
    assert len(audit_since(Kind.LOGIN_FAILED)) >= LIMIT
    assert audit_since(Kind.LOGIN) == []


def test_lockout_holds_for_other_identifiers_typed_the_same_way(client):
    fail(client, "halong.tiepnhan", LIMIT)
    assert post_login(client, "halong.tiepnhan").status_code == 429
    # A fresh browser from the same address is locked out too (lockout is per name + address).
    from django.test import Client

    assert post_login(Client(), "halong.tiepnhan").status_code == 429


def test_lockout_is_per_username(client):
    fail(client, "congdan1", LIMIT)
    assert post_login(client, "congdan1").status_code == 429
    response = post_login(client, "congdan2")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_lockout_is_per_address(client):
    from django.test import Client

    fail(client, "congdan1", LIMIT)
    other = Client(REMOTE_ADDR="10.0.0.7")
    assert post_login(other, "congdan1").status_code == 302


def test_success_resets_the_failure_count(client):
    fail(client, "congdan1", LIMIT - 1)
    assert post_login(client, "congdan1").status_code == 302
    client.logout()
    assert fail(client, "congdan1", LIMIT - 1) == [200] * (LIMIT - 1)
    assert post_login(client, "congdan1").status_code == 302


def test_lockout_by_national_id_masks_it_in_the_log(client, audit_since):
    fail(client, "022090001234", LIMIT)
    assert post_login(client, "022090001234").status_code == 429
    subjects = {e.subject for e in audit_since(Kind.LOCKED_OUT)}
    assert subjects == {"022******234"}

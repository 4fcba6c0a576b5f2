"""Security-relevant events land in the audit log (accounts/signals.py)."""

import pytest
from django.test import Client

from motcua.accounts.models import AccountKind, OfficerMembership, User
from motcua.accounts.roles import Role
from motcua.core import audit
from motcua.core.models import SecurityEventKind as Kind
from tests.helpers import LOGIN_URL, LOGOUT_URL, PASSWORD, get_agency, get_user, post_login

pytestmark = pytest.mark.django_db


def kinds(events) -> list[str]:
    return [e.kind for e in events]


def test_successful_login_is_recorded(client, audit_since):
    response = client.post(
        LOGIN_URL, {"username": "congdan1", "password": PASSWORD}, HTTP_USER_AGENT="MotCuaTest/1.0"
    )
    assert response.status_code == 302
    [event] = audit_since(Kind.LOGIN)
    assert event.actor_id == get_user("congdan1").pk
    assert event.actor_repr == "congdan1"
    assert event.ip_address == "127.0.0.1"
    assert event.user_agent == "MotCuaTest/1.0"
    assert audit_since(Kind.LOGIN_FAILED) == []
    assert audit.verify().ok


def test_login_by_email_records_the_account(client, audit_since):
    post_login(client, "AN.NGUYEN@example.vn")
    [event] = audit_since(Kind.LOGIN)
    assert event.actor_repr == "congdan1"


def test_failed_login_is_recorded_with_the_identifier(client, audit_since):
    response = post_login(client, "an.nguyen@example.vn", "sai-mat-khau")
    assert response.status_code == 200
    [event] = audit_since(Kind.LOGIN_FAILED)
    assert event.subject == "an.nguyen@example.vn"
    assert event.actor_id is None
    assert event.ip_address == "127.0.0.1"
    assert "sai-mat-khau" not in str(event.data)
    assert audit_since(Kind.LOGIN) == []


def test_failed_login_for_an_unknown_name_is_recorded(client, audit_since):
    post_login(client, "ai.do", "sai-mat-khau")
    assert [e.subject for e in audit_since(Kind.LOGIN_FAILED)] == ["ai.do"]


def test_logout_is_recorded(client, audit_since):
    post_login(client, "congdan2")
    response = client.post(LOGOUT_URL)
    assert response.status_code in (200, 302)
    [event] = audit_since(Kind.LOGOUT)
    assert event.actor_repr == "congdan2"
    assert kinds(audit_since()) == [Kind.LOGIN, Kind.LOGOUT]


def test_anonymous_logout_records_nothing(audit_since):
    Client().post(LOGOUT_URL)
    assert audit_since() == []


def test_membership_added_changed_and_removed(audit_since):
    user = get_user("congdan2")
    agency = get_agency("H22.6994.1")
    membership = OfficerMembership.objects.create(
        user=user, agency=agency, role=Role.RECEPTION_OFFICER
    )
    [added] = audit_since(Kind.MEMBERSHIP_ADDED)
    assert added.data["after"] == {
        "user": "congdan2",
        "agency": "H22.6994.1",
        "role": "reception",
        "is_active": True,
        "valid_until": None,
    }

    membership.role = Role.SPECIALIST
    membership.is_active = False
    membership.save()
    [changed] = audit_since(Kind.MEMBERSHIP_CHANGED)
    assert changed.data["before"]["role"] == "reception"
    assert changed.data["before"]["is_active"] is True
    assert changed.data["after"]["role"] == "specialist"
    assert changed.data["after"]["is_active"] is False

    membership.title = "Chỉ đổi chức danh"  # not a security-relevant field
    membership.save()
    assert len(audit_since(Kind.MEMBERSHIP_CHANGED)) == 1

    membership.delete()
    [removed] = audit_since(Kind.MEMBERSHIP_REMOVED)
    assert removed.data["before"]["agency"] == "H22.6994.1"
    assert removed.data["before"]["role"] == "specialist"
    assert kinds(audit_since()) == [
        Kind.MEMBERSHIP_ADDED,
        Kind.MEMBERSHIP_CHANGED,
        Kind.MEMBERSHIP_REMOVED,
    ]
    assert audit.verify().ok


def test_membership_validity_change_is_recorded(audit_since):
    import datetime as dt

    membership = OfficerMembership.objects.get(user__username="vandon.tiepnhan")
    membership.valid_until = dt.date(2030, 12, 31)
    membership.save()
    [changed] = audit_since(Kind.MEMBERSHIP_CHANGED)
    assert changed.data["before"]["valid_until"] is None
    assert changed.data["after"]["valid_until"] == "2030-12-31"


def test_granting_staff_is_a_privilege_change(audit_since):
    user = get_user("halong.chuyenvien")
    user.is_staff = True
    user.save()
    [event] = audit_since(Kind.PRIVILEGE_CHANGED)
    assert event.subject == "halong.chuyenvien"
    assert event.data["before"]["is_staff"] is False
    assert event.data["after"]["is_staff"] is True


@pytest.mark.parametrize(
    ("field", "value"),
    [("is_superuser", True), ("is_active", False), ("kind", AccountKind.OFFICER)],
)
def test_other_privilege_fields_are_recorded(audit_since, field, value):
    user = get_user("congdan1")
    setattr(user, field, value)
    user.save()
    [event] = audit_since(Kind.PRIVILEGE_CHANGED)
    assert event.data["after"][field] == value


def test_creating_a_superuser_is_recorded(audit_since):
    User.objects.create_superuser("quantri2", "quantri2@example.vn", PASSWORD)
    [event] = audit_since(Kind.PRIVILEGE_CHANGED)
    assert event.subject == "quantri2"
    assert event.data["after"]["is_superuser"] is True


def test_ordinary_saves_record_nothing(audit_since):
    user = get_user("congdan1")
    user.full_name = "Nguyễn Văn An (đổi tên)"
    user.save()
    User.objects.create_user("congdan9", password=PASSWORD)
    assert audit_since() == []


def test_password_change_is_recorded(audit_since):
    user = get_user("congdan1")
    user.set_password("Mat-khau-moi-2026")
    user.save()
    [event] = audit_since(Kind.PASSWORD_CHANGED)
    # Outside a request nobody is signed in: the account changed is the subject, not the actor.
    assert event.actor_id is None
    assert event.subject == "congdan1"
    assert "Mat-khau-moi-2026" not in str(event.data)
    assert audit_since(Kind.PRIVILEGE_CHANGED) == []


def test_saving_the_same_password_hash_records_nothing(audit_since):
    user = get_user("congdan1")
    user.save()
    assert audit_since() == []


def test_changes_made_in_the_admin_name_the_administrator(otp_client, audit_since):
    client = otp_client("quantri")
    target = get_user("congdan2")
    response = client.post(
        f"/quan-tri/accounts/user/{target.pk}/password/",
        {
            "password1": "Mat-khau-moi-2026!",
            "password2": "Mat-khau-moi-2026!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [event] = audit_since(Kind.PASSWORD_CHANGED)
    assert event.subject == "congdan2"
    assert event.actor_repr == "quantri"


def test_membership_change_in_a_request_names_the_actor(audit_since):
    from motcua.core import audit as audit_module

    token = audit_module.set_current_actor(get_user("quantri"))
    try:
        OfficerMembership.objects.create(
            user=get_user("congdan2"), agency=get_agency("H22.03"), role=Role.SPECIALIST
        )
    finally:
        audit_module.reset_current_actor(token)
    [event] = audit_since(Kind.MEMBERSHIP_ADDED)
    assert event.actor_repr == "quantri"
    # Once the request is over, the next entry has no actor again.
    audit_module.record(Kind.LOGIN_FAILED, subject="x")
    assert audit_since(Kind.LOGIN_FAILED)[-1].actor_id is None


def test_national_id_typed_as_login_name_is_masked(client, audit_since):
    post_login(client, "022090001234", "sai-mat-khau")
    [event] = audit_since(Kind.LOGIN_FAILED)
    assert event.subject == "022******234"
    assert "090001" not in event.subject


def test_otp_device_removal_is_recorded(audit_since):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__username="vandon.lanhdao").delete()
    [event] = audit_since(Kind.OTP_DEVICE_REMOVED)
    assert event.subject == "vandon.lanhdao"
    assert event.data["device"] == "TOTPDevice"

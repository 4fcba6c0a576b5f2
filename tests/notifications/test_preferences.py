"""The preferences page (/tai-khoan/thong-bao/): a citizen chooses what arrives by e-mail and by
SMS; officers are told they receive no applicant notifications."""

from __future__ import annotations

import pytest

from motcua.notifications import services
from motcua.notifications.models import Notification, NotificationPreference
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

URL = "/tai-khoan/thong-bao/"


def test_sign_in_is_required(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_defaults_are_shown_then_saved(client):
    citizen = get_user("congdan1")
    client.force_login(citizen)
    page = client.get(URL).content.decode()
    assert "Nhận thông báo về hồ sơ" in page and "Chưa có thông báo nào." in page
    for name in ("email_progress", "email_action", "email_outcome", "sms_action", "sms_outcome"):
        assert f'name="{name}" id="id_{name}" checked' in page
    assert 'name="sms_progress" id="id_sms_progress" aria-label' in page  # unchecked
    assert not NotificationPreference.objects.filter(user=citizen).exists()

    response = client.post(URL, {"email_outcome": "on", "sms_progress": "on"}, follow=True)
    assert "Đã lưu lựa chọn nhận thông báo." in response.content.decode()
    saved = NotificationPreference.objects.get(user=citizen)
    groups = ("progress", "action", "outcome")
    chosen = [saved.wants(c, g) for c in ("email", "sms") for g in groups]
    assert chosen == [False, False, True, True, False, False]
    assert services.preference_for(citizen) == saved


def test_the_latest_notifications_are_listed(client):
    from tests.notifications.test_relay import received

    citizen = get_user("congdan1")
    dossier = received()
    dossier.applicant_user = citizen
    dossier.save(update_fields=["applicant_user"])
    services.relay_all()
    assert Notification.objects.filter(user=citizen).count() == 1
    client.force_login(citizen)
    page = client.get(URL).content.decode()
    assert f"Hồ sơ {dossier.code} đã được tiếp nhận" in page and "Đang chờ gửi" in page


def test_officers_receive_no_applicant_notifications(client):
    officer = get_user("halong.tiepnhan")
    client.force_login(officer)
    page = client.get(URL).content.decode()
    assert "Tài khoản cán bộ không nhận thông báo gửi cho người nộp hồ sơ." in page
    assert "Lưu lựa chọn" not in page
    client.post(URL, {"sms_progress": "on"})
    assert not NotificationPreference.objects.filter(user=officer).exists()


def test_the_account_page_links_to_the_preferences(client):
    client.force_login(get_user("congdan1"))
    assert f'href="{URL}"' in client.get("/tai-khoan/").content.decode()

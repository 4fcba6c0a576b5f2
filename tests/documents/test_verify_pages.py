"""The public verification page and the officers' revocation page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from documents_helpers import CODE, tamper

from motcua.documents.services import revoke
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

URL = "/xac-thuc-ket-qua/"
REASON = "Cấp sai họ tên của người được khai sinh"


def upload(client, data: bytes, name: str = "ket-qua.pdf"):
    return client.post(URL, {"tep": SimpleUploadedFile(name, data, "application/pdf")})


def test_the_empty_page_offers_both_ways(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Xác thực kết quả điện tử" in page
    assert 'name="ma"' in page and 'name="tep"' in page and 'enctype="multipart/form-data"' in page


def test_by_code_shows_the_register_entry(client, registered):
    response = client.get(URL, {"ma": CODE.lower()})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Còn hiệu lực" in page
    assert "Ủy ban nhân dân Phường Hạ Long" in page and "Nguyễn Văn Bình" in page
    assert "09:30:15 05/03/2026" in page
    assert "Giấy chứng nhận đăng ký khai sinh" in page
    assert registered.sha256 in page


def test_an_unknown_code_says_so(client, db):
    response = client.get(URL, {"ma": "H22.6688-260305-9999-KQ1"})
    assert response.status_code == 404
    assert "Không có kết quả điện tử mang mã H22.6688-260305-9999-KQ1" in response.content.decode()


def test_a_revoked_result_stays_findable_with_its_reason(client, registered):
    revoke(CODE, REASON, get_user("halong.lanhdao"))
    page = client.get(URL, {"ma": CODE}).content.decode()
    assert "Đã thu hồi" in page and REASON in page and "Còn hiệu lực" not in page


def test_uploading_the_issued_file(client, registered, signed_pdf):
    response = upload(client, signed_pdf)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hợp lệ" in page and "Nguyên vẹn từ khi ký" in page
    assert "trùng khớp từng byte với bản đã phát hành" in page
    assert CODE in page and "Ủy ban nhân dân Phường Hạ Long" in page


def test_uploading_a_tampered_file(client, registered, signed_pdf):
    page = upload(client, tamper(signed_pdf)).content.decode()
    assert "Không toàn vẹn" in page and "Bị phá vỡ: nội dung đã ký bị sửa" in page
    assert "tệp khác với bản đã phát hành" in page


def test_uploading_nothing_or_not_a_pdf(client, db):
    response = client.post(URL, {})
    assert response.status_code == 422
    assert "Chọn tệp PDF cần xác thực." in response.content.decode()
    page = upload(client, b"just text", "ghi-chu.pdf").content.decode()
    assert "Không đọc được" in page and "không phải tệp PDF hợp lệ" in page


def test_a_file_over_the_limit_is_refused(client, settings, signed_pdf):
    settings.MOTCUA_UPLOAD_MAX_MB = 0
    response = upload(client, signed_pdf)
    assert response.status_code == 422
    assert "Tệp lớn quá 0 MB." in response.content.decode()


def test_rate_limit_per_address(client, settings, db):
    settings.MOTCUA_VERIFY_PER_MINUTE = 2
    assert client.get(URL, {"ma": "A-KQ1"}).status_code == 404
    assert client.get(URL, {"ma": "A-KQ1"}).status_code == 404
    response = client.get(URL, {"ma": "A-KQ1"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "quá nhiều lần trong một phút" in response.content.decode()
    assert client.get(URL).status_code == 200  # the empty form is not counted


def test_root_certificates_download(client, demo_pki):
    response = client.get(URL + "chung-thu-goc.pem")
    assert response.status_code == 200
    assert response.content.decode() == demo_pki.root.certificate_pem


# --- Back office -----------------------------------------------------------------------------

REVOKE_URL = f"/can-bo/ket-qua/{CODE}/thu-hoi/"


def test_the_leader_revokes_on_the_back_office_page(otp_client, registered):
    client = otp_client("halong.lanhdao")
    listing = client.get("/can-bo/ket-qua/").content.decode()
    assert CODE in listing and "Còn hiệu lực" in listing
    page = client.get(REVOKE_URL).content.decode()
    assert "Thu hồi kết quả" in page and 'name="ly_do"' in page
    response = client.post(REVOKE_URL, {"ly_do": "sai"})
    assert response.status_code == 422
    assert "ít nhất 10 ký tự" in response.content.decode()
    response = client.post(REVOKE_URL, {"ly_do": REASON})
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.is_revoked and registered.revoked_by == get_user("halong.lanhdao")
    page = client.get(REVOKE_URL).content.decode()
    assert "Đã thu hồi" in page and REASON in page and 'name="ly_do"' not in page
    response = client.post(REVOKE_URL, {"ly_do": REASON})
    assert response.status_code == 409


def test_a_specialist_sees_but_cannot_revoke(otp_client, registered):
    client = otp_client("halong.chuyenvien")
    page = client.get(REVOKE_URL).content.decode()
    assert 'name="ly_do"' not in page and "Chỉ lãnh đạo cơ quan phát hành" in page
    assert client.post(REVOKE_URL, {"ly_do": REASON}).status_code == 403
    registered.refresh_from_db()
    assert not registered.is_revoked


def test_officers_of_other_agencies_do_not_see_it(otp_client, registered):
    client = otp_client("vandon.lanhdao")
    assert client.get(REVOKE_URL).status_code == 404
    assert client.post(REVOKE_URL, {"ly_do": REASON}).status_code == 404
    assert CODE not in client.get("/can-bo/ket-qua/").content.decode()


def test_citizens_are_kept_out(client, registered):
    response = client.get(REVOKE_URL)
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]
    client.force_login(get_user("congdan1"))
    assert client.get(REVOKE_URL).status_code == 403

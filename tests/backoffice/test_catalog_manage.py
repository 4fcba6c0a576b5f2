"""The catalog back office: who may use it, editing with versions and the optimistic lock,
repeal and restore, history and differences, and internal processes.

The test database has no procedures: ``procedure`` builds one through ``save_procedure``
(two channels, three documents of which one belongs to a sub-case, a legal basis, a result).
Edits are posted the way a browser would: the rendered form is read back (``form_fields``),
a few values are changed and everything is submitted.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import AccountKind, OfficerMembership, User
from motcua.accounts.roles import Role
from motcua.backoffice.catalog_history import diff_snapshots
from motcua.backoffice.catalog_views import can_edit_catalog, can_read_catalog
from motcua.catalog.data import (
    ChannelData,
    DocumentData,
    LegalBasisData,
    ProcedureData,
    ResultData,
    SubCaseData,
)
from motcua.catalog.models import Procedure, ProcedureStatus, ProcessDefinition
from motcua.catalog.services import current_data, save_procedure
from tests.helpers import get_agency, get_user

pytestmark = pytest.mark.django_db

CODE = "9.990001"  # real national codes start with 1., 2. or 3.


def sample_data(code: str = CODE, name: str = "Đăng ký khai sinh có yếu tố thử nghiệm"):
    return ProcedureData(
        code=code,
        name=name,
        levels=["commune"],
        field_name="Hộ tịch",
        procedure_type="TTHC được luật giao quy định chi tiết",
        applicants=["Công dân Việt Nam", "Người nước ngoài"],
        implementing_agency_text="Ủy ban nhân dân cấp xã",
        steps_text="Bước 1: Nộp hồ sơ.\nBước 2: Tiếp nhận, kiểm tra.\nBước 3: Trả kết quả.",
        online_class="partial",
        decision_number="1234/QĐ-UBND",
        effective_date="2025-07-01",
        subcases=[SubCaseData(code="TH01", name="Trường hợp đăng ký lại")],
        channels=[
            ChannelData(
                channel="direct",
                duration_value="5",
                duration_unit="working_days",
                duration_text="05 ngày làm việc kể từ ngày nhận đủ hồ sơ",
                fee_vnd=50000,
                fee_text="Lệ phí: 50.000 đồng",
                description="Nộp trực tiếp tại Bộ phận Một cửa",
                cutoff="15:00",
            ),
            ChannelData(
                channel="online",
                duration_value="5",
                duration_unit="working_days",
                fee_vnd=40000,
                description="Nộp trên Cổng dịch vụ công",
            ),
        ],
        documents=[
            DocumentData(name="Tờ khai đăng ký khai sinh", form="Mẫu 01", originals=1),
            DocumentData(name="Giấy chứng sinh", originals=1, copies=0),
            DocumentData(
                name="Bản sao giấy tờ chứng minh đã đăng ký trước đây",
                group_title="Trường hợp đăng ký lại",
                copies=1,
                subcase="TH01",
            ),
        ],
        legal_bases=[LegalBasisData(code="60/2014/QH13", title="Luật Hộ tịch")],
        results=[ResultData(name="Giấy khai sinh", code="KQ01")],
    )


@pytest.fixture
def procedure():
    return save_procedure(sample_data(), reason="Nhập thử").procedure


def latest(code: str = CODE) -> ProcedureData:
    """The procedure's content now (a fixture's instance still has the version it had)."""
    return current_data(Procedure.objects.get(code=code))


def url(name: str, code: str = CODE, **kwargs) -> str:
    return reverse(f"backoffice:catalog:{name}", kwargs={"procedure_code": code, **kwargs})


class _FormReader(HTMLParser):
    """Collects what a browser would submit for the first POST form of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._in_form = self._done = False
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        # The page's own form posts to the page itself; the header's forms (language, sign
        # out) have an action.
        if tag == "form" and a.get("method") == "post" and "action" not in a and not self._done:
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value") or "", "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if not self._in_form:
            return
        if tag == "textarea" and self._textarea is not None:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.fields.append((self._textarea, text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _s in self._options[:1]
            ]
            self.fields += [(self._select, v) for v in chosen]
            self._select = None
        elif tag == "form":
            self._in_form, self._done = False, True


def form_fields(response) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return data


def post(client: Client, path: str, data: dict[str, list[str]], **changes):
    body = {**data, **{k: v if isinstance(v, list) else [v] for k, v in changes.items()}}
    return client.post(path, body)


def make_sysadmin():
    user = User.objects.create_user("quantri.tinh", kind=AccountKind.OFFICER, password="x")
    OfficerMembership.objects.create(user=user, agency=get_agency("H22"), role=Role.SYSTEM_ADMIN)
    return user


# --- who may use it ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "read", "edit"),
    [
        ("tinh.danhmuc", True, True),  # catalog manager
        ("quantri", True, True),  # system administrator and superuser
        ("thanhtra", True, False),  # auditor: read only
        ("halong.tiepnhan", False, False),
        ("halong.lanhdao", False, False),
        ("sotuphap.lanhdao", False, False),
        ("tinh.giamdoc", False, False),
        ("congdan1", False, False),  # a citizen
    ],
)
def test_permission_helper(username, read, edit):
    user = get_user(username)
    assert can_read_catalog(user) is read
    assert can_edit_catalog(user) is edit


def test_permission_helper_for_a_system_administrator_and_ended_memberships():
    user = make_sysadmin()
    assert can_edit_catalog(User.objects.get(pk=user.pk))
    manager = get_user("tinh.danhmuc")
    OfficerMembership.objects.filter(user=manager).update(valid_until=dt.date(2020, 1, 1))
    assert not can_edit_catalog(User.objects.get(pk=manager.pk))


def read_urls() -> list[str]:
    return [
        reverse("backoffice:catalog:list"),
        url("detail"),
        url("history"),
        url("version", number=1),
        url("process"),
    ]


def edit_urls() -> list[str]:
    return [url("edit"), url("repeal")]


@pytest.mark.parametrize(
    ("username", "read_status", "edit_status"),
    [
        ("tinh.danhmuc", 200, 200),
        ("quantri", 200, 200),
        ("thanhtra", 200, 403),
        ("halong.tiepnhan", 403, 403),
        ("sotuphap.chuyenvien", 403, 403),
    ],
)
def test_permission_matrix(otp_client, procedure, username, read_status, edit_status):
    client = otp_client(username)
    for path in read_urls():
        assert client.get(path).status_code == read_status, path
    for path in edit_urls():
        assert client.get(path).status_code == edit_status, path
    # Every POST needs an editor, on read pages too.
    posts = [url("process"), url("edit"), url("repeal"), url("restore")]
    for path in posts:
        status = client.post(path, {}).status_code
        if edit_status == 403:
            assert status == 403, path
        else:
            assert status != 403, path
    assert latest() == sample_data()  # nothing was written by anyone


def test_system_administrator_without_superuser_may_edit(client, procedure):
    user = make_sysadmin()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = None
    session.save()
    # No second factor yet: sent to set it up, like every officer page.
    assert client.get(url("edit")).status_code == 302
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="thử", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.get(url("edit")).status_code == 200


def all_catalog_urls() -> list[str]:
    return [
        *read_urls(),
        *edit_urls(),
        url("restore"),
        url("process_agency", agency_code="H22.03"),
        url("process_agency_delete", agency_code="H22.03"),
    ]


def test_every_catalog_page_needs_a_verified_officer(procedure):
    for path in all_catalog_urls():
        anonymous = Client()
        response = anonymous.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")

        citizen = Client()
        citizen.force_login(get_user("congdan1"))
        assert citizen.get(path).status_code == 403

        unverified = Client()
        unverified.force_login(get_user("tinh.danhmuc"))
        response = unverified.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/tai-khoan/xac-thuc-hai-lop/?next=")


@pytest.mark.parametrize(
    ("username", "shown"),
    [("tinh.danhmuc", True), ("quantri", True), ("thanhtra", True), ("halong.tiepnhan", False)],
)
def test_menu_entry(otp_client, username, shown):
    html = otp_client(username).get("/can-bo/").content.decode()
    assert ('href="/can-bo/danh-muc/"' in html) is shown
    assert ("Danh mục thủ tục" in html) is shown


@pytest.mark.parametrize(
    "path",
    [
        "/can-bo/danh-muc/9.999999/",
        "/can-bo/danh-muc/9.999999/sua/",
        "/can-bo/danh-muc/9.999999/bai-bo/",
        "/can-bo/danh-muc/9.999999/khoi-phuc/",
        "/can-bo/danh-muc/9.999999/lich-su/",
        "/can-bo/danh-muc/9.999999/lich-su/1/",
        "/can-bo/danh-muc/9.999999/quy-trinh/",
        "/can-bo/danh-muc/9.999999/quy-trinh/co-quan/H22.03/",
        "/can-bo/danh-muc/9.999999/quy-trinh/co-quan/H22.03/xoa/",
        f"/can-bo/danh-muc/{CODE}/lich-su/7/",
        f"/can-bo/danh-muc/{CODE}/quy-trinh/co-quan/H99.99/",
        f"/can-bo/danh-muc/{CODE}/quy-trinh/?co-quan=H99.99",
        f"/can-bo/danh-muc/{CODE}/quy-trinh/co-quan/H22.03/xoa/",  # no such override
    ],
)
def test_unknown_things_are_404(otp_client, procedure, path):
    response = otp_client("tinh.danhmuc").get(path)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    assert otp_client("tinh.danhmuc").post(path, {}).status_code in (404, 405)


# --- list -------------------------------------------------------------------------------------
def test_list_searches_filters_and_paginates(otp_client, procedure):
    # The session's database may hold the real national catalog too: the test's own
    # procedures carry a word no real name has.
    for n in range(30):
        save_procedure(
            sample_data(code=f"9.9902{n:02d}", name=f"Cấp giấy phép Zykotest số {n:02d}")
        )
    save_procedure(
        ProcedureData(
            code="9.990300",
            name="Thủ tục Zykotest đã bãi bỏ",
            levels=["province"],
            status="repealed",
            repealed_date="2025-01-01",
        )
    )
    client = otp_client("tinh.danhmuc")
    response = client.get("/can-bo/danh-muc/", {"q": "zykotest"})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 31  # repealed ones are listed too
    assert len(page.object_list) == 25
    html = response.content.decode()
    for heading in ("Mã", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Trực tuyến", "Tình trạng"):
        assert f">{heading}</th>" in html
    assert "Cấp giấy phép Zykotest số 00" in html and "Hộ tịch" in html and "Cấp xã" in html
    second = client.get("/can-bo/danh-muc/", {"q": "zykotest", "page": 2})
    assert len(second.context["page"].object_list) == 6
    assert "q=zykotest&page=1" in second.content.decode()  # the pages keep the search

    found = client.get("/can-bo/danh-muc/", {"q": "khai sinh thu nghiem"}).context["page"]
    assert CODE in [p.code for p in found.object_list]
    repealed = client.get("/can-bo/danh-muc/", {"q": "zykotest", "tinh-trang": "repealed"})
    assert [p.code for p in repealed.context["page"].object_list] == ["9.990300"]
    published = client.get("/can-bo/danh-muc/", {"q": "zykotest", "tinh-trang": "published"})
    assert published.context["page"].paginator.count == 30
    assert "tinh-trang=published" in published.content.decode()  # and the status filter
    bogus = client.get("/can-bo/danh-muc/", {"tinh-trang": "<b>x</b>", "page": "abc"})
    assert bogus.status_code == 200


# --- editing ----------------------------------------------------------------------------------
def test_editor_shows_the_current_content(otp_client, procedure):
    response = otp_client("tinh.danhmuc").get(url("edit"))
    assert response.status_code == 200
    data = form_fields(response)
    assert data["expected_version"] == ["1"]
    assert data["name"] == ["Đăng ký khai sinh có yếu tố thử nghiệm"]
    assert data["levels"] == ["commune"]
    assert data["applicants"] == ["Công dân Việt Nam\nNgười nước ngoài"]
    assert data["channels-TOTAL_FORMS"] == ["3"]  # two channels and a blank one
    assert data["channels-0-fee_vnd"] == ["50000"]
    assert data["channels-0-cutoff"] == ["15:00"]
    assert data["documents-2-subcase"] == ["TH01"]
    assert data["legal_bases-0-code"] == ["60/2014/QH13"]
    assert data["results-0-name"] == ["Giấy khai sinh"]
    assert data["effective_date"] == ["01/07/2025"]  # typed the Vietnamese way


def test_saving_an_untouched_form_creates_no_version(otp_client, procedure):
    client = otp_client("tinh.danhmuc")
    data = form_fields(client.get(url("edit")))
    response = post(client, url("edit"), data, reason="Không sửa gì")
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.version == 1
    assert procedure.versions.count() == 1
    follow = client.get(response["Location"])
    assert "không tạo phiên bản mới" in follow.content.decode()


def test_browser_line_ends_and_spelling_are_not_a_change(otp_client):
    data = sample_data()
    data.channels[0].duration_value = "5.00"
    data.conditions_text = "Dòng một\nDòng hai"
    save_procedure(data)
    client = otp_client("tinh.danhmuc")
    fields = form_fields(client.get(url("edit")))
    fields["conditions_text"] = ["Dòng một\r\nDòng hai  "]
    fields["channels-0-duration_value"] = ["5"]
    response = post(client, url("edit"), fields, reason="Trình duyệt gửi CRLF")
    assert response.status_code == 302
    assert client.get(url("detail")).context["procedure"].version == 1


def test_editing_the_fee_creates_exactly_one_version(otp_client, procedure):
    client = otp_client("tinh.danhmuc")
    data = form_fields(client.get(url("edit")))
    response = post(
        client,
        url("edit"),
        data,
        **{"channels-0-fee_vnd": "70000", "reason": "Cập nhật lệ phí theo Nghị quyết 12/2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("detail")
    procedure.refresh_from_db()
    assert procedure.version == 2
    assert procedure.versions.count() == 2
    version = procedure.versions.get(number=2)
    assert version.reason == "Cập nhật lệ phí theo Nghị quyết 12/2026"
    assert version.created_by == get_user("tinh.danhmuc")
    expected = sample_data()
    expected.channels[0].fee_vnd = 70000
    assert latest() == expected  # nothing else moved, the sub-case stays
    assert procedure.documents.get(name__startswith="Bản sao").subcase.code == "TH01"
    assert "phiên bản 2" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("typed", ["70.000", "70,000", "70 000 đ", "70000"])
def test_fees_are_read_the_way_officers_write_them(otp_client, procedure, typed):
    client = otp_client("tinh.danhmuc")
    data = form_fields(client.get(url("edit")))
    response = post(client, url("edit"), data, **{"channels-0-fee_vnd": typed, "reason": "Phí"})
    assert response.status_code == 302
    assert latest().channels[0].fee_vnd == 70000


def test_rows_are_added_deleted_and_moved_between_sub_cases(otp_client, procedure):
    client = otp_client("tinh.danhmuc")
    data = form_fields(client.get(url("edit")))
    grown = post(client, url("edit"), data, add_row="legal_bases")
    assert grown.status_code == 200
    assert "is-invalid" not in grown.content.decode()  # adding a row validates nothing
    data = form_fields(grown)
    assert data["legal_bases-TOTAL_FORMS"] == ["3"]
    response = post(
        client,
        url("edit"),
        data,
        **{
            "legal_bases-1-code": "87/2020/NĐ-CP",
            "legal_bases-1-title": "Nghị định về cơ sở dữ liệu hộ tịch điện tử",
            "legal_bases-2-title": "Nghị định 123/2015/NĐ-CP",
            "documents-1-DELETE": "on",
            "channels-1-subcase": "TH01",
            "reason": "Bổ sung căn cứ, bỏ giấy chứng sinh",
        },
    )
    assert response.status_code == 302
    after = latest()
    assert [b.code for b in after.legal_bases] == ["60/2014/QH13", "87/2020/NĐ-CP", ""]
    assert [d.name for d in after.documents] == [
        "Tờ khai đăng ký khai sinh",
        "Bản sao giấy tờ chứng minh đã đăng ký trước đây",
    ]
    assert after.documents[1].subcase == "TH01"
    assert after.channels[1].subcase == "TH01"
    assert after.subcases == sample_data().subcases
    assert procedure.versions.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": ""}, "reason", "Trường này là bắt buộc."),
        ({"levels": []}, "levels", "Trường này là bắt buộc."),
        (
            {"online_class": "none", "not_online_reason": ""},
            "not_online_reason",
            "Thủ tục chưa trực tuyến phải nêu lý do",
        ),
        ({"channels-0-duration_unit": ""}, "duration_unit", "Chọn đơn vị cho thời hạn."),
        ({"channels-0-cutoff": "25:00"}, "cutoff", "Nhập giờ theo dạng giờ:phút, ví dụ 15:00."),
        ({"effective_date": "31/02/2026"}, "effective_date", "Nhập ngày theo dạng ngày/tháng/năm"),
        ({"channels-0-fee_vnd": "năm mươi"}, "fee_vnd", "Nhập số tiền bằng chữ số"),
        ({"documents-0-originals": "1 bản"}, "originals", "Nhập một số nguyên."),
        ({"documents-0-name": ""}, "name", "Trường này là bắt buộc."),
    ],
)
def test_invalid_edits_are_refused_with_the_values_kept(
    otp_client, procedure, changes, field, message
):
    client = otp_client("tinh.danhmuc")
    data = form_fields(client.get(url("edit")))
    changes.setdefault("reason", "Sửa thử")
    response = post(client, url("edit"), data, name="Tên đã sửa nhưng chưa lưu", **changes)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Tên đã sửa nhưng chưa lưu" in html
    assert "is-invalid" in html or field == "levels"
    procedure.refresh_from_db()
    assert procedure.version == 1


def test_a_stale_form_is_a_conflict_that_keeps_the_typed_values(otp_client, procedure):
    client = otp_client("tinh.danhmuc")
    data = form_fields(client.get(url("edit")))
    # Meanwhile somebody else saves version 2.
    other = sample_data()
    other.conditions_text = "Điều kiện mới do người khác thêm"
    save_procedure(other, by=get_user("quantri"), reason="Sửa song song")
    response = post(
        client,
        url("edit"),
        data,
        name="Tên tôi vừa gõ",
        **{"channels-0-fee_vnd": "65000", "reason": "Lý do của tôi"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Thủ tục vừa được người khác cập nhật" in html
    assert "Tên tôi vừa gõ" in html
    assert 'value="65000"' in html
    assert "Lý do của tôi" in html
    assert f"{url('version', number=2)}?so-voi=1" in html
    procedure.refresh_from_db()
    assert procedure.version == 2
    # Saving again, knowingly, makes version 3 from what the officer typed.
    again = form_fields(response)
    assert again["expected_version"] == ["2"]
    assert again["name"] == ["Tên tôi vừa gõ"]
    assert post(client, url("edit"), again).status_code == 302
    after = latest()
    assert (after.name, after.channels[0].fee_vnd) == ("Tên tôi vừa gõ", 65000)
    assert procedure.versions.count() == 3


def test_edit_keeps_the_status_of_a_repealed_procedure(otp_client, procedure):
    data = sample_data()
    data.status, data.repealed_date = "repealed", "2026-01-01"
    save_procedure(data)
    client = otp_client("tinh.danhmuc")
    fields = form_fields(client.get(url("edit")))
    assert "status" not in fields
    post(client, url("edit"), fields, status="published", reason="Sửa chính tả", name="Tên mới")
    after = latest()
    assert (after.name, after.status, after.repealed_date) == ("Tên mới", "repealed", "2026-01-01")


def test_amended_status_can_be_set_in_the_editor(otp_client, procedure):
    client = otp_client("tinh.danhmuc")
    fields = form_fields(client.get(url("edit")))
    post(
        client,
        url("edit"),
        fields,
        status="amended",
        decision_number="99/QĐ-UBND",
        effective_date="01/03/2026",
        reason="Sửa đổi theo Quyết định 99",
    )
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.AMENDED
    assert procedure.effective_date == dt.date(2026, 3, 1)


# --- repeal and restore -----------------------------------------------------------------------
def test_repeal_needs_a_date_and_a_reason(otp_client, procedure):
    client = otp_client("tinh.danhmuc")
    page = client.get(url("repeal"))
    assert page.status_code == 200
    assert "Xác nhận bãi bỏ thủ tục" in page.content.decode()
    response = client.post(url("repeal"), {"expected_version": 1})
    assert response.status_code == 200
    assert response.content.decode().count("Trường này là bắt buộc.") == 2
    early = client.post(
        url("repeal"), {"expected_version": 1, "repealed_date": "2025-01-01", "reason": "x"}
    )
    assert "không được trước ngày hiệu lực (01/07/2025)" in early.content.decode()
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.PUBLISHED and procedure.version == 1


def test_repeal_shows_on_the_public_page_and_restore_undoes_it(otp_client, client, procedure):
    manager = otp_client("tinh.danhmuc")
    response = manager.post(
        url("repeal"),
        {
            "expected_version": 1,
            "repealed_date": "01/02/2026",
            "reason": "Bãi bỏ theo Quyết định 55/QĐ-UBND",
        },
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.REPEALED
    assert procedure.repealed_date == dt.date(2026, 2, 1)
    assert procedure.version == 2
    assert procedure.versions.get(number=2).reason == "Bãi bỏ theo Quyết định 55/QĐ-UBND"

    public = Client().get(f"/thu-tuc/{CODE}/")
    assert public.status_code == 200
    assert "Thủ tục này đã bị bãi bỏ từ ngày 01/02/2026." in public.content.decode()

    detail = manager.get(url("detail")).content.decode()
    assert "Khôi phục áp dụng" in detail and url("repeal") not in detail
    # Repealing twice does nothing.
    assert manager.get(url("repeal")).status_code == 302
    response = manager.post(url("restore"), {"expected_version": 2, "reason": ""})
    assert "Trường này là bắt buộc." in response.content.decode()
    response = manager.post(
        url("restore"), {"expected_version": 2, "reason": "Quyết định bãi bỏ bị thu hồi"}
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert (procedure.status, procedure.repealed_date, procedure.version) == ("published", None, 3)
    assert "đã bị bãi bỏ" not in Client().get(f"/thu-tuc/{CODE}/").content.decode()


def test_repeal_from_a_stale_page_is_a_conflict(otp_client, procedure):
    save_procedure(sample_data(name="Tên đổi bởi người khác"), reason="Song song")
    response = otp_client("tinh.danhmuc").post(
        url("repeal"), {"expected_version": 1, "repealed_date": "2026-02-01", "reason": "Bãi bỏ"}
    )
    assert response.status_code == 409
    assert "Thủ tục vừa được người khác cập nhật" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.PUBLISHED


# --- history ----------------------------------------------------------------------------------
def test_history_and_differences(otp_client, procedure):
    client = otp_client("tinh.danhmuc")
    data = form_fields(client.get(url("edit")))
    post(
        client,
        url("edit"),
        data,
        **{
            "channels-0-fee_vnd": "70000",
            "steps_text": (
                "Bước 1: Nộp hồ sơ.\nBước 2: Tiếp nhận, kiểm tra kỹ.\nBước 3: Trả kết quả."
            ),
            "reason": "Cập nhật lệ phí",
        },
    )
    history = client.get(url("history"))
    assert history.status_code == 200
    numbers = [v.number for v in history.context["page"].object_list]
    assert numbers == [2, 1]
    html = history.content.decode()
    assert "Cập nhật lệ phí" in html and "Kiều Thị Phương" in html and "Nhập thử" in html

    version = client.get(url("version", number=2))
    assert version.status_code == 200
    diff = version.context["diff"]
    assert [c.label for c in diff.scalars] == ["Trình tự thực hiện"]
    lines = [(line.kind, line.text) for line in diff.scalars[0].lines]
    assert ("removed", "Bước 2: Tiếp nhận, kiểm tra.") in lines
    assert ("added", "Bước 2: Tiếp nhận, kiểm tra kỹ.") in lines
    [channels] = diff.lists
    [change] = channels.items
    assert change.kind == "changed" and change.title == "Trực tiếp"
    assert [(f.label, f.before, f.after) for f in change.fields] == [
        ("Phí, lệ phí", "50.000 đ", "70.000 đ")
    ]
    html = version.content.decode()
    assert "Thay đổi từ phiên bản 1 đến phiên bản 2" in html
    assert "70.000 đ" in html

    first = client.get(url("version", number=1))
    assert first.context["diff"] is None
    assert "Đây là phiên bản đầu tiên" in first.content.decode()
    backwards = client.get(url("version", number=1), {"so-voi": "2"})
    assert backwards.context["diff"].lists[0].items[0].fields[0].after == "70.000 đ"
    assert client.get(url("version", number=2), {"so-voi": "x"}).status_code == 200


def test_diff_of_lists_shows_added_removed_and_changed_items():
    old = sample_data().snapshot()
    new_data = sample_data()
    new_data.documents.pop(1)
    new_data.documents.append(DocumentData(name="Giấy ủy quyền", copies=1))
    new_data.legal_bases[0].title = "Luật Hộ tịch 2014"
    new_data.levels = ["commune", "province"]
    new_data.online_class = "full"
    diff = diff_snapshots(old, new_data.snapshot())
    assert [(c.label, c.before, c.after) for c in diff.scalars] == [
        ("Cấp thực hiện", "Cấp xã", "Cấp xã, Cấp tỉnh"),
        ("Mức độ trực tuyến", "Một phần", "Toàn trình"),
    ]
    documents = next(group for group in diff.lists if group.key == "documents")
    assert [(i.kind, i.title) for i in documents.items] == [
        ("removed", "Giấy chứng sinh"),
        ("added", "Giấy ủy quyền"),
    ]
    bases = next(group for group in diff.lists if group.key == "legal_bases")
    assert [(f.label, f.after) for f in bases.items[0].fields] == [
        ("Tên văn bản", "Luật Hộ tịch 2014")
    ]
    assert diff_snapshots(old, old).empty


# --- internal processes -----------------------------------------------------------------------
def steps_post(*steps, name="Quy trình thử", **extra) -> dict:
    data = {
        "name": name,
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for i, (position, step_name, role, value, unit) in enumerate(steps):
        data |= {
            f"steps-{i}-position": position,
            f"steps-{i}-name": step_name,
            f"steps-{i}-role": role,
            f"steps-{i}-allotted_value": value,
            f"steps-{i}-allotted_unit": unit,
        }
    return data


THREE_STEPS = [
    (1, "Tiếp nhận hồ sơ", "reception", "4", "working_hours"),
    (2, "Thẩm định, trình ký", "specialist", "3", "working_days"),
    (3, "Ký duyệt", "agency_leader", "1", "working_days"),
]


def test_process_is_saved_when_it_fits_the_deadline(otp_client, procedure):
    client = otp_client("tinh.danhmuc")
    page = client.get(url("process"))
    assert page.status_code == 200
    assert "5 ngày làm việc" in page.content.decode()
    response = client.post(url("process"), steps_post(*THREE_STEPS))
    assert response.status_code == 302
    definition = ProcessDefinition.objects.get(procedure=procedure, agency=None)
    assert definition.updated_by == get_user("tinh.danhmuc")
    assert [(s.position, s.name, s.role) for s in definition.steps.all()] == [
        (1, "Tiếp nhận hồ sơ", "reception"),
        (2, "Thẩm định, trình ký", "specialist"),
        (3, "Ký duyệt", "agency_leader"),
    ]
    html = client.get(url("process")).content.decode()
    assert "Tổng thời gian các bước: <strong>4 ngày 4 giờ làm việc</strong>" in html


def test_process_that_exceeds_the_deadline_is_refused(otp_client, procedure):
    client = otp_client("tinh.danhmuc")
    too_long = [*THREE_STEPS[:2], (3, "Ký duyệt", "agency_leader", "2", "working_days")]
    too_long[1] = (2, "Thẩm định, trình ký", "specialist", "4", "working_days")
    response = client.post(url("process"), steps_post(*too_long))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Tổng thời gian các bước (6 ngày 4 giờ làm việc) vượt thời hạn giải quyết "
        "(5 ngày làm việc)."
    ) in html
    assert 'value="Thẩm định, trình ký"' in html  # what was typed stays
    assert not ProcessDefinition.objects.filter(procedure=procedure).exists()


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([], "Quy trình phải có ít nhất một bước."),
        (
            [
                (1, "A", "reception", "1", "working_hours"),
                (1, "B", "specialist", "1", "working_hours"),
            ],
            "Thứ tự các bước bị trùng: 1.",
        ),
        ([(1, "A", "reception", "0", "working_hours")], "Thời gian phải lớn hơn 0."),
        ([(1, "A", "", "1", "working_hours")], "Trường này là bắt buộc."),
    ],
)
def test_process_validation(otp_client, procedure, steps, message):
    response = otp_client("tinh.danhmuc").post(url("process"), steps_post(*steps))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProcessDefinition.objects.filter(procedure=procedure).exists()


def test_process_add_step_row_keeps_values(otp_client, procedure):
    client = otp_client("tinh.danhmuc")
    response = client.post(url("process"), steps_post(THREE_STEPS[0], add_row="steps"))
    assert response.status_code == 200
    data = form_fields(response)
    assert data["steps-TOTAL_FORMS"] == ["2"]
    assert data["steps-0-name"] == ["Tiếp nhận hồ sơ"]
    assert data["steps-1-position"] == ["2"] and data["steps-1-allotted_unit"] == ["working_days"]
    assert not ProcessDefinition.objects.exists()


def test_process_without_a_deadline_is_accepted_with_a_warning(otp_client):
    data = sample_data()
    for channel in data.channels:
        channel.duration_value, channel.duration_unit = None, ""
    save_procedure(data)
    client = otp_client("tinh.danhmuc")
    assert "Chưa xác định được thời hạn" in client.get(url("process")).content.decode()
    long = [(1, "Thẩm định", "specialist", "40", "working_days")]
    assert client.post(url("process"), steps_post(*long)).status_code == 302
    html = client.get(url("process")).content.decode()
    assert "chưa kiểm tra được tổng thời gian các bước" in html


def test_agency_override(otp_client, procedure):
    client = otp_client("tinh.danhmuc")
    client.post(url("process"), steps_post(*THREE_STEPS))
    chosen = client.get(url("process"), {"co-quan": "H22.6688"})
    agency_url = url("process_agency", agency_code="H22.6688")
    assert chosen.status_code == 302 and chosen["Location"] == agency_url
    page = client.get(agency_url)
    assert "đang áp dụng quy trình chung" in page.content.decode()
    steps = [(1, "Một cửa tiếp nhận", "reception", "2", "working_hours")]
    assert client.post(agency_url, steps_post(*steps, name="")).status_code == 302
    override = ProcessDefinition.objects.get(procedure=procedure, agency__code="H22.6688")
    assert override.name == "Quy trình nội bộ của Ủy ban nhân dân Phường Hạ Long"
    assert override.steps.count() == 1
    assert ProcessDefinition.objects.get(procedure=procedure, agency=None).steps.count() == 3

    delete_url = url("process_agency_delete", agency_code="H22.6688")
    assert "Xóa quy trình riêng" in client.get(delete_url).content.decode()
    assert client.post(delete_url).status_code == 302
    assert not ProcessDefinition.objects.filter(agency__code="H22.6688").exists()
    assert ProcessDefinition.objects.filter(procedure=procedure).count() == 1


def test_auditor_reads_processes_but_cannot_change_them(otp_client, procedure):
    otp_client("tinh.danhmuc").post(url("process"), steps_post(*THREE_STEPS))
    auditor = otp_client("thanhtra")
    page = auditor.get(url("process"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thẩm định, trình ký" in html
    assert 'name="steps-TOTAL_FORMS"' not in html
    assert auditor.post(url("process"), steps_post(THREE_STEPS[0])).status_code == 403
    assert auditor.get(url("process_agency_delete", agency_code="H22.03")).status_code == 403
    assert ProcessDefinition.objects.get(procedure=procedure).steps.count() == 3

"""The printed forms of Circular 01/2018 (Forms 01–06): each is built from a dossier driven
through the services, rendered by WeasyPrint, and read back with pypdf. The PDFs are kept in
test-artifacts/forms/ for a look (``pdftoppm -png -r 60``)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import segno
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.catalog.models import ProcedureChannel
from motcua.catalog.processes import StepSpec, save_process
from motcua.dossiers import printing
from motcua.dossiers.printing import (
    EARLY,
    LATE,
    ON_TIME,
    control_rows,
    form_html,
    form_pdf,
    register_pdf,
    register_xlsx,
    timeliness,
    vn_date,
    vn_moment,
)
from motcua.dossiers.services import ComponentInput, perform
from tests.dossiers.conftest import MONDAY
from tests.helpers import get_agency, get_user

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "forms"
DESK, LEADER, SPECIALIST, CLERK = (
    "halong.tiepnhan",
    "halong.lanhdao",
    "halong.chuyenvien",
    "halong.vanthu",
)
VN = MONDAY.tzinfo


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of March 2026, Vietnam time (2 March is a Monday)."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN)


def act(dossier, action, username, when, **params):
    return perform(dossier.code, action, get_user(username), at=when, **params)


def pdf_text(pdf: bytes, name: str | None = None) -> str:
    assert pdf.startswith(b"%PDF-")
    if name:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def five_working_days():
    ProcedureChannel.objects.filter(procedure__code="1.001193").update(
        duration_value=5, duration_unit="working_days"
    )


@pytest.fixture
def received(new_dossier, five_working_days):
    """Received at the desk (by default on Monday 2 March 2026 at 09:07)."""

    def make(when: dt.datetime | None = None, **changes):
        when = when or at(2, 9, 7)
        dossier = new_dossier(at=when - dt.timedelta(minutes=5), **changes)
        return act(dossier, "receive", DESK, when)

    return make


def test_vietnamese_dates_and_times():
    assert vn_date(dt.date(2026, 3, 2)) == "ngày 02 tháng 03 năm 2026"
    # 23:30 UTC on 1 March is 06:30 on 2 March in Vietnam.
    utc = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    assert vn_moment(utc) == "06 giờ 30 phút, ngày 02 tháng 03 năm 2026"
    assert vn_moment(None, "—") == "—"


def test_timeliness_early_on_time_late():
    due = at(6, 17)
    assert timeliness(at(5, 16), due) == EARLY
    assert timeliness(at(6, 8), due) == ON_TIME
    assert timeliness(at(6, 17), due) == ON_TIME
    assert timeliness(at(6, 17, 1), due) == LATE
    assert timeliness(at(6, 17), None) == ""


def test_form01_receipt_and_appointment(received, new_dossier):
    extra = ComponentInput(
        name="Bản sao Giấy chứng nhận kết hôn của cha, mẹ",
        extra_reason="Công dân tự nguyện nộp thêm",
        copies=2,
    )
    from tests.dossiers.conftest import birth_submission

    components = birth_submission().components + [extra]
    dossier = received(components=components, result_delivery="post", delivery_address="")
    text = pdf_text(form_pdf(dossier, "01"), "form01")

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Mẫu số 01" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG HẠ LONG" in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Nguyễn Văn An" in text
    assert "Số 12 đường Trần Hưng Đạo" in text
    assert "0912345678" in text and "an.nguyen@example.vn" in text
    assert "Đăng ký khai sinh cho cháu Nguyễn Minh Khang" in text
    first = dossier.components.order_by("position").first()
    assert " ".join(first.name.split())[:60] in text
    assert "Bản sao Giấy chứng nhận kết hôn của cha, mẹ" in text
    assert "Số lượng hồ sơ: 01 (bộ)" in text
    assert "5 ngày làm việc" in text
    assert "Thời gian nhận hồ sơ: 09 giờ 07 phút, ngày 02 tháng 03 năm 2026" in text
    # Five working days from Monday 2 March: Monday 9 March at the office's closing.
    assert dossier.due_at == at(9, 17)
    assert "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 09 tháng 03 năm 2026" in (
        text
    )
    assert "Nhận qua dịch vụ bưu chính công ích, gửi đến: Số 12 đường Trần Hưng Đạo" in text
    sequence = dossier.code.rsplit("-", 1)[1]
    assert f"Quyển số: H22.6688.1-260302, Số thứ tự: {sequence}" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    officer = dossier.events.get(action="receive").actor_name
    assert officer and officer in text
    # Two copies, one per page.
    assert "Liên 1: Lưu tại Bộ phận tiếp nhận" in text
    assert "Liên 2: Giao người nộp hồ sơ" in text
    assert text.count("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") == 2
    assert pages(form_pdf(dossier, "01")) == 2


def test_form01_result_at_the_desk_and_the_qr_code(received):
    dossier = received()
    html = form_html(dossier, "01")
    # The QR code is inline SVG and encodes the dossier code.
    expected = segno.make(dossier.code, error="m").svg_inline(omitsize=True, border=1, dark="#000")
    assert expected in html
    text = pdf_text(form_pdf(dossier, "01"))
    assert "Đăng ký nhận kết quả tại: Bộ phận Một cửa Phường Hạ Long" in text


def test_form01_needs_a_received_dossier(new_dossier):
    dossier = new_dossier()
    with pytest.raises(ValueError, match="chưa được tiếp nhận"):
        form_pdf(dossier, "01")


def test_form02_request_to_supplement_during_processing(received):
    dossier = received()
    dossier = act(dossier, "assign", LEADER, at(2, 14), assignee_id=get_user(SPECIALIST).pk)
    dossier = act(
        dossier,
        "request_supplement",
        SPECIALIST,
        at(3, 10, 15),
        note="Giấy chứng sinh bị tẩy xóa phần họ tên của mẹ",
        items=["Giấy chứng sinh (bản chính)", "Văn bản ủy quyền có chứng thực"],
    )
    text = pdf_text(form_pdf(dossier, "02"), "form02")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Mẫu số 02" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Nguyễn Văn An" in text
    assert "1. Giấy chứng sinh (bản chính)" in text
    assert "2. Văn bản ủy quyền có chứng thực" in text
    assert "Lý do: Giấy chứng sinh bị tẩy xóa phần họ tên của mẹ" in text
    assert "Lúc 10 giờ 15 phút, ngày 03 tháng 03 năm 2026" in text
    specialist = get_user(SPECIALIST).get_full_name()
    assert f"liên hệ với {specialist}, Ủy ban nhân dân Phường Hạ Long" in text
    assert "NGƯỜI HƯỚNG DẪN" in text
    # Issued by the competent agency, which is the People's Committee itself.
    assert "ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG" in text


def test_form02_prints_the_latest_request_at_reception(new_dossier):
    dossier = new_dossier()
    dossier = act(
        dossier,
        "request_supplement_at_reception",
        DESK,
        at(2, 9, 30),
        note="Thiếu giấy tờ theo danh mục",
        items=["Tờ khai đăng ký khai sinh"],
    )
    text = pdf_text(form_pdf(dossier, "02"))
    assert "1. Tờ khai đăng ký khai sinh" in text
    assert "Lý do: Thiếu giấy tờ theo danh mục" in text
    assert "BỘ PHẬN TIẾP NHẬN" not in text  # a service centre is itself the one-stop unit


def test_form02_items_with_counts_print_as_a_table(new_dossier):
    dossier = new_dossier()
    items = [
        {"name": "Giấy chứng sinh", "originals": 1},
        {"name": "Giấy xác nhận cư trú", "certified_copies": 2},
    ]
    dossier = act(
        dossier, "request_supplement_at_reception", DESK, at(2, 9, 30), note="Thiếu", items=items
    )
    html = form_html(dossier, "02")
    assert "Bản sao chứng thực" in html
    text = pdf_text(form_pdf(dossier, "02"))
    assert "1 Giấy chứng sinh 1" in text
    assert "2 Giấy xác nhận cư trú 2" in text


def test_header_sets_the_place_on_its_own_line():
    assert printing.name_lines("Ủy ban nhân dân Phường Hạ Long") == [
        "Ủy ban nhân dân",
        "Phường Hạ Long",
    ]
    assert printing.name_lines("Sở Tư pháp") == ["Sở Tư pháp"]


def test_form02_without_a_request_is_refused(received):
    with pytest.raises(ValueError, match="không có yêu cầu bổ sung"):
        form_pdf(received(), "02")


def test_form03_refusal_with_its_reason(new_dossier):
    dossier = new_dossier(at=at(4, 14, 20))
    dossier = act(
        dossier,
        "refuse",
        DESK,
        at(4, 14, 42),
        note="Hồ sơ thuộc thẩm quyền của Ủy ban nhân dân Đặc khu Vân Đồn nơi cư trú của người mẹ",
    )
    text = pdf_text(form_pdf(dossier, "03"), "form03")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Mẫu số 03" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Nguyễn Văn An" in text
    assert (
        "Hồ sơ thuộc thẩm quyền của Ủy ban nhân dân Đặc khu Vân Đồn nơi cư trú của người mẹ" in text
    )
    assert "Thời gian nộp hồ sơ: 14 giờ 20 phút, ngày 04 tháng 03 năm 2026" in text
    assert "Hạ Long, ngày 04 tháng 03 năm 2026" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert get_user(DESK).get_full_name() in text


def test_form03_without_a_refusal_is_refused(received):
    with pytest.raises(ValueError, match="không bị từ chối"):
        form_pdf(received(), "03")


def test_form04_apology_and_new_appointment(received):
    dossier = received()
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=get_user(SPECIALIST).pk)
    new_due = at(12, 16, 30)
    dossier = act(
        dossier,
        "apologize",
        LEADER,
        at(5, 15),
        note="Phải xác minh thông tin cư trú của người mẹ tại địa phương khác",
        new_due_at=new_due,
    )
    text = pdf_text(form_pdf(dossier, "04"), "form04")
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Mẫu số 04" in text
    assert "Kính gửi: Nguyễn Văn An" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Ngày 02 tháng 03 năm 2026, Trung tâm Phục vụ hành chính công Phường Hạ Long" in text
    assert (
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 09 tháng 03 năm 2026"
    ) in text
    assert "Lý do: Phải xác minh thông tin cư trú của người mẹ tại địa phương khác" in text
    assert "16 giờ 30 phút, ngày 12 tháng 03 năm 2026" in text
    assert "Hạ Long, ngày 05 tháng 03 năm 2026" in text
    # Signed by the head of the agency: the block names the agency, the head signs by hand.
    assert "THỦ TRƯỞNG CƠ QUAN ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG" in text
    assert get_user(LEADER).get_full_name() not in text
    # Form 01 printed again shows the new appointment.
    receipt = pdf_text(form_pdf(dossier, "01"))
    assert "16 giờ 30 phút, ngày 12 tháng 03 năm 2026" in receipt


def test_form04_without_an_apology_is_refused(received):
    with pytest.raises(ValueError, match="xin lỗi"):
        form_pdf(received(), "04")


def test_unknown_form_is_refused(received):
    with pytest.raises(ValueError, match="Không có mẫu số"):
        form_pdf(received(), "05")


def _process_with_allotments():
    from motcua.catalog.models import Procedure

    save_process(
        Procedure.objects.get(code="1.001193"),
        [
            StepSpec(1, "Thẩm định, dự thảo kết quả", "specialist", Decimal(2), "working_days"),
            StepSpec(2, "Phê duyệt", "agency_leader", Decimal(1), "working_days"),
            StepSpec(3, "Vào số, phát hành", "records_clerk", Decimal(4), "working_hours"),
        ],
    )


def _walk_to_the_returned_result(dossier):
    """Assign on Monday, a late appraisal, an early approval, issued and returned on time."""
    leader, clerk = get_user(LEADER), get_user(CLERK)
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=get_user(SPECIALIST).pk)
    dossier = act(dossier, "submit_draft", SPECIALIST, at(5, 9))
    # Step 1 (2 working days from Monday 10:00 → Wednesday 17:00) ends on Thursday: late.
    dossier = act(dossier, "forward", SPECIALIST, at(5, 9, 5), assignee_id=leader.pk)
    dossier = act(dossier, "approve", LEADER, at(5, 10, 30))
    # Step 2 (1 working day from Thursday 09:05 → Friday 17:00) ends on Thursday: early.
    dossier = act(dossier, "forward", LEADER, at(5, 10, 35), assignee_id=clerk.pk)
    dossier = act(dossier, "issue_result", CLERK, at(6, 8, 10))
    return act(
        dossier,
        "return_result",
        DESK,
        at(9, 15, 45),
        receiver_name="Trần Thị Bích",
        receiver_id="022190004321",
    )


def test_form06_control_sheet_rows_from_the_events(received):
    _process_with_allotments()
    dossier = _walk_to_the_returned_result(received())
    rows = control_rows(dossier)
    summary = [(r.giver, r.receiver, r.result) for r in rows]
    desk, leader = get_user(DESK).get_full_name(), get_user(LEADER).get_full_name()
    specialist, clerk = get_user(SPECIALIST).get_full_name(), get_user(CLERK).get_full_name()
    assert summary == [
        (desk, leader, ""),  # received and handed to the agency, which the leader took up
        (leader, specialist, ""),  # assigned
        (specialist, leader, ""),  # draft submitted
        (specialist, leader, LATE),  # step 1 done on Thursday, due Wednesday 17:00
        (leader, clerk, ""),  # approved
        (leader, clerk, EARLY),  # step 2 done on Thursday, due Friday 17:00
        (clerk, desk, EARLY),  # issued on Friday, the appointment is Monday 17:00
        (desk, "Trần Thị Bích", ON_TIME),  # returned on Monday 15:45
    ]
    text = pdf_text(form_pdf(dossier, "06"), "form06")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Mẫu số 06" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Giao: Trung tâm Phục vụ hành chính công Phường Hạ Long" in text
    assert "Nhận: Ủy ban nhân dân Phường Hạ Long" in text
    assert "09 giờ 07 phút, ngày 02 tháng 03 năm 2026" in text
    assert "09 giờ 05 phút, ngày 05 tháng 03 năm 2026" in text
    assert "15 giờ 45 phút, ngày 09 tháng 03 năm 2026" in text
    assert "Bước 1: Thẩm định, dự thảo kết quả" in text
    assert "Trần Thị Bích" in text
    assert text.count(LATE) >= 1 and text.count(EARLY) >= 2 and ON_TIME in text


def test_form06_notes_carry_supplements_and_apologies(received):
    dossier = received()
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=get_user(SPECIALIST).pk)
    dossier = act(
        dossier,
        "request_supplement",
        SPECIALIST,
        at(3, 9),
        note="Thiếu giấy chứng sinh",
        items=["Giấy chứng sinh"],
    )
    dossier = act(dossier, "supplement_received", DESK, at(4, 9))
    dossier = act(
        dossier, "apologize", LEADER, at(4, 11), note="Chờ xác minh", new_due_at=at(13, 17)
    )
    rows = control_rows(dossier)
    assert [r.number for r in rows] == [1, 2, 3, 4]
    assert rows[2].receiver == "Nguyễn Văn An"
    assert "Cần bổ sung: Giấy chứng sinh" in rows[2].notes
    # The desk hands the supplemented dossier back to the specialist who holds it.
    assert rows[3].receiver == get_user(SPECIALIST).get_full_name()
    assert any("Xin lỗi và hẹn lại ngày trả" in n and "Chờ xác minh" in n for n in rows[3].notes)
    text = pdf_text(form_pdf(dossier, "06"))
    assert "Thiếu giấy chứng sinh" in text and "Chờ xác minh" in text


def test_form06_needs_a_received_dossier(new_dossier):
    with pytest.raises(ValueError, match="chưa được tiếp nhận"):
        form_pdf(new_dossier(), "06")


# --- Form 05: the register -----------------------------------------------------------------


@pytest.fixture
def register_dossiers(received, new_dossier):
    """Three dossiers received by the Hạ Long centre on 2, 3 and 5 March, one received the
    day before the range, one never received, and one received by another agency."""
    from tests.dossiers.conftest import birth_submission

    before = received(at(1, 9))  # Sunday 1 March, the day before the range
    first = received(at(3, 8, 15))
    second = received(at(2, 8, 40))
    second = _walk_to_the_returned_result(second)
    third = received(at(5, 10))
    third = act(third, "refuse", DESK, at(5, 10, 30), note="Không thuộc thẩm quyền")
    pending = new_dossier(at=at(3, 9))
    vandon = birth_submission()
    vandon.receiving_agency = get_agency("H22.6994.1")
    vandon.competent_agency = get_agency("H22.6994")
    from motcua.dossiers.services import submit

    other = submit(vandon, by=get_user("vandon.tiepnhan"), at=at(3, 9))
    other = act(other, "receive", "vandon.tiepnhan", at(3, 9, 30))
    return {
        "in_range": [second, first, third],
        "out": [before, pending, other],
    }


def test_register_pdf_lists_exactly_the_range_and_agency(register_dossiers):
    agency = get_agency("H22.6688.1")
    pdf = register_pdf(agency, dt.date(2026, 3, 2), dt.date(2026, 3, 6))
    text = pdf_text(pdf, "form05")
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Mẫu số 05" in text
    assert "Hồ sơ tiếp nhận từ ngày 02 tháng 03 năm 2026 đến ngày 06 tháng 03 năm 2026" in text
    codes = [d.code for d in register_dossiers["in_range"]]
    positions = [text.find(code) for code in codes]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)  # in order of reception
    for dossier in register_dossiers["out"]:
        assert dossier.code not in text
    assert "Tổng số: 3 hồ sơ" in text
    assert "Thủ tục đăng ký khai sinh" in text
    assert "Ủy ban nhân dân Phường Hạ Long" in text
    assert "08 giờ 40 phút 02/03/2026" in text  # received
    assert "08 giờ 10 phút 06/03/2026" in text  # result received from the agency
    assert "15 giờ 45 phút 09/03/2026" in text  # returned
    assert "Người nhận: Trần Thị Bích" in text
    assert "Từ chối: Không thuộc thẩm quyền" in text


def test_register_xlsx_lists_exactly_the_range_and_agency(register_dossiers):
    agency = get_agency("H22.6688.1")
    data = register_xlsx(agency, dt.date(2026, 3, 2), dt.date(2026, 3, 6))
    sheet = load_workbook(io.BytesIO(data)).active
    header_row = next(row for row in range(1, 10) if sheet.cell(row=row, column=1).value == "STT")
    header = [cell.value for cell in sheet[header_row]]
    assert header[:3] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính"]
    assert "Trả kết quả cho tổ chức, cá nhân" in header
    lines = [
        [cell.value for cell in row]
        for row in sheet.iter_rows(min_row=header_row + 1)
        if row[0].value is not None
    ]
    assert [line[1] for line in lines] == [d.code for d in register_dossiers["in_range"]]
    assert [line[0] for line in lines] == [1, 2, 3]
    second = lines[0]
    column = {name: index for index, name in enumerate(header)}
    assert second[column["Tên người nộp hồ sơ"]] == "Nguyễn Văn An"
    assert "0912345678" in second[column["Địa chỉ, số điện thoại"]]
    # Moments are real date-times in Vietnam wall-clock time.
    assert second[column["Nhận hồ sơ"]] == dt.datetime(2026, 3, 2, 8, 40)
    assert second[column["Trả kết quả cho tổ chức, cá nhân"]] == dt.datetime(2026, 3, 9, 15, 45)
    assert "SỔ THEO DÕI HỒ SƠ" in sheet.cell(row=2, column=1).value


def test_register_of_an_empty_range_and_a_bad_range():
    agency = get_agency("H22.6688.1")
    text = pdf_text(register_pdf(agency, dt.date(2020, 1, 1), dt.date(2020, 1, 31)))
    assert "Không có hồ sơ nào được tiếp nhận trong khoảng ngày này" in text
    with pytest.raises(ValueError, match="Khoảng ngày không hợp lệ"):
        register_xlsx(agency, dt.date(2026, 3, 6), dt.date(2026, 3, 2))


def test_pdf_uses_dejavu_serif(received):
    reader = PdfReader(io.BytesIO(form_pdf(received(), "01")))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVuSerif" in name.replace("-", "") for name in fonts), fonts
    assert printing.STYLESHEET == "motcua/forms.css"

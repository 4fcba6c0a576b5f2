"""The printed one-stop forms (Circular 01/2018, then Circular 03/2025): each is built from a
dossier driven through the services, rendered by WeasyPrint, and read back with pypdf. The
version printed is the one in force on the day of the event the form documents. The PDFs are
kept in test-artifacts/forms/ for a look (``pdftoppm -png -r 60``)."""

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
from motcua.dossiers import legal_forms, printing
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
from tests.dossiers.conftest import MONDAY, with_draft
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
    return perform(dossier.code, action, get_user(username), at=when, **with_draft(action, params))


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
    # The QR code is inline SVG and opens the public lookup with the dossier code filled in.
    url = f"http://127.0.0.1:8000/tra-cuu/?ma={dossier.code}"
    expected = segno.make(url, error="m").svg_inline(omitsize=True, border=1, dark="#000")
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
    # An apology of March 2026: the form of Circular 03/2025 (apology and request to extend).
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "Mẫu số 04 – Thông tư 03/2025/TT-VPCP" in text
    assert "đồng ý gia hạn thời gian giải quyết hồ sơ đến" in text
    assert "không thể trả kết quả giải quyết hồ sơ của Ông/Bà đúng thời hạn" in text
    assert "Kính gửi: Nguyễn Văn An" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Ngày 02 tháng 03 năm 2026, Trung tâm Phục vụ hành chính công Phường Hạ Long" in text
    assert "17 giờ 00 phút, ngày 09 tháng 03 năm 2026" in text
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
    dossier = received()
    for key in ("05", "07", "so-theo-doi", "99", ""):
        with pytest.raises(ValueError, match="Không có mẫu số"):
            form_pdf(dossier, key)
    # A 2018 number and the kind's slug name the same form.
    assert form_html(dossier, "01") == form_html(dossier, "tiep-nhan")


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
    """Assign on Monday, a late appraisal, an early approval, a late issue step; the result is
    issued and returned before the appointment (Monday 9 March, 17:00)."""
    leader, clerk = get_user(LEADER), get_user(CLERK)
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=get_user(SPECIALIST).pk)
    # Step 1 (2 working days from Monday 10:00 → Wednesday 17:00) ends on Thursday: late.
    dossier = act(dossier, "submit_draft", SPECIALIST, at(5, 9), assignee_id=leader.pk)
    # Step 2 (1 working day from Thursday 09:00 → Friday 17:00) ends on Thursday: early.
    dossier = act(dossier, "approve", LEADER, at(5, 10, 30), assignee_id=clerk.pk)
    # Step 3 (4 working hours from Thursday 10:30 → Thursday 16:30) ends on Friday: late.
    dossier = act(dossier, "issue_result", CLERK, at(6, 8, 10))
    return act(
        dossier,
        "return_result",
        DESK,
        at(9, 15, 45),
        receiver_name="Trần Thị Bích",
        receiver_id="022190004321",
    )


def test_form06_one_row_per_step_with_its_result(received):
    _process_with_allotments()
    dossier = _walk_to_the_returned_result(received())
    rows = control_rows(dossier)
    desk, leader = get_user(DESK).get_full_name(), get_user(LEADER).get_full_name()
    specialist, clerk = get_user(SPECIALIST).get_full_name(), get_user(CLERK).get_full_name()
    centre = "Trung tâm Phục vụ hành chính công Phường Hạ Long"
    committee = "Ủy ban nhân dân Phường Hạ Long"
    assert [(r.giver_agency, r.receiver_agency, r.giver, r.receiver, r.result) for r in rows] == [
        (centre, committee, desk, leader, ""),  # received, taken up by the leader who assigns
        (committee, committee, leader, specialist, LATE),  # step 1 done Thursday, due Wednesday
        (committee, committee, specialist, leader, EARLY),  # step 2 done Thursday, due Friday
        (committee, committee, leader, clerk, LATE),  # step 3 done Friday, due Thursday 16:30
        (committee, centre, clerk, desk, EARLY),  # issued Friday, the appointment is Monday
        (centre, "Tổ chức, cá nhân", desk, "Trần Thị Bích", ON_TIME),  # returned Monday 15:45
    ]
    assert [r.number for r in rows] == [1, 2, 3, 4, 5, 6]
    step1 = rows[1]
    assert (step1.at, step1.due_at, step1.finished_at) == (at(2, 10), at(4, 17), at(5, 9))
    assert rows[3].due_at == at(5, 16, 30)
    assert "Bước 1: Thẩm định, dự thảo kết quả" in step1.notes

    text = pdf_text(form_pdf(dossier, "06"), "form06")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Mẫu số 06 – Thông tư 03/2025/TT-VPCP" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert f"Giao: {centre}" in text
    assert f"Nhận: {committee}" in text
    assert "09 giờ 07 phút, ngày 02 tháng 03 năm 2026" in text  # received
    assert "10 giờ 00 phút, ngày 02 tháng 03 năm 2026" in text  # step 1 given
    assert "Hạn: 17 giờ 00 phút, 04/03/2026" in text  # step 1 due
    assert "Xong: 09 giờ 00 phút, 05/03/2026" in text  # step 1 done
    assert "15 giờ 45 phút, ngày 09 tháng 03 năm 2026" in text  # returned
    for name in ("Bước 1: Thẩm định, dự thảo kết quả", "Bước 2: Phê duyệt", "Bước 3: Vào số"):
        assert name in text
    assert "Trần Thị Bích" in text and specialist in text and clerk in text
    assert text.count(LATE) >= 2 and text.count(EARLY) >= 2 and ON_TIME in text


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
    # The reception and the open first step: nothing else was handed over.
    assert [r.number for r in rows] == [1, 2]
    step = rows[1]
    assert step.receiver == get_user(SPECIALIST).get_full_name()
    assert step.finished_at is None and step.result == ""
    notes = " | ".join(step.notes)
    assert "Thiếu giấy chứng sinh; cần bổ sung: Giấy chứng sinh" in notes
    assert "Chờ xác minh" in notes and "(11 giờ 00 phút, 04/03/2026)" in notes
    assert rows[0].notes == ["Tiếp nhận hồ sơ, chuyển cơ quan giải quyết"]
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
    assert "Mẫu số 07 – Thông tư 03/2025/TT-VPCP" in text  # the register of 2025 is Form 07
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
    assert "Mẫu số 07 – Thông tư 03/2025/TT-VPCP" in sheet.cell(row=2, column=1).value


def test_register_of_an_empty_range_and_a_bad_range():
    agency = get_agency("H22.6688.1")
    text = pdf_text(register_pdf(agency, dt.date(2020, 1, 1), dt.date(2020, 1, 31)))
    assert "Không có hồ sơ nào được tiếp nhận trong khoảng ngày này" in text
    # January 2020: the register of Circular 01/2018, Form 05.
    assert "Mẫu số 05 – Thông tư 01/2018/TT-VPCP" in text
    with pytest.raises(ValueError, match="Sổ theo dõi hồ sơ chưa có mẫu vào ngày 31/12/2018"):
        register_pdf(agency, dt.date(2018, 12, 1), dt.date(2018, 12, 31))
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


# --- versions by effective date (legal_forms) ---------------------------------------------------


def sept(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of September–October 2025 (Vietnam time), before Circular 03/2025 applies."""
    month = 9 if day >= 8 else 10
    return dt.datetime(2025, month, day, hour, minute, tzinfo=VN)


def test_the_version_in_force_on_the_day_of_the_event():
    receipt = legal_forms.FormKind.RECEIPT
    first_day = legal_forms.CIRCULAR_03_2025.effective_from
    assert first_day == dt.date(2025, 10, 30)
    day_before = dt.datetime.combine(first_day, dt.time(23, 59), tzinfo=VN) - dt.timedelta(days=1)
    assert legal_forms.version_for(receipt, day_before).basis == legal_forms.CIRCULAR_01_2018
    # 17:30 UTC on 29 October is 00:30 on 30 October in Vietnam: the new version already.
    utc = dt.datetime(2025, 10, 29, 17, 30, tzinfo=dt.UTC)
    assert legal_forms.version_for(receipt, utc).basis == legal_forms.CIRCULAR_03_2025
    assert (
        legal_forms.version_for(receipt, first_day).mark == "Mẫu số 01 – Thông tư 03/2025/TT-VPCP"
    )
    register = legal_forms.FormKind.REGISTER
    assert legal_forms.version_for(register, day_before).number == "05"
    assert legal_forms.version_for(register, first_day).number == "07"
    # Before Circular 01/2018 applied (8 January 2019) there is no form at all; the notice
    # of stopping exists only from Circular 03/2025.
    assert legal_forms.in_force(receipt, dt.date(2019, 1, 7)) is None
    assert legal_forms.in_force(legal_forms.FormKind.STOP, day_before) is None
    with pytest.raises(legal_forms.FormNotInForce, match="Thông báo dừng giải quyết hồ sơ"):
        legal_forms.version_for(legal_forms.FormKind.STOP, day_before)


def test_every_kind_has_dated_versions_with_templates():
    from django.template.loader import get_template

    for kind, versions in legal_forms.VERSIONS.items():
        assert versions, kind
        dates = [v.effective_from for v in versions]
        assert dates == sorted(dates) and len(set(dates)) == len(dates), kind
        for version in versions:
            assert version.kind == kind
            get_template(version.template)


def test_a_receipt_of_2025_keeps_the_2018_form_when_printed_again_later(received):
    dossier = received(sept(15, 9, 7))  # Monday 15 September 2025
    text = pdf_text(form_pdf(dossier, "01"), "form01-2018")
    assert "Mẫu số 01 – Thông tư 01/2018/TT-VPCP" in text
    assert "03/2025" not in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "09 giờ 07 phút, ngày 15 tháng 09 năm 2025" in text
    # The control sheet is opened with the receipt: same version.
    assert "Mẫu số 06 – Thông tư 01/2018/TT-VPCP" in pdf_text(form_pdf(dossier, "06"))


def test_a_receipt_on_the_first_day_of_circular_03_2025(received):
    dossier = received(dt.datetime(2025, 10, 30, 8, 0, tzinfo=VN))  # Thursday
    text = pdf_text(form_pdf(dossier, "tiep-nhan"))
    assert "Mẫu số 01 – Thông tư 03/2025/TT-VPCP" in text
    assert "01/2018" not in text


def test_the_apology_of_2025_before_the_new_circular_is_the_2018_form(received):
    dossier = received(sept(15, 9, 7))
    dossier = act(dossier, "assign", LEADER, sept(15, 10), assignee_id=get_user(SPECIALIST).pk)
    dossier = act(
        dossier,
        "apologize",
        LEADER,
        sept(17, 15),
        note="Phải xác minh thông tin cư trú",
        new_due_at=sept(26, 16, 30),
    )
    text = pdf_text(form_pdf(dossier, "xin-loi"), "form04-2018")
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Mẫu số 04 – Thông tư 01/2018/TT-VPCP" in text
    assert "GIA HẠN" not in text
    assert "16 giờ 30 phút, ngày 26 tháng 09 năm 2025" in text


def test_the_effective_date_can_be_set_once_confirmed(received, settings):
    dossier = received()  # 2 March 2026
    settings.MOTCUA_FORMS_03_2025_FROM = "2026-04-01"
    assert "Mẫu số 01 – Thông tư 01/2018/TT-VPCP" in form_html(dossier, "01")
    settings.MOTCUA_FORMS_03_2025_FROM = "2026-03-02"
    assert "Mẫu số 01 – Thông tư 03/2025/TT-VPCP" in form_html(dossier, "01")


def _stopped(received, when: dt.datetime, note: str):
    dossier = received(when)
    specialist = get_user(SPECIALIST).pk
    dossier = act(dossier, "assign", LEADER, when + dt.timedelta(hours=1), assignee_id=specialist)
    return act(dossier, "stop", LEADER, when + dt.timedelta(days=1), note=note)


def test_notice_of_stopping(received):
    reason = "Người yêu cầu đề nghị dừng giải quyết để bổ sung giấy tờ chứng minh nơi cư trú"
    dossier = _stopped(received, at(2, 9, 7), reason)
    assert dossier.status == 8 and dossier.stopped_at == at(3, 9, 7)
    text = pdf_text(form_pdf(dossier, "dung-xu-ly"), "stop-notice")
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "Mẫu số 05 – Thông tư 03/2025/TT-VPCP" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Kính gửi: Nguyễn Văn An" in text
    assert "Ủy ban nhân dân Phường Hạ Long thông báo dừng giải quyết hồ sơ nêu trên kể từ" in text
    assert "09 giờ 07 phút, ngày 03 tháng 03 năm 2026" in text
    assert reason in text
    assert "Hạ Long, ngày 03 tháng 03 năm 2026" in text
    assert "THỦ TRƯỞNG CƠ QUAN ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG" in text
    # The stop is a note of the control sheet, with its reason.
    assert any(reason in note for row in control_rows(dossier) for note in row.notes)


def test_no_notice_of_stopping_before_circular_03_2025_or_without_a_stop(received):
    dossier = _stopped(received, sept(15, 9, 7), "Dừng theo đề nghị")
    with pytest.raises(ValueError, match="chưa có mẫu vào ngày 16/09/2025"):
        form_pdf(dossier, "dung-xu-ly")
    with pytest.raises(ValueError, match="không bị dừng xử lý"):
        form_pdf(received(), "dung-xu-ly")


def test_the_dossier_page_links_the_notice_of_stopping(received, otp_client):
    running = received()
    stopped = _stopped(received, at(2, 10), "Dừng theo đề nghị của người nộp")
    old = _stopped(received, sept(15, 9, 7), "Dừng trước Thông tư 03/2025")
    client = otp_client(LEADER)
    label = "In thông báo dừng giải quyết hồ sơ"
    page = client.get(f"/can-bo/ho-so/{stopped.code}/").content.decode()
    link = f"/can-bo/ho-so/{stopped.code}/mau-dung-xu-ly.pdf"
    assert label in page and link in page
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in pdf_text(response.content)
    # Only where it applies: not for a running dossier, nor one stopped before the circular.
    for dossier in (running, old):
        assert label not in client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
        assert client.get(f"/can-bo/ho-so/{dossier.code}/mau-dung-xu-ly.pdf").status_code == 404
    # The 2018 numbers still serve the forms they named.
    assert client.get(f"/can-bo/ho-so/{running.code}/mau-01.pdf").status_code == 200

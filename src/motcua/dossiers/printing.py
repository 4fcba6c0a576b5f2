"""Printing the one-stop forms of Circular 01/2018/TT-VPCP (DOMAIN.md §5) from a dossier and
its history.

* :func:`form_pdf` — Form 01 (receipt and appointment), 02 (request to supplement), 03
  (refusal), 04 (apology and new appointment) and 06 (processing control sheet) of one dossier;
* :func:`register_pdf` and :func:`register_xlsx` — Form 05, the dossier register of one
  receiving agency over a range of days.

Everything printed comes from the dossier and its append-only events (ARCHITECTURE.md: "the
Form 06 control sheet and the register (Form 05) are views over these events"); nothing here
writes. The forms are legal documents in Vietnamese whatever the interface language: their
text is Vietnamese on purpose and is not translated. Moments are printed in Vietnam time,
dates as "ngày dd tháng mm năm yyyy" and times as "HH giờ MM phút".

PDFs are rendered by WeasyPrint from the templates in ``templates/dossiers/forms/`` with the
stylesheet ``static/motcua/forms.css`` (A4, DejaVu Serif: Debian ``fonts-dejavu-core``; at run
time WeasyPrint needs Pango, Debian ``libpango-1.0-0`` and ``libpangoft2-1.0-0``). Each form
carries a QR code (segno, inline SVG) of the dossier code.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import segno
from django.contrib.staticfiles import finders
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from motcua.catalog.models import DurationUnit, ProcessStep
from motcua.catalog.processes import effective_process
from motcua.core import worktime
from motcua.core.calendars import calendar_for
from motcua.core.worktime import VN_TZ
from motcua.dossiers.codes import parse_code
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    ResultDelivery,
    Status,
)
from motcua.dossiers.transitions import TABLE, Action
from motcua.organizations.models import Agency, AgencyKind

__all__ = [
    "FORM_TITLES",
    "FORMS",
    "form_html",
    "form_pdf",
    "register_html",
    "register_pdf",
    "register_rows",
    "register_xlsx",
]

FORM_TITLES = {
    "01": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "02": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "03": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "04": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    "05": "SỔ THEO DÕI HỒ SƠ",
    "06": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
}
FORMS = ("01", "02", "03", "04", "06")
LEGAL_BASIS = "Thông tư số 01/2018/TT-VPCP"
ONE_STOP_UNIT = "Bộ phận tiếp nhận và trả kết quả"
STYLESHEET = "motcua/forms.css"

EARLY, ON_TIME, LATE = "Trước hạn", "Đúng hạn", "Quá hạn"

SUPPLEMENT_ACTIONS = (Action.REQUEST_SUPPLEMENT, Action.REQUEST_SUPPLEMENT_AT_RECEPTION)


# --- formatting --------------------------------------------------------------------------


def local(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Vietnam time."""
    return moment.astimezone(VN_TZ)


def vn_date(day: dt.date | dt.datetime) -> str:
    """'ngày 02 tháng 03 năm 2026' (a moment is taken in Vietnam time)."""
    if isinstance(day, dt.datetime):
        day = local(day).date()
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def vn_time(moment: dt.datetime) -> str:
    """'09 giờ 05 phút', in Vietnam time."""
    moment = local(moment)
    return f"{moment:%H} giờ {moment:%M} phút"


def vn_moment(moment: dt.datetime | None, empty: str = "") -> str:
    """'09 giờ 05 phút, ngày 02 tháng 03 năm 2026', or ``empty`` for no moment."""
    if moment is None:
        return empty
    return f"{vn_time(moment)}, {vn_date(moment)}"


def short_moment(moment: dt.datetime | None) -> str:
    """'09 giờ 05 phút, 02/03/2026': for narrow table cells."""
    if moment is None:
        return ""
    return f"{vn_time(moment)}, {local(moment):%d/%m/%Y}"


def _number(value: Decimal | int) -> str:
    """5 → '5', Decimal('0.50') → '0,5' (Vietnamese decimal comma)."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def _moment_from_data(value: Any) -> dt.datetime | None:
    """A moment stored in an event's ``data`` (ISO text, see services._json)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def qr_svg(text: str) -> SafeString:
    """An inline SVG QR code of ``text``, sized by the stylesheet (``.qr svg``)."""
    svg = segno.make(text, error="m").svg_inline(omitsize=True, border=1, dark="#000")
    # segno builds the SVG itself; ``text`` is encoded in the modules, never written as markup.
    return mark_safe(svg)  # noqa: S308


def timeliness(done: dt.datetime, due: dt.datetime | None) -> str:
    """Early / on time / late of work finished at ``done`` against ``due``: late after the
    due moment, early when finished on an earlier day (Vietnam time), on time otherwise."""
    if due is None:
        return ""
    if done > due:
        return LATE
    if local(done).date() < local(due).date():
        return EARLY
    return ON_TIME


# --- the document header -----------------------------------------------------------------


PLACE_PREFIXES = ("Phường ", "Xã ", "Đặc khu ", "Thị trấn ", "Tỉnh ", "Thành phố ")
# Bodies whose name stands alone in a header (Decree 30/2020: the governing body is written
# only above a body that has one, not above a People's Committee).
SELF_GOVERNED = {AgencyKind.PROVINCIAL_COMMITTEE, AgencyKind.COMMUNE_COMMITTEE}
CENTRE_KINDS = {AgencyKind.PROVINCIAL_CENTRE, AgencyKind.COMMUNE_CENTRE}


def _place_name(agency: Agency) -> str:
    unit = agency.commune or agency.province
    name = unit.name if unit is not None else ""
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def name_lines(name: str) -> list[str]:
    """An agency name in header lines: the body, then its place ('Ủy ban nhân dân' /
    'Phường Hạ Long'), as administrative documents set them."""
    for prefix in PLACE_PREFIXES:
        head, sep, place = name.partition(f" {prefix}")
        if sep and head:
            return [head, f"{prefix}{place}"]
    return [name]


@dataclass(frozen=True)
class Header:
    """The top of an administrative document: issuing body on the left, national motto,
    place and date on the right."""

    agency: str
    parent: str = ""
    unit: str = ""
    place: str = ""
    date: str = ""

    @property
    def agency_lines(self) -> list[str]:
        return name_lines(self.agency)


def header_for(agency: Agency, day: dt.date | dt.datetime, *, one_stop: bool = False) -> Header:
    """The header of a document issued by ``agency`` on ``day``; ``one_stop`` adds the
    one-stop unit line under an agency that is not itself a service centre."""
    parent = ""
    if agency.kind not in SELF_GOVERNED and agency.parent_id:
        parent = agency.parent.name
    unit = ONE_STOP_UNIT if one_stop and agency.kind not in CENTRE_KINDS else ""
    return Header(
        agency=agency.name,
        parent=parent,
        unit=unit,
        place=_place_name(agency),
        date=vn_date(day),
    )


def desk_name(agency: Agency) -> str:
    """The one-stop desk of ``agency``: a service centre is one itself."""
    if agency.kind in CENTRE_KINDS:
        return agency.name
    return f"{ONE_STOP_UNIT} — {agency.name}"


# --- shared dossier facts ----------------------------------------------------------------


def _events(dossier: Dossier) -> list[DossierEvent]:
    return list(dossier.events.select_related("agency", "actor").order_by("seq"))


def _last(events: Iterable[DossierEvent], *actions: str) -> DossierEvent | None:
    found = None
    for event in events:
        if event.action in actions:
            found = event
    return found


def _applicant(dossier: Dossier) -> dict[str, Any]:
    return {
        "name": dossier.applicant_name,
        "id_type": dossier.get_applicant_id_type_display(),
        "id_number": dossier.applicant_id_number,
        "address": dossier.applicant_address,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
        "representative": dossier.representative_name,
        "representative_phone": dossier.representative_phone,
        # Who stands at the desk and signs: the authorised representative when there is one.
        "signer": dossier.representative_name or dossier.applicant_name,
    }


def _procedure(dossier: Dossier) -> dict[str, str]:
    procedure = dossier.procedure
    return {"code": procedure.provincial_code or procedure.code, "name": procedure.name}


def legal_deadline_text(dossier: Dossier) -> str:
    """The handling time fixed at reception ('5 ngày làm việc'), else the catalog's text."""
    if dossier.deadline_value is not None and dossier.deadline_unit:
        try:
            unit = DurationUnit(dossier.deadline_unit).label
        except ValueError:
            unit = dossier.deadline_unit
        return f"{_number(dossier.deadline_value)} {unit}"
    channel = dossier.procedure.channels.filter(channel=dossier.channel).first()
    text = " ".join((channel.duration_text if channel else "").split())
    # The national extract sometimes holds a bare number with no unit: not worth printing.
    if text and any(ch.isalpha() for ch in text):
        return text
    return "Chưa xác định (thủ tục chưa công bố thời hạn cụ thể)"


def _result_place(dossier: Dossier) -> str:
    if dossier.result_delivery == ResultDelivery.POST:
        address = dossier.delivery_address or dossier.applicant_address
        return f"Nhận qua dịch vụ bưu chính công ích, gửi đến: {address}"
    if dossier.result_delivery == ResultDelivery.ELECTRONIC:
        return "Nhận bản điện tử trên Cổng dịch vụ công (kho dữ liệu của tổ chức, cá nhân)"
    point = dossier.reception_point
    if point is None:
        point = (
            dossier.receiving_agency.reception_points.filter(is_active=True).order_by("pk").first()
        )
    if point is not None:
        return f"{point.name}, {point.address}"
    agency = dossier.receiving_agency
    return f"{ONE_STOP_UNIT}, {agency.name}" + (f", {agency.address}" if agency.address else "")


def register_entry(dossier: Dossier) -> tuple[str, str]:
    """(volume, number) of the dossier in the register: the register is kept per receiving
    agency and day like the code's sequence, so the volume is the code's
    ``<agency>-YYMMDD`` and the number the daily sequence (a number set by hand wins)."""
    parts = parse_code(dossier.code)
    if parts is None:
        year = local(dossier.received_at or dossier.submitted_at).year
        return str(year), str(dossier.register_number or "")
    number = dossier.register_number or parts.sequence
    return f"{parts.agency_code}-{parts.day:%y%m%d}", f"{number:04d}"


def _base_context(dossier: Dossier, form: str) -> dict[str, Any]:
    return {
        "dossier": dossier,
        "form": form,
        "form_title": FORM_TITLES[form],
        "legal_basis": LEGAL_BASIS,
        "applicant": _applicant(dossier),
        "procedure": _procedure(dossier),
        "qr": qr_svg(dossier.code),
    }


# --- Form 01 -------------------------------------------------------------------------------


def _form01(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    received = _last(events, Action.RECEIVE)
    if received is None or dossier.received_at is None:
        raise ValueError(
            "Hồ sơ chưa được tiếp nhận: chưa thể in Giấy tiếp nhận hồ sơ và hẹn trả kết quả "
            "(Mẫu số 01)."
        )
    volume, number = register_entry(dossier)
    components = [
        {"name": c.name, "originals": c.originals, "copies": c.copies, "extra": c.extra_reason}
        for c in dossier.components.order_by("position")
    ]
    agency = received.agency or dossier.receiving_agency
    return {
        "header": header_for(agency, received.at, one_stop=True),
        "agency": agency,
        "officer": received.actor_name,
        "received_at": vn_moment(received.at),
        "due_at": vn_moment(dossier.due_at, "Chưa xác định"),
        "apology_note": (
            f"Đã hẹn lại theo Phiếu xin lỗi ngày {local(dossier.apologized_at):%d/%m/%Y}"
            if dossier.apologized_at
            else ""
        ),
        "deadline": legal_deadline_text(dossier),
        "components": components,
        "sets": 1,
        "result_place": _result_place(dossier),
        "online": dossier.channel == "online",
        "register_volume": volume,
        "register_number": number,
        "copies": ["Liên 1: Lưu tại Bộ phận tiếp nhận", "Liên 2: Giao người nộp hồ sơ"],
    }


# --- Form 02 -------------------------------------------------------------------------------


def _supplement_items(raw: Any) -> list[dict[str, Any]]:
    """``data["items"]`` as rows: plain names, or dicts that may carry counts."""
    items = []
    for item in raw or []:
        if isinstance(item, dict):
            items.append(
                {
                    "name": str(item.get("name", "")),
                    "originals": item.get("originals") or "",
                    "certified_copies": item.get("certified_copies") or "",
                    "copies": item.get("copies") or "",
                }
            )
        else:
            items.append({"name": str(item), "originals": "", "certified_copies": "", "copies": ""})
    return items


def _form02(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    request = _last(events, *SUPPLEMENT_ACTIONS)
    if request is None:
        raise ValueError(
            "Hồ sơ không có yêu cầu bổ sung, hoàn thiện nào: không có Phiếu yêu cầu bổ sung, "
            "hoàn thiện hồ sơ (Mẫu số 02) để in."
        )
    items = _supplement_items(request.data.get("items"))
    agency = request.agency or dossier.receiving_agency
    at_reception = request.action == Action.REQUEST_SUPPLEMENT_AT_RECEPTION
    contact_phone = agency.phone
    if not contact_phone and dossier.reception_point is not None:
        contact_phone = dossier.reception_point.phone
    return {
        "header": header_for(agency, request.at, one_stop=at_reception),
        "agency": agency,
        "requested_at": vn_moment(request.at),
        "at_reception": at_reception,
        "items": items,
        "counted": any(i["originals"] or i["certified_copies"] or i["copies"] for i in items),
        "reason": request.note,
        "officer": request.actor_name,
        "contact_phone": contact_phone,
        "contact_email": agency.email,
        "received_at": vn_moment(dossier.received_at) if dossier.received_at else "",
    }


# --- Form 03 -------------------------------------------------------------------------------


def _form03(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    refusal = _last(events, Action.REFUSE)
    if refusal is None:
        raise ValueError(
            "Hồ sơ không bị từ chối tiếp nhận: không có Phiếu từ chối tiếp nhận giải quyết hồ sơ "
            "(Mẫu số 03) để in."
        )
    agency = refusal.agency or dossier.receiving_agency
    at_desk = refusal.actor_role in ("reception", "")
    return {
        "header": header_for(agency, refusal.at, one_stop=at_desk),
        "agency": agency,
        "at_desk": at_desk,
        "refused_at": vn_moment(refusal.at),
        "submitted_at": vn_moment(dossier.submitted_at),
        "reason": refusal.note,
        "officer": refusal.actor_name,
        "signer_title": "NGƯỜI TIẾP NHẬN HỒ SƠ" if at_desk else "THỦ TRƯỞNG CƠ QUAN",
    }


# --- Form 04 -------------------------------------------------------------------------------


def _form04(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    apology = _last(events, Action.APOLOGIZE)
    if apology is None or dossier.received_at is None:
        raise ValueError(
            "Hồ sơ chưa có văn bản xin lỗi và hẹn lại ngày trả kết quả: không có Phiếu xin lỗi "
            "và hẹn lại ngày trả kết quả (Mẫu số 04) để in."
        )
    original = _moment_from_data(apology.data.get("original_due_at")) or dossier.original_due_at
    new_due = _moment_from_data(apology.data.get("new_due_at")) or dossier.due_at
    agency = apology.agency or dossier.competent_agency
    return {
        "header": header_for(agency, apology.at),
        "agency": agency,
        "receiving_agency": dossier.receiving_agency,
        "received_on": vn_date(dossier.received_at),
        "received_at": vn_moment(dossier.received_at),
        "original_due": vn_moment(original, "Chưa xác định"),
        "new_due": vn_moment(new_due),
        "reason": apology.note or dossier.apology_reason,
    }


# --- Form 06 -------------------------------------------------------------------------------


@dataclass
class ControlRow:
    """One hand-over of the dossier (Form 06)."""

    number: int
    giver_agency: str
    receiver_agency: str
    at: dt.datetime
    giver: str
    receiver: str
    result: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def moment(self) -> str:
        return vn_moment(self.at)


# What each hand-over does, as printed in the notes.
HANDOVER_NOTES = {
    Action.RECEIVE: "Tiếp nhận hồ sơ, chuyển cơ quan giải quyết",
    Action.ASSIGN: "Phân công xử lý",
    Action.FORWARD: "Chuyển bước tiếp theo",
    Action.RETURN_STEP: "Trả về bước trước",
    Action.SUBMIT_DRAFT: "Trình dự thảo kết quả",
    Action.RETURN_DRAFT: "Trả lại dự thảo",
    Action.APPROVE: "Phê duyệt kết quả, chuyển văn thư",
    Action.ISSUE_RESULT: "Vào số, phát hành kết quả, chuyển Bộ phận tiếp nhận và trả kết quả",
    Action.REQUEST_SUPPLEMENT: "Yêu cầu bổ sung, hoàn thiện hồ sơ (tạm dừng tính thời hạn)",
    Action.SUPPLEMENT_RECEIVED: "Nhận hồ sơ đã bổ sung, chuyển lại người xử lý",
    Action.RETURN_RESULT: "Trả kết quả cho tổ chức, cá nhân",
}


@dataclass(frozen=True)
class _Step:
    """An internal step as the events tell it: entered at ``since``."""

    position: int | None
    name: str
    since: dt.datetime
    due: dt.datetime | None = None  # when the event recorded it


class _StepClock:
    """Due moments of the internal steps, from the process's allotments (when known)."""

    def __init__(self, dossier: Dossier) -> None:
        self.dossier = dossier
        process = effective_process(dossier.procedure, dossier.competent_agency)
        self.steps: dict[int, ProcessStep] = (
            {s.position: s for s in process.steps.all()} if process is not None else {}
        )
        self.pauses = [(p.started_at, p.ended_at) for p in dossier.pauses.all()]
        self._calendar: worktime.WorkCalendar | None = None

    def due(self, step: _Step, until: dt.datetime) -> dt.datetime | None:
        """The due moment of ``step``, the supplement pauses up to ``until`` excluded."""
        if step.due is not None:
            return step.due
        allotment = self.steps.get(step.position or 0)
        # A process edited since then no longer describes this step: no due moment.
        if allotment is None or (step.name and allotment.name != step.name):
            return None
        if self._calendar is None:
            self._calendar = calendar_for(self.dossier.competent_agency)
        pauses = [(begin, end) for begin, end in self.pauses if begin <= until]
        return worktime.add_with_pauses(
            step.since,
            allotment.allotted_value,
            allotment.allotted_unit,
            self._calendar,
            pauses,
            now=until,
        )


def _action_label(action: str) -> str:
    try:
        return str(TABLE[Action(action)].label)
    except (ValueError, KeyError):
        return action


def control_rows(dossier: Dossier, events: list[DossierEvent] | None = None) -> list[ControlRow]:
    """The hand-overs of a received dossier, in order (Form 06).

    The giver is the officer who acted; the receiver the one the event names (an assignee),
    else the officer who acted next. A step's result (early / on time / late) is printed
    when its due moment is known: recorded by the event (``step_due_at``) or computed from
    the internal process's allotment; the result issued to the desk and the result returned
    are measured against the dossier's appointment. Events that hand nothing over (apology,
    fees, withdrawal, stop, refusal) go into the notes of the row before them.
    """
    from motcua.accounts.models import User

    events = _events(dossier) if events is None else events
    start = next((i for i, e in enumerate(events) if e.action == Action.RECEIVE), None)
    if start is None:
        return []
    events = events[start:]
    usernames = {e.data.get("assignee") for e in events if e.data.get("assignee")}
    names = dict(User.objects.filter(username__in=usernames).values_list("username", "full_name"))
    desk = desk_name(dossier.receiving_agency)
    competent = dossier.competent_agency.name
    clock = _StepClock(dossier)

    def next_actor(index: int, agency: Agency | None = None) -> str:
        """The next officer, other than the giver, who acted on the dossier (at ``agency``)."""
        giver = events[index].actor_id
        for later in events[index + 1 :]:
            if later.action not in HANDOVER_NOTES or (giver and later.actor_id == giver):
                continue
            if agency is None or later.agency_id == agency.pk:
                return later.actor_name
        return ""

    rows: list[ControlRow] = []
    handler = ""  # who holds the dossier inside the competent agency
    step: _Step | None = None
    for index, event in enumerate(events):
        action = event.action
        if action not in HANDOVER_NOTES:
            text = f"{_action_label(action)} ({short_moment(event.at)})"
            rows[-1].notes.append(f"{text}: {event.note}" if event.note else text)
            continue
        data = event.data or {}
        assignee = names.get(data.get("assignee")) or data.get("assignee") or ""
        row = ControlRow(
            number=len(rows) + 1,
            giver_agency=event.agency.name if event.agency else competent,
            receiver_agency=competent,
            at=event.at,
            giver=event.actor_name,
            receiver="",
        )
        if action == Action.RECEIVE:
            row.giver_agency = desk
            row.receiver = next_actor(index, dossier.competent_agency)
        elif action in (Action.ASSIGN, Action.FORWARD, Action.RETURN_STEP):
            if step is not None:
                row.result = timeliness(event.at, clock.due(step, event.at))
            row.receiver = assignee or next_actor(index)
            handler = row.receiver or handler
            step = _Step(
                data.get("step"),
                data.get("step_name", ""),
                event.at,
                _moment_from_data(data.get("step_due_at")),
            )
            if step.name:
                row.notes.append(f"Bước {step.position}: {step.name}")
        elif action == Action.SUBMIT_DRAFT or action == Action.APPROVE:
            row.receiver = next_actor(index)
        elif action == Action.RETURN_DRAFT:
            row.receiver = handler
        elif action == Action.ISSUE_RESULT:
            row.receiver_agency = desk
            row.receiver = next_actor(index)
            row.result = timeliness(event.at, dossier.due_at)
        elif action == Action.REQUEST_SUPPLEMENT:
            row.receiver_agency = f"Người nộp hồ sơ (qua {ONE_STOP_UNIT})"
            row.receiver = dossier.applicant_name
            items = "; ".join(i["name"] for i in _supplement_items(data.get("items")))
            if items:
                row.notes.append(f"Cần bổ sung: {items}")
        elif action == Action.SUPPLEMENT_RECEIVED:
            row.giver_agency = desk
            row.receiver = handler or next_actor(index)
        elif action == Action.RETURN_RESULT:
            row.giver_agency = desk
            row.receiver_agency = "Tổ chức, cá nhân"
            by_post = dossier.result_delivery == ResultDelivery.POST
            row.receiver = data.get("receiver_name") or (
                "Dịch vụ bưu chính công ích" if by_post else dossier.applicant_name
            )
            row.result = timeliness(event.at, dossier.due_at)
        row.notes.insert(0, HANDOVER_NOTES[Action(action)])
        if event.note:
            row.notes.append(event.note)
        rows.append(row)
    return rows


def _form06(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    if dossier.received_at is None or not any(e.action == Action.RECEIVE for e in events):
        raise ValueError(
            "Hồ sơ chưa được tiếp nhận: chưa có Phiếu kiểm soát quá trình giải quyết hồ sơ "
            "(Mẫu số 06) để in."
        )
    volume, number = register_entry(dossier)
    return {
        "header": header_for(dossier.competent_agency, dossier.received_at),
        "agency": dossier.competent_agency,
        "rows": control_rows(dossier, events),
        "received_at": vn_moment(dossier.received_at),
        "due_at": vn_moment(dossier.due_at, "Chưa xác định"),
        "register_volume": volume,
        "register_number": number,
        "status": Status(dossier.status).label,
    }


# --- rendering -----------------------------------------------------------------------------


_BUILDERS: dict[str, Callable[[Dossier, list[DossierEvent]], dict[str, Any]]] = {
    "01": _form01,
    "02": _form02,
    "03": _form03,
    "04": _form04,
    "06": _form06,
}


def form_html(dossier: Dossier, form: str) -> str:
    """The HTML of ``form`` ("01", "02", "03", "04" or "06") for ``dossier``.

    Raises ValueError (Vietnamese message) for an unknown form or one that does not apply to
    the dossier (e.g. Form 04 without an apology).
    """
    builder = _BUILDERS.get(form)
    if builder is None:
        raise ValueError(
            f"Không có mẫu số “{form}” để in theo hồ sơ; các mẫu: {', '.join(FORMS)} "
            "(Mẫu số 05 là sổ theo dõi hồ sơ, in theo cơ quan)."
        )
    context = _base_context(dossier, form) | builder(dossier, _events(dossier))
    with translation.override("vi"):
        return render_to_string(f"dossiers/forms/form{form}.html", context)


def form_pdf(dossier: Dossier, form: str) -> bytes:
    """``form`` ("01", "02", "03", "04" or "06") of ``dossier`` as an A4 PDF.

    Raises ValueError (Vietnamese message) when the form does not apply to the dossier.
    """
    title = f"Mẫu số {form} — {FORM_TITLES.get(form, '')} — {dossier.code}"
    return render_pdf(form_html(dossier, form), title=title)


def render_pdf(html: str, *, title: str = "") -> bytes:
    """Render ``html`` with the forms stylesheet to PDF bytes (WeasyPrint)."""
    try:
        import weasyprint
    except OSError as error:  # Pango missing: say what to install
        raise RuntimeError(
            "WeasyPrint không nạp được thư viện Pango (WeasyPrint cannot load Pango): cài gói "
            "Debian libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core."
        ) from error
    stylesheet = finders.find(STYLESHEET)
    document = weasyprint.HTML(string=html, base_url=None)
    stylesheets = [weasyprint.CSS(filename=stylesheet)] if stylesheet else []
    pdf = document.render(stylesheets=stylesheets)
    if title:
        pdf.metadata.title = title
    return pdf.write_pdf()


# --- Form 05: the register -----------------------------------------------------------------


@dataclass
class RegisterRow:
    """One dossier in the register (Form 05)."""

    number: int
    code: str
    procedure: str
    applicant: str
    contact: str
    competent_agency: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    transferred_at: dt.datetime | None
    result_received_at: dt.datetime | None
    returned_at: dt.datetime | None
    notes: str


def _day_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if date_from > date_to:
        raise ValueError("Khoảng ngày không hợp lệ: ngày bắt đầu sau ngày kết thúc.")
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=VN_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ)
    return start, end


def register_dossiers(agency: Agency, date_from: dt.date, date_to: dt.date) -> QuerySet[Dossier]:
    """Dossiers received by ``agency`` from ``date_from`` to ``date_to`` (whole days, Vietnam
    time), in order of reception."""
    start, end = _day_bounds(date_from, date_to)
    events = DossierEvent.objects.order_by("seq")
    return (
        Dossier.objects.filter(receiving_agency=agency, received_at__gte=start, received_at__lt=end)
        .select_related("procedure", "competent_agency")
        .prefetch_related(Prefetch("events", queryset=events, to_attr="register_events"))
        .order_by("received_at", "pk")
    )


def _register_notes(dossier: Dossier, events: list[DossierEvent]) -> str:
    notes = []
    if dossier.channel == "online":
        notes.append("Nộp trực tuyến")
    elif dossier.channel == "postal":
        notes.append("Nộp qua bưu chính")
    supplements = [e for e in events if e.action in SUPPLEMENT_ACTIONS]
    if supplements:
        notes.append(f"Yêu cầu bổ sung {len(supplements)} lần")
    if dossier.apologized_at and dossier.original_due_at:
        notes.append(f"Xin lỗi, hẹn lại (hẹn ban đầu {short_moment(dossier.original_due_at)})")
    for action, text in (
        (Action.REFUSE, "Từ chối"),
        (Action.STOP, "Dừng xử lý"),
        (Action.CONFIRM_WITHDRAWAL, "Rút hồ sơ"),
    ):
        event = _last(events, action)
        if event is not None:
            notes.append(f"{text}: {event.note}" if event.note else text)
    if dossier.result_delivery == ResultDelivery.POST:
        notes.append("Trả kết quả qua bưu chính")
    returned = _last(events, Action.RETURN_RESULT)
    if returned is not None and returned.data.get("receiver_name"):
        notes.append(f"Người nhận: {returned.data['receiver_name']}")
    if dossier.resolved_at and dossier.due_at and dossier.resolved_at > dossier.due_at:
        notes.append("Giải quyết quá hạn")
    return "; ".join(notes)


def register_rows(agency: Agency, date_from: dt.date, date_to: dt.date) -> list[RegisterRow]:
    """The lines of the register of ``agency`` for the range (see :func:`register_dossiers`).

    The transfer to the competent agency is the reception itself (the electronic system hands
    a received dossier over at once); the result comes back to the desk when it is issued.
    """
    rows = []
    for number, dossier in enumerate(register_dossiers(agency, date_from, date_to), start=1):
        events = dossier.register_events
        received = _last(events, Action.RECEIVE)
        issued = _last(events, Action.ISSUE_RESULT)
        contact = [dossier.applicant_address, dossier.applicant_phone, dossier.applicant_email]
        rows.append(
            RegisterRow(
                number=number,
                code=dossier.code,
                procedure=dossier.procedure.name,
                applicant=dossier.applicant_name,
                contact=", ".join(part for part in contact if part),
                competent_agency=dossier.competent_agency.name,
                received_at=dossier.received_at,
                due_at=dossier.due_at,
                transferred_at=received.at if received else dossier.received_at,
                result_received_at=issued.at if issued else dossier.resolved_at,
                returned_at=dossier.returned_at,
                notes=_register_notes(dossier, events),
            )
        )
    return rows


REGISTER_COLUMNS = [
    ("STT", 5),
    ("Mã hồ sơ", 24),
    ("Tên thủ tục hành chính", 36),
    ("Tên người nộp hồ sơ", 22),
    ("Địa chỉ, số điện thoại", 30),
    ("Cơ quan chủ trì giải quyết", 26),
    ("Nhận hồ sơ", 17),
    ("Hẹn trả kết quả", 17),
    ("Chuyển hồ sơ đến cơ quan giải quyết", 17),
    ("Nhận kết quả từ cơ quan giải quyết", 17),
    ("Trả kết quả cho tổ chức, cá nhân", 17),
    ("Ghi chú", 30),
]


def _cell(moment: dt.datetime | None) -> dict[str, str]:
    """A moment for a narrow register cell: the time on one line, the date on the next."""
    if moment is None:
        return {"time": "", "date": ""}
    return {"time": vn_time(moment), "date": f"{local(moment):%d/%m/%Y}"}


def _register_context(agency: Agency, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    rows = register_rows(agency, date_from, date_to)
    return {
        "header": header_for(agency, timezone.now(), one_stop=True),
        "agency": agency,
        "form": "05",
        "form_title": FORM_TITLES["05"],
        "legal_basis": LEGAL_BASIS,
        "date_from": vn_date(date_from),
        "date_to": vn_date(date_to),
        "columns": [name for name, _width in REGISTER_COLUMNS],
        "rows": [
            {
                "row": row,
                "moments": [
                    _cell(moment)
                    for moment in (
                        row.received_at,
                        row.due_at,
                        row.transferred_at,
                        row.result_received_at,
                        row.returned_at,
                    )
                ],
            }
            for row in rows
        ],
    }


def register_html(agency: Agency, date_from: dt.date, date_to: dt.date) -> str:
    """The HTML of the register (Form 05) of ``agency`` for the range."""
    context = _register_context(agency, date_from, date_to)
    with translation.override("vi"):
        return render_to_string("dossiers/forms/form05.html", context)


def register_pdf(agency: Agency, date_from: dt.date, date_to: dt.date) -> bytes:
    """The register (Form 05, Sổ theo dõi hồ sơ) of dossiers received by ``agency`` from
    ``date_from`` to ``date_to`` (inclusive, Vietnam time), as an A4 landscape PDF."""
    title = (
        f"Mẫu số 05 — {FORM_TITLES['05']} — {agency.code} {date_from:%d/%m/%Y}–{date_to:%d/%m/%Y}"
    )
    return render_pdf(register_html(agency, date_from, date_to), title=title)


def _naive(moment: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: Vietnam wall-clock time."""
    return local(moment).replace(tzinfo=None) if moment else None


def register_xlsx(agency: Agency, date_from: dt.date, date_to: dt.date) -> bytes:
    """The register (Form 05) as an Excel workbook: a title block, one header row and one row
    per dossier, moments as real date-times (Vietnam time), ready to print on A4 landscape."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    rows = register_rows(agency, date_from, date_to)
    book = Workbook()
    sheet = book.active
    sheet.title = "So theo doi ho so"
    last_column = get_column_letter(len(REGISTER_COLUMNS))
    bold = Font(name="DejaVu Serif", bold=True)
    plain = Font(name="DejaVu Serif")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    title_lines = [
        (agency.name.upper(), bold),
        (
            f"{FORM_TITLES['05']} (Mẫu số 05 — {LEGAL_BASIS})",
            Font(name="DejaVu Serif", bold=True, size=14),
        ),
        (f"Hồ sơ tiếp nhận từ {vn_date(date_from)} đến {vn_date(date_to)}", plain),
    ]
    for line, (text, font) in enumerate(title_lines, start=1):
        sheet.merge_cells(f"A{line}:{last_column}{line}")
        cell = sheet.cell(row=line, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
    header_row = len(title_lines) + 2
    for column, (name, width) in enumerate(REGISTER_COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=column, value=name)
        cell.font, cell.alignment, cell.border = bold, centre, box
        sheet.column_dimensions[get_column_letter(column)].width = width
    moment_format = "dd/mm/yyyy hh:mm"
    for offset, row in enumerate(rows, start=1):
        values = [
            row.number,
            row.code,
            row.procedure,
            row.applicant,
            row.contact,
            row.competent_agency,
            _naive(row.received_at),
            _naive(row.due_at),
            _naive(row.transferred_at),
            _naive(row.result_received_at),
            _naive(row.returned_at),
            row.notes,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=header_row + offset, column=column, value=value)
            cell.font, cell.alignment, cell.border = plain, wrap, box
            if isinstance(value, dt.datetime):
                cell.number_format = moment_format
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.properties.title = f"{FORM_TITLES['05']} — {agency.name}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""Printing the one-stop forms (DOMAIN.md §5) from a dossier and its history.

* :func:`form_pdf` — the forms of one dossier: receipt and appointment, request to supplement,
  refusal, apology, notice of stopping and processing control sheet;
* :func:`register_pdf` and :func:`register_xlsx` — the dossier register of one receiving
  agency over a range of days.

Which version of a form is printed — its number, title, legal basis and template — comes from
:mod:`motcua.dossiers.legal_forms`: the version in force on the day of the event the form
documents (Circular 01/2018/TT-VPCP, then Circular 03/2025/TT-VPCP). Every form names its
legal basis at the top ("Mẫu số 01 – Thông tư 03/2025/TT-VPCP").

Everything printed comes from the dossier and its append-only events (ARCHITECTURE.md: "the
Form 06 control sheet and the register (Form 05) are views over these events"); the control
sheet prints one row per internal step from :func:`motcua.dossiers.steps.step_history`.
Nothing here writes. The forms are legal documents in Vietnamese whatever the interface
language: their text is Vietnamese on purpose and is not translated. Moments are printed in
Vietnam time, dates as "ngày dd tháng mm năm yyyy" and times as "HH giờ MM phút".

PDFs are rendered by WeasyPrint from the templates in ``templates/dossiers/forms/`` with the
stylesheet ``static/motcua/forms.css`` (A4, DejaVu Serif: Debian ``fonts-dejavu-core``; at run
time WeasyPrint needs Pango, Debian ``libpango-1.0-0`` and ``libpangoft2-1.0-0``). Each form
carries a QR code (segno, inline SVG) of the public lookup page with the dossier code filled
in (``lookup_url``, based on ``MOTCUA_PUBLIC_URL``).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from motcua.catalog.models import DurationUnit
from motcua.core.worktime import VN_TZ
from motcua.dossiers import steps
from motcua.dossiers.codes import parse_code
from motcua.dossiers.legal_forms import FormKind, FormVersion, kind_of, version_for
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    ResultDelivery,
    Status,
)
from motcua.dossiers.transitions import TABLE, Action
from motcua.organizations.models import Agency, AgencyKind

__all__ = [
    "control_rows",
    "form_html",
    "form_pdf",
    "register_html",
    "register_pdf",
    "register_rows",
    "register_xlsx",
]

ONE_STOP_UNIT = "Bộ phận tiếp nhận và trả kết quả"
STYLESHEET = "motcua/forms.css"

EARLY, ON_TIME, LATE = "Trước hạn", "Đúng hạn", "Quá hạn"
# The outcome of steps.outcome() as the forms print it (fixed Vietnamese, like the forms).
OUTCOME_TEXT = {steps.EARLY: EARLY, steps.ON_TIME: ON_TIME, steps.LATE: LATE}

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


def lookup_url(code: str) -> str:
    """The public lookup page with the dossier code filled in (the QR code of every form):
    scanning it asks only for the last four digits of the applicant's phone or ID number."""
    path = reverse("portal:lookup")
    return f"{settings.MOTCUA_PUBLIC_URL}{path}?{urlencode({'ma': code})}"


def qr_svg(text: str) -> SafeString:
    """An inline SVG QR code of ``text``, sized by the stylesheet (``.qr svg``)."""
    svg = segno.make(text, error="m").svg_inline(omitsize=True, border=1, dark="#000")
    # segno builds the SVG itself; ``text`` is encoded in the modules, never written as markup.
    return mark_safe(svg)  # noqa: S308


def timeliness(done: dt.datetime | None, due: dt.datetime | None) -> str:
    """Early / on time / late of work finished at ``done`` against ``due``, by the rule of
    :func:`motcua.dossiers.steps.outcome` (late after the due moment, early when finished on
    an earlier day, Vietnam time, on time otherwise); empty when either is unknown."""
    return OUTCOME_TEXT.get(steps.outcome(done, due) or "", "")


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


def _base_context(dossier: Dossier) -> dict[str, Any]:
    return {
        "dossier": dossier,
        "applicant": _applicant(dossier),
        "procedure": _procedure(dossier),
        "qr": qr_svg(lookup_url(dossier.code)),
    }


def _version_context(version: FormVersion) -> dict[str, Any]:
    return {
        "form": version.number,
        "form_title": version.title,
        "form_mark": version.mark,
        "legal_basis": version.basis.circular,
        "version": version,
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
        "event_at": received.at,
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
        "event_at": request.at,
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
        "event_at": refusal.at,
        "header": header_for(agency, refusal.at, one_stop=at_desk),
        "agency": agency,
        "at_desk": at_desk,
        "refused_at": vn_moment(refusal.at),
        "submitted_at": vn_moment(dossier.submitted_at),
        "reason": refusal.note,
        "officer": refusal.actor_name,
        "signer_title": "NGƯỜI TIẾP NHẬN HỒ SƠ" if at_desk else "THỦ TRƯỞNG CƠ QUAN",
    }


# --- Form 04: apology (and request to extend) ------------------------------------------------


def _form04(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    """The apology with the new appointment: "hẹn lại ngày trả kết quả" in the 2018 form,
    "đề nghị gia hạn thời gian giải quyết" in the 2025 one; the same facts fill both."""
    apology = _last(events, Action.APOLOGIZE)
    if apology is None or dossier.received_at is None:
        raise ValueError(
            "Hồ sơ chưa có văn bản xin lỗi và hẹn lại ngày trả kết quả: không có Phiếu xin lỗi "
            "(Mẫu số 04) để in."
        )
    original = _moment_from_data(apology.data.get("original_due_at")) or dossier.original_due_at
    new_due = _moment_from_data(apology.data.get("new_due_at")) or dossier.due_at
    agency = apology.agency or dossier.competent_agency
    return {
        "event_at": apology.at,
        "header": header_for(agency, apology.at),
        "agency": agency,
        "receiving_agency": dossier.receiving_agency,
        "received_on": vn_date(dossier.received_at),
        "received_at": vn_moment(dossier.received_at),
        "original_due": vn_moment(original, "Chưa xác định"),
        "new_due": vn_moment(new_due),
        "reason": apology.note or dossier.apology_reason,
    }


# --- notice of stopping (Circular 03/2025) ----------------------------------------------------


def _stop_notice(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    """The notice that the competent agency stops handling the dossier (status 8), with the
    reason given when stopping."""
    stop = _last(events, Action.STOP)
    if stop is None or dossier.stopped_at is None:
        raise ValueError(
            "Hồ sơ không bị dừng xử lý: không có Thông báo dừng giải quyết hồ sơ để in."
        )
    agency = stop.agency or dossier.competent_agency
    return {
        "event_at": stop.at,
        "header": header_for(agency, stop.at),
        "agency": agency,
        "receiving_agency": dossier.receiving_agency,
        "received_on": vn_date(dossier.received_at) if dossier.received_at else "",
        "submitted_at": vn_moment(dossier.submitted_at),
        "stopped_at": vn_moment(stop.at),
        "reason": stop.note,
        "desk": desk_name(dossier.receiving_agency),
    }


# --- Form 06: the processing control sheet ---------------------------------------------------


@dataclass
class ControlRow:
    """One hand-over of the dossier on the control sheet (Form 06): who gave it, who received
    it and when, and — for a step — its due moment, when it was done and how (early / on
    time / late)."""

    number: int
    giver_agency: str
    receiver_agency: str
    at: dt.datetime
    giver: str
    receiver: str
    due_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    result: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def moment(self) -> str:
        return vn_moment(self.at)

    @property
    def due(self) -> str:
        return short_moment(self.due_at)

    @property
    def finished(self) -> str:
        return short_moment(self.finished_at)


# Events printed as rows of their own (the hand-overs); every other event after the reception
# is written in the notes of the row open at that moment.
ROW_ACTIONS = frozenset(
    {
        Action.RECEIVE,
        Action.ISSUE_RESULT,
        Action.RETURN_RESULT,
        Action.REQUEST_CONSULTATION,
        Action.ANSWER_CONSULTATION,
    }
)
# Events that are not a step of the dossier's handling (a scan attached to a component).
SILENT_ACTIONS = frozenset({"attach_file"})


def _action_label(action: str) -> str:
    try:
        return str(TABLE[Action(action)].label)
    except (ValueError, KeyError):
        return action


def _event_note(event: DossierEvent) -> str:
    """'Yêu cầu bổ sung hồ sơ (10 giờ 15 phút, 03/03/2026): Thiếu giấy chứng sinh; cần bổ
    sung: Giấy chứng sinh' — an event that hands nothing over, as a note."""
    text = f"{_action_label(event.action)} ({short_moment(event.at)})"
    if event.note:
        text = f"{text}: {event.note}"
    if event.action in SUPPLEMENT_ACTIONS:
        items = "; ".join(i["name"] for i in _supplement_items((event.data or {}).get("items")))
        if items:
            text = f"{text}; cần bổ sung: {items}"
    return text


def _step_row(record: steps.StepRecord, competent: Agency) -> ControlRow:
    consultation = record.position is None
    return ControlRow(
        number=0,
        giver_agency=competent.name,
        receiver_agency=record.agency.name,
        at=record.given_at,
        giver=record.giver_name,
        receiver=record.receiver_name,
        due_at=record.due_at,
        finished_at=record.finished_at,
        result=OUTCOME_TEXT.get(record.outcome or "", ""),
        notes=[record.name if consultation else f"Bước {record.position}: {record.name}"]
        + ([record.note] if record.note else []),
    )


def control_rows(dossier: Dossier, events: list[DossierEvent] | None = None) -> list[ControlRow]:
    """The hand-overs of a received dossier, in order (Form 06).

    * the reception: the one-stop desk hands the dossier to the competent agency;
    * one row per internal step and per consultation of another agency, from
      :func:`motcua.dossiers.steps.step_history`: given by the officer who moved the dossier
      into the step, received by the step's assignee, with the step's due moment, when it was
      done and its result (early / on time / late);
    * the result issued back to the desk, and the result returned to the applicant, both
      measured against the dossier's appointment.

    Events that hand nothing over (supplement requests, apologies, fees, drafts, withdrawal,
    stop) go into the notes of the row open when they happened.
    """
    events = _events(dossier) if events is None else events
    start = next((i for i, e in enumerate(events) if e.action == Action.RECEIVE), None)
    if start is None:
        return []
    received = events[start]
    events = events[start:]
    competent = dossier.competent_agency
    desk = desk_name(dossier.receiving_agency)
    records = steps.step_history(dossier, events)

    rows = [
        ControlRow(
            number=0,
            giver_agency=desk,
            receiver_agency=competent.name,
            at=received.at,
            giver=received.actor_name,
            receiver=records[0].giver_name if records else "",
            notes=["Tiếp nhận hồ sơ, chuyển cơ quan giải quyết"],
        )
    ]
    rows += [_step_row(record, competent) for record in records]
    issued = _last(events, Action.ISSUE_RESULT)
    returned = _last(events, Action.RETURN_RESULT)
    if issued is not None:
        rows.append(
            ControlRow(
                number=0,
                giver_agency=competent.name,
                receiver_agency=desk,
                at=issued.at,
                giver=issued.actor_name,
                receiver=returned.actor_name if returned is not None else "",
                due_at=dossier.due_at,
                finished_at=issued.at,
                result=timeliness(issued.at, dossier.due_at),
                notes=["Vào số, phát hành kết quả, chuyển Bộ phận tiếp nhận và trả kết quả"],
            )
        )
    if returned is not None:
        by_post = dossier.result_delivery == ResultDelivery.POST
        receiver = (returned.data or {}).get("receiver_name") or (
            "Dịch vụ bưu chính công ích" if by_post else dossier.applicant_name
        )
        rows.append(
            ControlRow(
                number=0,
                giver_agency=desk,
                receiver_agency="Tổ chức, cá nhân",
                at=returned.at,
                giver=returned.actor_name,
                receiver=receiver,
                due_at=dossier.due_at,
                finished_at=returned.at,
                result=timeliness(returned.at, dossier.due_at),
                notes=["Trả kết quả cho tổ chức, cá nhân"],
            )
        )
    # Python's sort is stable: rows given at the same moment keep the order above.
    rows.sort(key=lambda row: row.at)
    for number, row in enumerate(rows, start=1):
        row.number = number

    for event in events[1:]:
        if event.action in ROW_ACTIONS or event.action in SILENT_ACTIONS:
            continue
        data = event.data or {}
        if "step" in data and "step_name" in data:
            continue  # the event that entered a step: that step's row
        open_row = rows[0]
        for row in rows:
            if row.at <= event.at:
                open_row = row
        open_row.notes.append(_event_note(event))
    return rows


def _form06(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    if dossier.received_at is None or not any(e.action == Action.RECEIVE for e in events):
        raise ValueError(
            "Hồ sơ chưa được tiếp nhận: chưa có Phiếu kiểm soát quá trình giải quyết hồ sơ "
            "(Mẫu số 06) để in."
        )
    volume, number = register_entry(dossier)
    return {
        "event_at": dossier.received_at,
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


_BUILDERS: dict[FormKind, Callable[[Dossier, list[DossierEvent]], dict[str, Any]]] = {
    FormKind.RECEIPT: _form01,
    FormKind.SUPPLEMENT: _form02,
    FormKind.REFUSAL: _form03,
    FormKind.APOLOGY: _form04,
    FormKind.STOP: _stop_notice,
    FormKind.CONTROL: _form06,
}


def _render(dossier: Dossier, form: str) -> tuple[FormVersion, str]:
    kind = kind_of(form)
    context = _BUILDERS[kind](dossier, _events(dossier))
    version = version_for(kind, context.pop("event_at"))
    context = _base_context(dossier) | _version_context(version) | context
    with translation.override("vi"):
        return version, render_to_string(version.template, context)


def form_html(dossier: Dossier, form: str) -> str:
    """The HTML of ``form`` for ``dossier``: a kind of :class:`~motcua.dossiers.legal_forms.
    FormKind` (``tiep-nhan``, ``dung-xu-ly``…) or a number of Circular 01/2018 (``01``…),
    in the version in force on the day of the event it documents.

    Raises ValueError (Vietnamese message) for an unknown form, one that does not apply to
    the dossier (e.g. an apology without an apology) or one not yet issued on that day.
    """
    return _render(dossier, form)[1]


def form_pdf(dossier: Dossier, form: str) -> bytes:
    """``form`` of ``dossier`` (see :func:`form_html`) as an A4 PDF.

    Raises ValueError (Vietnamese message) when the form does not apply to the dossier.
    """
    version, html = _render(dossier, form)
    title = f"{version.mark} — {version.title} — {dossier.code}"
    return render_pdf(html, title=title)


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


def register_version(date_to: dt.date) -> FormVersion:
    """The register form in force on the last day of the range printed."""
    return version_for(FormKind.REGISTER, date_to)


def _register_context(agency: Agency, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    rows = register_rows(agency, date_from, date_to)
    version = register_version(date_to)
    return _version_context(version) | {
        "header": header_for(agency, timezone.now(), one_stop=True),
        "agency": agency,
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
        return render_to_string(context["version"].template, context)


def register_pdf(agency: Agency, date_from: dt.date, date_to: dt.date) -> bytes:
    """The register (Sổ theo dõi hồ sơ: Form 05 of 2018, Form 07 of 2025) of dossiers
    received by ``agency`` from ``date_from`` to ``date_to`` (inclusive, Vietnam time), as an
    A4 landscape PDF."""
    version = register_version(date_to)
    title = (
        f"{version.mark} — {version.title} — {agency.code} {date_from:%d/%m/%Y}–{date_to:%d/%m/%Y}"
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
    version = register_version(date_to)
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
            f"{version.title} ({version.mark})",
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
    book.properties.title = f"{version.title} — {agency.name}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

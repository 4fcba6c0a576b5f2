"""What each dossier change tells the applicant, in Vietnamese: the e-mail (plain text with an
HTML alternative) and the SMS, rendered from ``templates/notifications/``.

The facts come from the outbox row (a snapshot written with the change: status, moment,
appointment, note) and from the dossier event of the same sequence (supplement items, amount
due, new appointment), so a message relayed late still tells what happened then.

SMS are sent **without diacritics, in the GSM 7-bit alphabet, at most 160 characters** (one
segment): Vietnamese gateways charge per segment and a single accented letter switches the
whole message to UCS-2, where one segment holds only 70 characters (docs/decisions.md). The
templates put the essentials first; a long reason or item list is cut with "...".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Channel
from motcua.dossiers.models import ApplicantType, Dossier, OutboxMessage
from motcua.notifications.models import EventGroup

SMS_MAX = 160
# The GSM 03.38 basic set restricted to printable ASCII: the characters `[]{}\^~|` take two
# septets each (escape table) and the backtick is not in the alphabet.
_GSM_SAFE = set(
    " !\"#%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz$\n"
)
_PUNCTUATION = {
    "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "•": "-",
    "[": "(", "]": ")", "{": "(", "}": ")", "|": "/", "~": "-", "\\": "/", "^": "", "`": "'",
}  # fmt: skip
PORTAL_TIME = "%d/%m/%Y %H:%M:%S"


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its template name, its preference group, its subject."""

    key: str
    group: str
    subject: Any


KINDS = {
    kind.key: kind
    for kind in [
        Kind("submitted_online", EventGroup.PROGRESS, _("Hồ sơ %(code)s đã được nộp trực tuyến")),
        Kind("submitted", EventGroup.PROGRESS, _("Hồ sơ %(code)s đã được ghi nhận")),
        Kind("received", EventGroup.PROGRESS, _("Hồ sơ %(code)s đã được tiếp nhận")),
        Kind(
            "supplement_at_reception",
            EventGroup.ACTION,
            _("Hồ sơ %(code)s cần bổ sung, hoàn thiện"),
        ),
        Kind("supplement", EventGroup.ACTION, _("Hồ sơ %(code)s cần bổ sung giấy tờ")),
        Kind("payment", EventGroup.ACTION, _("Hồ sơ %(code)s: đề nghị nộp phí, lệ phí")),
        Kind("apology", EventGroup.PROGRESS, _("Hồ sơ %(code)s: thư xin lỗi và hẹn lại ngày trả")),
        Kind("refused", EventGroup.OUTCOME, _("Hồ sơ %(code)s không được tiếp nhận")),
        Kind("stopped", EventGroup.OUTCOME, _("Hồ sơ %(code)s đã dừng xử lý")),
        Kind("result_ready", EventGroup.OUTCOME, _("Hồ sơ %(code)s đã có kết quả")),
    ]
}

ACTION_KINDS = {
    "receive": "received",
    "request_supplement_at_reception": "supplement_at_reception",
    "request_supplement": "supplement",
    "require_payment": "payment",
    "apologize": "apology",
    "refuse": "refused",
    "stop": "stopped",
    "issue_result": "result_ready",
}


def kind_for(action: str, dossier: Dossier) -> Kind | None:
    """The notification an action calls for, or None.

    A dossier registered at the desk (channel "direct") gets no "submitted" message: the
    applicant stands at the desk and the receipt (Form 01) follows at once. An online one gets
    the official receipt time (Decree 45/2020 Art. 11); a postal one learns that it arrived.
    """
    if action == "submit":
        if dossier.channel == Channel.ONLINE:
            return KINDS["submitted_online"]
        if dossier.channel == Channel.POSTAL:
            return KINDS["submitted"]
        return None
    key = ACTION_KINDS.get(action)
    return KINDS[key] if key else None


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    sms: str


def _portal_moment(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        naive = dt.datetime.strptime(str(value), PORTAL_TIME)
    except ValueError:
        return _iso_moment(value)
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _iso_moment(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def show_moment(value: dt.datetime | None) -> str:
    """``08:00 ngày 03/03/2026``: how the forms write a moment."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(time)s ngày %(date)s") % {
        "time": local.strftime("%H:%M"),
        "date": local.strftime("%d/%m/%Y"),
    }


def show_money(amount: Any) -> str:
    """``1500000`` → ``1.500.000 đồng`` (the dot groups thousands in Vietnamese)."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    return _("%(amount)s đồng") % {"amount": f"{value:,}".replace(",", ".")}


def site_url(path: str = "") -> str:
    return settings.MOTCUA_SITE_URL.rstrip("/") + path


def _receipt_moment(dossier: Dossier) -> dt.datetime | None:
    # The portal owns the rule (office hours, the online channel's cut-off).
    from motcua.portal.submission import official_receipt

    return official_receipt(dossier)


def context_for(kind: Kind, message: OutboxMessage, dossier: Dossier) -> dict[str, Any]:
    """Everything the templates of ``kind`` may show, from the outbox row's snapshot and the
    event's data."""
    payload = message.payload or {}
    seq = _event_seq(message)
    event = dossier.events.filter(seq=seq).first() if seq else None
    data = (event.data if event else None) or {}
    context: dict[str, Any] = {
        "kind": kind.key,
        "code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "procedure_name": dossier.procedure.name,
        "summary": dossier.summary,
        "receiving_agency": dossier.receiving_agency.name,
        "competent_agency": dossier.competent_agency.name,
        "at": show_moment(_portal_moment(payload.get("ThoiDiem"))),
        "due": show_moment(_portal_moment(payload.get("NgayHenTra"))),
        "note": (payload.get("GhiChu") or "").strip(),
        "items": [str(item) for item in data.get("items") or []],
        "amount": show_money(data.get("amount_vnd")),
        "original_due": show_moment(_iso_moment(data.get("original_due_at"))),
        "new_due": show_moment(_iso_moment(data.get("new_due_at"))),
        "delivery": dossier.get_result_delivery_display(),
        "site_url": site_url(),
        "preferences_url": site_url(reverse("notifications:preferences")),
        "has_account": dossier.applicant_user_id is not None,
        "is_organisation": dossier.applicant_type != ApplicantType.CITIZEN,
    }
    if kind.key == "submitted_online":
        context["receipt"] = show_moment(_receipt_moment(dossier))
    return context


def _event_seq(message: OutboxMessage) -> int | None:
    """The event sequence inside the outbox key ``<dossier code>:<seq>:<topic>``."""
    parts = message.key.rsplit(":", 2)
    try:
        return int(parts[-2])
    except (IndexError, ValueError):
        return None


def unaccent(text: str) -> str:
    """Vietnamese without diacritics, case kept: 'Hồ sơ Đã' → 'Ho so Da'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def sms_text(text: str, limit: int = SMS_MAX) -> str:
    """One GSM 7-bit segment: no diacritics, safe characters only, spaces collapsed, cut at a
    word boundary with "..." beyond ``limit`` characters."""
    plain = unaccent(text)
    plain = "".join(_PUNCTUATION.get(ch, ch) for ch in plain)
    plain = "".join(ch for ch in plain if ch in _GSM_SAFE)
    plain = re.sub(r"\s+", " ", plain).strip()
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 3]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-") + "..."


def compose(kind: Kind, message: OutboxMessage, dossier: Dossier) -> Rendered:
    """The e-mail (subject, text, HTML) and the SMS of ``kind``, always in Vietnamese: the
    official language, and the applicant's language is not known for a walk-in (an officer
    working in English must not send English mail)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render(kind, context_for(kind, message, dossier))


def render(kind: Kind, context: dict[str, Any]) -> Rendered:
    """Render ``kind``'s templates with ``context`` in the active language."""
    subject = str(kind.subject) % {"code": context["code"]}
    text = _tidy(render_to_string(f"notifications/email/{kind.key}.txt", context))
    html = render_to_string("notifications/email/message.html", {"subject": subject, "text": text})
    sms = render_to_string(f"notifications/sms/{kind.key}.txt", context)
    return Rendered(subject=subject, text=text, html=html, sms=sms_text(sms))


def _tidy(text: str) -> str:
    """Template tags leave blank lines behind: at most one empty line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"

"""Public dossier lookup without signing in (tra cứu hồ sơ, ``/tra-cuu/`` and
``GET /api/v1/lookup``): the dossier code plus the last four digits of the applicant's phone
number or ID number.

* **No enumeration**: a wrong code and a wrong secret get the same answer; the secret is
  compared in constant time with both candidates every time, also when the code is unknown.
* **Rate limit per client address** (``MOTCUA_LOOKUP_PER_MINUTE``, 20 by default), page and API
  together (``core.ratelimit``).
* **Shows the status and the timeline only**: no name, no ID number, no reasons or requested
  items (those may describe the applicant), no files.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.core import ratelimit
from motcua.dossiers.models import Dossier
from motcua.portal import tracking

SECRET_DIGITS = 4
_SECRET = re.compile(r"^\d{4}$")
_DUMMY = "\x00" * SECRET_DIGITS  # never equal to four digits


def per_minute() -> int:
    return int(getattr(settings, "MOTCUA_LOOKUP_PER_MINUTE", 20))


def count_attempt(request: HttpRequest) -> None:
    """Count one lookup from the request's address; raises ``RateLimited`` past the limit."""
    ratelimit.count_attempt(request, "lookup", per_minute())


def rate_limit_message() -> str:
    return _("Bạn đã tra cứu quá nhiều lần trong một phút. Vui lòng chờ một phút rồi thử lại.")


def not_found_message() -> str:
    """The one answer for a wrong code and a wrong secret."""
    return _(
        "Không tìm thấy hồ sơ khớp với mã hồ sơ và 4 số cuối đã nhập. Hãy kiểm tra lại mã trên "
        "giấy tiếp nhận và 4 số cuối của số điện thoại hoặc số giấy tờ của người nộp."
    )


def clean_code(value: Any) -> str:
    return " ".join(str(value or "").split()).upper()[:64]


def check_input(code: str, secret: str) -> dict[str, str]:
    """Form errors that do not depend on any dossier (so they reveal nothing)."""
    errors = {}
    if not code:
        errors["code"] = _("Nhập mã hồ sơ.")
    if not _SECRET.match(secret or ""):
        errors["secret"] = _("Nhập đúng 4 chữ số cuối.")
    return errors


def _last_digits(value: str) -> str:
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return digits[-SECRET_DIGITS:] if len(digits) >= SECRET_DIGITS else _DUMMY


def find(code: str, secret: str) -> Dossier | None:
    """The dossier ``code`` when ``secret`` is the last four digits of its applicant's phone
    or ID number; ``None`` otherwise, after the same work in every case."""
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_agency", "competent_agency")
        .filter(code=clean_code(code))
        .first()
    )
    phone = _last_digits(dossier.applicant_phone) if dossier else _DUMMY
    number = _last_digits(dossier.applicant_id_number) if dossier else _DUMMY
    given = (secret or "").encode()
    by_phone = hmac.compare_digest(given, phone.encode())
    by_number = hmac.compare_digest(given, number.encode())
    return dossier if dossier is not None and (by_phone or by_number) else None


@dataclass
class PublicView:
    """What the lookup shows."""

    code: str
    procedure: str
    receiving_agency: str
    competent_agency: str
    status: int
    status_label: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    due_text: str
    paused: bool
    timeline: list[tracking.Step]


def public_view(dossier: Dossier) -> PublicView:
    return PublicView(
        code=dossier.code,
        procedure=dossier.procedure.name,
        receiving_agency=dossier.receiving_agency.name,
        competent_agency=dossier.competent_agency.name,
        status=dossier.status,
        status_label=tracking.citizen_status(dossier),
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        due_text=tracking.due_text(dossier),
        paused=dossier.paused_since is not None,
        timeline=tracking.timeline(dossier, public=True),
    )

"""Dossier codes (Circular 01/2018 Art. 19): ``<agency electronic identifier>-YYMMDD-XXXX``.

The sequence is per agency and reception day, issued by one atomic upsert on the counter row:
concurrent receptions wait for each other on that row only, never get the same number, and a
rolled-back reception takes its increment back with it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from motcua.organizations.models import AGENCY_CODE_RE, Agency

_CODE_RE = re.compile(r"^(?P<agency>.+)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


@dataclass(frozen=True)
class DossierCode:
    agency_code: str
    day: dt.date
    sequence: int

    def __str__(self) -> str:
        return format_code(self.agency_code, self.day, self.sequence)


def format_code(agency_code: str, day: dt.date, sequence: int) -> str:
    """``H22.6688.1-260213-0001``: four digits at least, more past 9,999 a day."""
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{agency_code}-{day:%y%m%d}-{sequence:04d}"


def parse_code(code: str) -> DossierCode | None:
    """The parts of a well-formed dossier code, or None."""
    match = _CODE_RE.match(code or "")
    if not match or not AGENCY_CODE_RE.fullmatch(match["agency"]):
        return None
    digits = match["day"]
    try:
        # Two-digit years are this century's (strptime would read 69–99 as 19xx).
        day = dt.date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError:
        return None
    sequence = int(match["seq"])
    return DossierCode(match["agency"], day, sequence) if sequence >= 1 else None


def issue_code(agency: Agency, at: dt.datetime) -> str:
    """Take the next number of ``agency`` for the Vietnam-time day of ``at``.

    Must run inside the transaction that stores the dossier.
    """
    day = timezone.localtime(at).date()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO dossiers_dossiercodecounter (agency_id, day, last) VALUES (%s, %s, 1)
            ON CONFLICT (agency_id, day)
            DO UPDATE SET last = dossiers_dossiercodecounter.last + 1
            RETURNING last
            """,
            [agency.pk, day],
        )
        (sequence,) = cursor.fetchone()
    return format_code(agency.code, day, sequence)

"""``manage.py due_date`` and ``due_date_from_params`` (which the API calls): ISO 8601 with
+07:00 out, a clear Vietnamese message for every bad input."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.core.calendars import due_date_from_params
from motcua.core.models import CalendarOverride, CalendarOverrideKind
from motcua.core.worktime import WorktimeError
from tests.helpers import get_agency

pytestmark = pytest.mark.django_db


def due_date(*args: str) -> str:
    out = StringIO()
    call_command("due_date", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize(
    ("args", "printed"),
    [
        (
            ["--start", "2026-02-13T10:00", "--value", "5", "--unit", "working_days"],
            "2026-02-27T17:00:00+07:00",
        ),
        (
            ["--start", "2026-02-13T03:00:00Z", "--value", "5", "--unit", "working_days"],
            "2026-02-27T17:00:00+07:00",
        ),
        (
            ["--start", "2026-03-02T16:30:00+07:00", "--value", "1", "--unit", "working_days"]
            + ["--cutoff", "16:00"],
            "2026-03-04T17:00:00+07:00",
        ),
        (
            ["--start", "2026-03-02 16:00", "--value", "2", "--unit", "working_hours"]
            + ["--agency", "H22.6688.1"],
            "2026-03-03T08:30:00+07:00",
        ),
        (
            ["--start", "2026-08-21T10:00", "--value", "1", "--unit", "working_days"],
            "2026-08-22T17:00:00+07:00",
        ),
        (
            ["--start", "2026-01-15", "--value", "1", "--unit", "months", "--agency", "h22.30"],
            "2026-02-23T17:00:00+07:00",
        ),
        (
            ["--start", "2026-03-02T10:00", "--value", "0.5", "--unit", "working_days"],
            "2026-03-03T11:15:00+07:00",
        ),
        (
            ["--start", "2026-03-06T16:00", "--value", "8", "--unit", "hours"],
            "2026-03-07T00:00:00+07:00",
        ),
    ],
)
def test_prints_the_due_moment_in_iso_8601(args, printed):
    assert due_date(*args) == printed


def test_uses_the_agency_calendar():
    CalendarOverride.objects.create(
        date=dt.date(2026, 3, 3),
        kind=CalendarOverrideKind.DAY_OFF,
        agency=get_agency("H22.03"),
        reason="Nghỉ theo quyết định của Giám đốc Sở",
    )
    args = ["--start", "2026-03-02T10:00", "--value", "1", "--unit", "working_days"]
    assert due_date(*args) == "2026-03-03T17:00:00+07:00"
    assert due_date(*args, "--agency", "H22.03") == "2026-03-04T17:00:00+07:00"


@pytest.mark.parametrize(
    ("start", "value", "unit", "cutoff", "agency", "message"),
    [
        ("2026-02-13T10:00", "5", "weeks", None, None, "Đơn vị thời hạn không hợp lệ: «weeks»"),
        ("2026-02-13T10:00", "-5", "working_days", None, None, "không được là số âm"),
        ("2026-02-13T10:00", "năm", "working_days", None, None, "Giá trị thời hạn không hợp lệ"),
        ("2026-02-13T10:00", "1.5", "days", None, None, "phải là số nguyên"),
        ("2026-02-13T10:00", "99999", "working_days", None, None, "quá dài"),
        ("13/02/2026", "5", "working_days", None, None, "Thời điểm bắt đầu không hợp lệ"),
        ("2026-02-30T10:00", "5", "working_days", None, None, "Thời điểm bắt đầu không hợp lệ"),
        ("", "5", "working_days", None, None, "thời điểm bắt đầu"),
        ("1990-01-02T10:00", "5", "working_days", None, None, "các năm 2000–2100"),
        ("2026-02-13T10:00", "5", "working_days", "4pm", None, "Giờ chốt tiếp nhận không hợp lệ"),
        ("2026-02-13T10:00", "5", "working_days", None, "H99.1", "Không tìm thấy cơ quan"),
        ("2026-02-13T10:00", "5", "working_days", None, "H22\x00", "Không tìm thấy cơ quan"),
        ("2026-02-13T10:00", "5", "working_days", None, "x" * 500, "Không tìm thấy cơ quan"),
    ],
)
def test_bad_input(start, value, unit, cutoff, agency, message):
    with pytest.raises(WorktimeError, match=message):
        due_date_from_params(start, value, unit, cutoff, agency)
    args = ["--start", start, "--value", value, "--unit", unit]
    args += ["--cutoff", cutoff] if cutoff else []
    args += ["--agency", agency] if agency else []
    with pytest.raises(CommandError, match=message):
        due_date(*args)


def test_due_date_from_params_returns_an_aware_vietnam_moment():
    due = due_date_from_params("2026-02-13T10:00", "5", "working_days", None, None)
    assert due == dt.datetime(2026, 2, 27, 10, tzinfo=dt.UTC)
    assert due.isoformat() == "2026-02-27T17:00:00+07:00"
    # Blank optional parameters mean "none", as an empty query-string value would.
    assert due_date_from_params(" 2026-02-13T10:00 ", " 5 ", " working_days ", "", " ") == due


def test_missing_arguments_are_refused():
    with pytest.raises(CommandError):
        due_date("--start", "2026-02-13T10:00", "--value", "5")

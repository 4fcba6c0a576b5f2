"""An agency's working calendar from the database: reception-point hours, admin overrides (a
province-wide row, the agency's own row winning), the unique constraints and the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.core import worktime
from motcua.core.calendars import calendar_for
from motcua.core.models import CalendarOverride, CalendarOverrideKind
from motcua.core.worktime import VN_TZ, WorktimeError, add, is_working_day
from motcua.organizations.models import ReceptionPoint
from tests.helpers import get_agency

pytestmark = pytest.mark.django_db

DAY_OFF = CalendarOverrideKind.DAY_OFF
WORKING_DAY = CalendarOverrideKind.WORKING_DAY
D = dt.date


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def override(day: dt.date, kind: str, agency_code: str | None = None) -> CalendarOverride:
    agency = get_agency(agency_code) if agency_code else None
    return CalendarOverride.objects.create(date=day, kind=kind, agency=agency, reason="Kiểm thử")


def test_without_overrides_the_province_calendar_is_the_default():
    assert calendar_for(None) is worktime.default_calendar()
    cal = calendar_for(get_agency("H22.6688.1"))  # a demo desk with the default hours
    assert cal.weekdays == worktime.DEFAULT_WEEKDAYS
    assert cal.periods == worktime.DEFAULT_PERIODS
    assert add(at("2026-02-13 10:00"), 5, "working_days", cal) == at("2026-02-27 17:00")


def test_a_day_off_override_on_a_working_day_moves_deadlines():
    # Tuesday 3 March 2026 declared a province-wide day off.
    override(D(2026, 3, 3), DAY_OFF)
    for agency in (None, get_agency("H22.6688.1")):
        cal = calendar_for(agency)
        assert not is_working_day(D(2026, 3, 3), cal)
        assert add(at("2026-03-02 10:00"), 1, "working_days", cal) == at("2026-03-04 17:00")


def test_a_working_day_override_on_a_sunday_counts_for_that_agency_only():
    override(D(2026, 3, 8), WORKING_DAY, "H22.03")  # Sunday
    cal = calendar_for(get_agency("H22.03"))
    assert is_working_day(D(2026, 3, 8), cal)
    assert add(at("2026-03-06 10:00"), 1, "working_days", cal) == at("2026-03-08 17:00")
    assert add(at("2026-03-08 09:00"), 1, "working_hours", cal) == at("2026-03-08 10:00")
    others = calendar_for(get_agency("H22.30"))
    assert add(at("2026-03-06 10:00"), 1, "working_days", others) == at("2026-03-09 17:00")
    assert add(at("2026-03-06 10:00"), 1, "working_days", calendar_for(None)) == at(
        "2026-03-09 17:00"
    )


def test_the_agencys_own_override_wins_over_the_province_wide_one():
    override(D(2026, 3, 3), DAY_OFF)
    override(D(2026, 3, 3), WORKING_DAY, "H22.03")
    override(D(2026, 3, 10), WORKING_DAY)
    override(D(2026, 3, 10), DAY_OFF, "H22.03")
    own = calendar_for(get_agency("H22.03"))
    assert is_working_day(D(2026, 3, 3), own)
    assert not is_working_day(D(2026, 3, 10), own)
    other = calendar_for(get_agency("H22.30"))
    assert not is_working_day(D(2026, 3, 3), other)
    assert is_working_day(D(2026, 3, 10), other)


def test_overrides_beat_the_holidays_package():
    override(D(2026, 2, 16), WORKING_DAY, "H22.03")  # first day of Tết worked
    override(D(2026, 8, 22), DAY_OFF, "H22.03")  # the make-up Saturday cancelled
    cal = calendar_for(get_agency("H22.03"))
    assert is_working_day(D(2026, 2, 16), cal)
    assert add(at("2026-02-13 10:00"), 1, "working_days", cal) == at("2026-02-16 17:00")
    assert not is_working_day(D(2026, 8, 22), cal)
    assert add(at("2026-08-21 10:00"), 1, "working_days", cal) == at("2026-08-24 17:00")
    assert is_working_day(D(2026, 8, 22), calendar_for(None))


def test_reception_point_hours_and_weekdays():
    agency = get_agency("H22.03")
    ReceptionPoint.objects.filter(agency=agency).delete()
    ReceptionPoint.objects.create(
        agency=agency,
        name="Bộ phận một cửa (lưu trữ)",
        address="—",
        is_active=False,
        morning_open=dt.time(6),
    )
    ReceptionPoint.objects.create(
        agency=agency,
        name="Bộ phận một cửa Sở Tư pháp",
        address="Hồng Gai",
        weekdays=[0, 1, 2, 3, 4, 5],
        morning_open=dt.time(8),
        morning_close=dt.time(12),
        afternoon_open=dt.time(13),
        afternoon_close=dt.time(17, 30),
    )
    ReceptionPoint.objects.create(
        agency=agency, name="Quầy phụ", address="—", morning_open=dt.time(7)
    )
    cal = calendar_for(agency)
    assert cal.weekdays == frozenset(range(6))
    assert cal.periods == ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(17, 30)))
    assert cal.office_time_per_day == dt.timedelta(hours=8, minutes=30)
    assert add(at("2026-03-06 17:10"), 0, "working_days", cal) == at("2026-03-06 17:30")
    assert add(at("2026-03-06 17:10"), 1, "working_days", cal) == at("2026-03-07 17:30")
    assert add(at("2026-03-02 07:00"), 1, "working_hours", cal) == at("2026-03-02 09:00")
    assert add(at("2026-03-02 12:30"), 1, "working_hours", cal) == at("2026-03-02 14:00")


def test_saturday_morning_reception_is_not_a_working_day_for_deadlines():
    agency = get_agency("H22.30")  # the provincial centre: its desk receives on Saturday morning
    assert ReceptionPoint.objects.filter(agency=agency, saturday_morning=True).exists()
    cal = calendar_for(agency)
    assert not is_working_day(D(2026, 3, 7), cal)
    assert add(at("2026-03-07 08:00"), 0, "working_days", cal) == at("2026-03-09 17:00")


def test_broken_reception_point_hours_are_reported():
    agency = get_agency("H22.03")
    ReceptionPoint.objects.filter(agency=agency).delete()
    ReceptionPoint.objects.create(
        agency=agency,
        name="Quầy giờ sai",
        address="—",
        morning_open=dt.time(12),
        morning_close=dt.time(8),
    )
    with pytest.raises(WorktimeError, match="Quầy giờ sai"):
        calendar_for(agency)


def test_a_constant_small_number_of_queries(django_assert_num_queries):
    for day in range(1, 20):
        override(D(2026, 4, day), DAY_OFF, "H22.03")
        override(D(2026, 5, day), WORKING_DAY)
    agency = get_agency("H22.03")
    with django_assert_num_queries(2):
        cal = calendar_for(agency)
    assert not is_working_day(D(2026, 4, 6), cal)
    assert is_working_day(D(2026, 5, 2), cal)  # a Saturday, province-wide working
    with django_assert_num_queries(1):
        calendar_for(None)


def test_years_limit_the_calendar_and_the_overrides_read():
    override(D(2024, 3, 4), DAY_OFF)
    override(D(2026, 3, 3), DAY_OFF)
    cal = calendar_for(None, years=range(2026, 2028))
    assert cal.years == range(2026, 2028)
    assert cal.holidays >= {D(2026, 3, 3), D(2027, 2, 8)}
    assert D(2024, 3, 4) not in cal.holidays
    with pytest.raises(WorktimeError, match="2026–2027"):
        add(at("2027-12-30 10:00"), 5, "working_days", cal)


def test_the_agency_override_is_unique_per_day():
    override(D(2026, 3, 3), DAY_OFF, "H22.03")
    override(D(2026, 3, 3), DAY_OFF, "H22.30")  # another agency: fine
    override(D(2026, 3, 3), DAY_OFF)  # province-wide: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        override(D(2026, 3, 3), WORKING_DAY, "H22.03")


def test_the_province_wide_override_is_unique_per_day_despite_null():
    override(D(2026, 3, 3), DAY_OFF)
    with pytest.raises(IntegrityError), transaction.atomic():
        override(D(2026, 3, 3), WORKING_DAY)


def test_validation_explains_duplicates_in_vietnamese():
    override(D(2026, 3, 3), DAY_OFF)
    override(D(2026, 3, 4), DAY_OFF, "H22.03")
    with pytest.raises(ValidationError, match="toàn tỉnh cho ngày này"):
        CalendarOverride(date=D(2026, 3, 3), kind=WORKING_DAY, reason="x").full_clean()
    with pytest.raises(ValidationError, match="Cơ quan này đã có"):
        CalendarOverride(
            date=D(2026, 3, 4), kind=WORKING_DAY, agency=get_agency("H22.03"), reason="x"
        ).full_clean()


def test_override_str_and_verbose_names():
    row = override(D(2026, 3, 3), DAY_OFF)
    assert str(row) == "03/03/2026 Ngày nghỉ (toàn tỉnh)"
    assert str(override(D(2026, 3, 3), WORKING_DAY, "H22.03")).endswith("(H22.03)")
    assert str(CalendarOverride._meta.verbose_name) == "ngày nghỉ / làm bù"
    assert str(CalendarOverride._meta.get_field("agency").verbose_name) == "cơ quan"


def test_admin_lists_and_adds_overrides(otp_client):
    assert admin.site.is_registered(CalendarOverride)
    override(D(2026, 3, 3), DAY_OFF, "H22.03")
    client = otp_client("quantri")
    page = client.get("/quan-tri/core/calendaroverride/")
    assert page.status_code == 200
    assert "Kiểm thử" in page.content.decode()
    assert client.get("/quan-tri/core/calendaroverride/add/").status_code == 200

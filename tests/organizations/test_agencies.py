"""Agencies: identifier format, validation, validity periods, successors, DB constraints, and
reception points."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from motcua.organizations.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    AgencyLevel,
    Generation,
    ReceptionPoint,
    UnitLevel,
    validate_agency_code,
)


def unit(level: str, code: int) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(generation=Generation.CURRENT, level=level, code=code)


def quang_ninh() -> AdministrativeUnit:
    return unit(UnitLevel.PROVINCE, 22)


def department(code: str, **fields) -> Agency:
    """An unsaved provincial department of Quảng Ninh under the provincial committee."""
    values = {
        "code": code,
        "name": f"Cơ quan thử {code}",
        "kind": AgencyKind.DEPARTMENT,
        "level": AgencyLevel.PROVINCE,
        "province": quang_ninh(),
        "parent": Agency.objects.get(code="H22"),
    }
    values.update(fields)
    return Agency(**values)


# --- Identifier format (Decision 20/2020/QĐ-TTg) -------------------------------------------


@pytest.mark.parametrize(
    "code", ["H38.12.3", "000.00.12.H38", "H22", "H22.6688.1", "A.B.C.D.E.F", "ABCDEF"]
)
def test_agency_code_accepts_dotted_groups(code):
    validate_agency_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "h22",
        "H22..1",
        "H22 1",
        "",
        ".H22",
        "H22.",
        "H22-1",
        "H22\n",
        "ABCDEFG",  # a group has at most six characters
        "A.B.C.D.E.F.G",  # at most six groups
        "H２２",  # fullwidth digits are not ASCII
    ],
)
def test_agency_code_rejects_anything_else(code):
    with pytest.raises(ValidationError) as excinfo:
        validate_agency_code(code)
    assert excinfo.value.code == "invalid_agency_code"


# --- clean() --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_agencies_are_valid():
    for agency in Agency.objects.filter(province=quang_ninh()):
        agency.full_clean()
    assert Agency.objects.filter(province=quang_ninh()).count() == 35


@pytest.mark.django_db
def test_commune_level_agency_needs_a_commune():
    agency = department("H22.99", level=AgencyLevel.COMMUNE, kind=AgencyKind.COMMUNE_COMMITTEE)
    with pytest.raises(ValidationError) as excinfo:
        agency.clean()
    assert "commune" in excinfo.value.message_dict


@pytest.mark.django_db
def test_commune_must_belong_to_the_agency_province():
    hanoi_commune = AdministrativeUnit.objects.filter(
        generation=Generation.CURRENT, level=UnitLevel.COMMUNE, parent__code=1
    ).first()
    assert hanoi_commune is not None
    agency = department(
        "H22.99",
        level=AgencyLevel.COMMUNE,
        kind=AgencyKind.COMMUNE_COMMITTEE,
        commune=hanoi_commune,
    )
    with pytest.raises(ValidationError) as excinfo:
        agency.clean()
    assert "commune" in excinfo.value.message_dict
    # The same agency with a commune of its own province is fine.
    agency.commune = unit(UnitLevel.COMMUNE, 6688)
    agency.clean()


@pytest.mark.django_db
def test_parent_must_be_in_the_same_province():
    hanoi = unit(UnitLevel.PROVINCE, 1)
    agency = department("H01.99", province=hanoi)
    with pytest.raises(ValidationError) as excinfo:
        agency.clean()
    assert "parent" in excinfo.value.message_dict


@pytest.mark.django_db
def test_parent_cycle_is_rejected():
    committee = Agency.objects.get(code="H22.6688")
    centre = Agency.objects.get(code="H22.6688.1")
    assert centre.parent_id == committee.pk
    committee.parent = centre  # the centre's parent is the committee: a loop
    with pytest.raises(ValidationError) as excinfo:
        committee.clean()
    assert "parent" in excinfo.value.message_dict
    committee.parent = committee  # its own parent
    with pytest.raises(ValidationError) as excinfo:
        committee.clean()
    assert "parent" in excinfo.value.message_dict


@pytest.mark.django_db
def test_successor_requires_an_end_date():
    old = department("H22.98", effective_from=dt.date(2020, 1, 1))
    old.save()
    old.successor = Agency.objects.get(code="H22.03")
    with pytest.raises(ValidationError) as excinfo:
        old.clean()
    assert "effective_to" in excinfo.value.message_dict
    old.effective_to = dt.date(2025, 7, 1)
    old.clean()


@pytest.mark.django_db
def test_agency_cannot_succeed_itself():
    old = department("H22.98", effective_from=dt.date(2020, 1, 1), effective_to=dt.date(2025, 7, 1))
    old.save()
    old.successor = old
    with pytest.raises(ValidationError) as excinfo:
        old.clean()
    assert "successor" in excinfo.value.message_dict


# --- Validity periods -------------------------------------------------------------------------

FROM = dt.date(2025, 7, 1)
TO = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 6, 30), False),
        (FROM, True),  # effective_from is inclusive
        (dt.date(2025, 12, 31), True),
        (TO, False),  # effective_to is the first day it no longer exists
        (dt.date(2030, 1, 1), False),
    ],
)
@pytest.mark.django_db
def test_effective_period_in_python_and_in_sql(day, expected):
    agency = department("H22.97", effective_from=FROM, effective_to=TO)
    assert agency.is_effective_on(day) is expected
    agency.save()
    in_force = Agency.objects.filter(code="H22.97").effective_on(day).exists()
    assert in_force is expected


@pytest.mark.django_db
def test_open_ended_periods():
    agency = department("H22.97", effective_from=None, effective_to=None)
    assert agency.is_effective_on(dt.date(1900, 1, 1))
    assert agency.is_effective_on(dt.date(2999, 1, 1))
    agency.effective_to = TO
    assert agency.is_effective_on(dt.date(1900, 1, 1))
    assert not agency.is_effective_on(TO)
    agency.save()
    assert Agency.objects.filter(pk=agency.pk).effective_on(dt.date(1900, 1, 1)).exists()
    assert not Agency.objects.filter(pk=agency.pk).effective_on(TO).exists()


@pytest.mark.django_db
def test_current_uses_today():
    today = timezone.localdate()
    ended = department("H22.96", effective_from=FROM, effective_to=today)
    ended.save()
    starts_tomorrow = department("H22.95", effective_from=today + dt.timedelta(days=1))
    starts_tomorrow.save()
    current_codes = set(Agency.objects.current().values_list("code", flat=True))
    assert "H22.96" not in current_codes
    assert "H22.95" not in current_codes
    assert "H22.03" in current_codes
    assert not ended.is_active
    assert Agency.objects.get(code="H22.03").is_active


# --- Successors -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_current_successor_follows_a_chain_of_merges():
    today = timezone.localdate()
    past = today - dt.timedelta(days=30)
    final = department("H22.93", effective_from=FROM)
    final.save()
    middle = department("H22.92", effective_from=dt.date(2020, 1, 1), effective_to=past)
    middle.successor = final
    middle.save()
    first = department("H22.91", effective_from=dt.date(2010, 1, 1), effective_to=FROM)
    first.successor = middle
    first.save()
    assert first.current_successor() == final
    assert middle.current_successor() == final
    # An agency in force has no successor to send people to.
    assert final.current_successor() is None
    # An ended agency without a successor neither.
    orphan = department("H22.90", effective_from=FROM, effective_to=past)
    orphan.save()
    assert orphan.current_successor() is None


@pytest.mark.django_db
def test_current_successor_stops_on_a_cycle():
    past = timezone.localdate() - dt.timedelta(days=1)
    a = department("H22.91", effective_from=FROM, effective_to=past)
    a.save()
    b = department("H22.92", effective_from=FROM, effective_to=past, successor=a)
    b.save()
    a.successor = b
    a.save()
    assert a.current_successor() is None  # loops back to itself: no successor in force
    assert b.current_successor() is None


# --- Database constraints -------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, -1])
@pytest.mark.django_db
def test_db_refuses_an_empty_or_inverted_period(days):
    agency = department("H22.94", effective_from=FROM, effective_to=FROM + dt.timedelta(days=days))
    with pytest.raises(IntegrityError), transaction.atomic():
        agency.save()


@pytest.mark.django_db
def test_db_refuses_inverting_the_period_with_an_update():
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.filter(code="H22.03").update(effective_to=FROM)


@pytest.mark.django_db
def test_db_refuses_an_agency_succeeding_itself():
    agency = Agency.objects.get(code="H22.03")
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(successor=agency, effective_to=TO)


@pytest.mark.django_db
def test_agency_codes_are_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        department("H22.03").save()


# --- Reception points -----------------------------------------------------------------------


def desk(**fields) -> ReceptionPoint:
    values = {"name": "Quầy thử", "address": "Số 1"}
    values.update(fields)
    return ReceptionPoint(**values)


def test_default_office_hours_are_valid():
    point = desk()
    point.clean()
    assert point.weekdays == [0, 1, 2, 3, 4]
    with translation.override("vi"):
        labels = point.weekday_labels()
    assert labels == ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu"]


def test_morning_may_close_when_afternoon_opens():
    desk(morning_close=dt.time(12, 0), afternoon_open=dt.time(12, 0)).clean()


@pytest.mark.parametrize(
    "hours",
    [
        {"morning_open": dt.time(11, 30), "morning_close": dt.time(7, 30)},
        {"morning_open": dt.time(8, 0), "morning_close": dt.time(8, 0)},
        {"morning_close": dt.time(14, 0), "afternoon_open": dt.time(13, 30)},
        {"afternoon_open": dt.time(17, 0), "afternoon_close": dt.time(17, 0)},
        {"afternoon_open": dt.time(17, 0), "afternoon_close": dt.time(13, 30)},
    ],
)
def test_office_hours_must_be_in_order(hours):
    with pytest.raises(ValidationError):
        desk(**hours).clean()


@pytest.mark.parametrize("weekdays", [[], [7], [-1], [0, 8], "0,1,2", None, [1.5]])
def test_weekdays_must_be_a_non_empty_list_of_0_to_6(weekdays):
    with pytest.raises(ValidationError) as excinfo:
        desk(weekdays=weekdays).clean()
    assert "weekdays" in excinfo.value.message_dict


@pytest.mark.parametrize("weekdays", [[0], [6], [5, 6], list(range(7))])
def test_valid_weekdays(weekdays):
    desk(weekdays=weekdays).clean()


@pytest.mark.django_db
def test_demo_desks_are_valid_and_belong_to_centres():
    points = ReceptionPoint.objects.select_related("agency")
    assert points.count() == 11  # the provincial centre and ten commune centres
    for point in points:
        point.full_clean()
        assert point.agency.kind in {AgencyKind.PROVINCIAL_CENTRE, AgencyKind.COMMUNE_CENTRE}
    provincial = points.get(agency__code="H22.30")
    assert provincial.saturday_morning

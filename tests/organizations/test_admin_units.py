"""The administrative-unit import: real counts, idempotence and the management command."""

from io import StringIO

import pytest
from django.core.management import call_command

from motcua.organizations.models import AdministrativeUnit, Generation, UnitLevel
from motcua.organizations.services import import_administrative_units

pytestmark = pytest.mark.django_db

EXPECTED = {
    (Generation.CURRENT, UnitLevel.PROVINCE): 34,
    (Generation.CURRENT, UnitLevel.COMMUNE): 3321,
    (Generation.LEGACY, UnitLevel.PROVINCE): 63,
    (Generation.LEGACY, UnitLevel.DISTRICT): 696,
    (Generation.LEGACY, UnitLevel.COMMUNE): 10051,
}


def unit_counts() -> dict[tuple[str, str], int]:
    return {
        (generation, level): AdministrativeUnit.objects.filter(
            generation=generation, level=level
        ).count()
        for generation, level in EXPECTED
    }


def test_import_gives_the_real_number_of_units():
    assert unit_counts() == EXPECTED
    # The 2025 reform has no district level.
    assert not AdministrativeUnit.objects.filter(
        generation=Generation.CURRENT, level=UnitLevel.DISTRICT
    ).exists()
    assert AdministrativeUnit.objects.count() == sum(EXPECTED.values())


def test_every_unit_below_a_province_has_a_parent_of_the_level_above():
    current = AdministrativeUnit.objects.filter(generation=Generation.CURRENT)
    assert not current.filter(level=UnitLevel.PROVINCE, parent__isnull=False).exists()
    communes = current.filter(level=UnitLevel.COMMUNE)
    assert (
        communes.filter(
            parent__level=UnitLevel.PROVINCE, parent__generation=Generation.CURRENT
        ).count()
        == 3321
    )
    legacy = AdministrativeUnit.objects.filter(generation=Generation.LEGACY)
    assert legacy.filter(level=UnitLevel.DISTRICT, parent__level=UnitLevel.PROVINCE).count() == 696
    assert legacy.filter(level=UnitLevel.COMMUNE, parent__level=UnitLevel.DISTRICT).count() == 10051


def test_current_commune_division_types_are_only_xa_phuong_dac_khu():
    types = set(
        AdministrativeUnit.objects.filter(
            generation=Generation.CURRENT, level=UnitLevel.COMMUNE
        ).values_list("division_type", flat=True)
    )
    assert types == {"xã", "phường", "đặc khu"}


def test_known_units_of_quang_ninh():
    province = AdministrativeUnit.objects.get(
        generation=Generation.CURRENT, level=UnitLevel.PROVINCE, code=22
    )
    assert "Quảng Ninh" in province.name
    halong = AdministrativeUnit.objects.get(
        generation=Generation.CURRENT, level=UnitLevel.COMMUNE, code=6688
    )
    assert halong.name == "Phường Hạ Long"
    assert halong.parent_id == province.pk
    vandon = AdministrativeUnit.objects.get(
        generation=Generation.CURRENT, level=UnitLevel.COMMUNE, code=6994
    )
    assert vandon.division_type == "đặc khu"
    assert not vandon.is_legacy
    # The same code can exist in both generations without clashing.
    assert AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code=22).count() == 2


def test_reimport_is_idempotent_and_keeps_row_ids():
    before = unit_counts()
    ids_before = dict(
        AdministrativeUnit.objects.filter(generation=Generation.CURRENT).values_list("code", "id")
    )
    report = import_administrative_units(include_legacy=False)
    assert report.count(Generation.CURRENT, UnitLevel.PROVINCE) == 34
    assert report.count(Generation.CURRENT, UnitLevel.COMMUNE) == 3321
    assert report.count(Generation.LEGACY, UnitLevel.PROVINCE) == 0
    assert unit_counts() == before
    ids_after = dict(
        AdministrativeUnit.objects.filter(generation=Generation.CURRENT).values_list("code", "id")
    )
    # Agencies point at these rows: an upsert must never re-create them.
    assert ids_after == ids_before


def test_import_command_prints_the_counts_and_changes_nothing():
    before = unit_counts()
    out = StringIO()
    call_command("import_admin_units", stdout=out)
    text = out.getvalue()
    assert "34 tỉnh/thành phố, 3321 xã/phường/đặc khu" in text
    assert "63 tỉnh, 696 huyện, 10051 xã" in text
    assert unit_counts() == before


def test_import_command_without_legacy_says_nothing_about_legacy():
    out = StringIO()
    call_command("import_admin_units", "--no-legacy", stdout=out)
    assert "34 tỉnh/thành phố" in out.getvalue()
    assert "trước 2025" not in out.getvalue()
    assert unit_counts() == EXPECTED

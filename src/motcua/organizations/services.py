"""Writes to administrative units and agencies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from motcua.organizations.models import AdministrativeUnit, Generation, UnitLevel


@dataclass(frozen=True)
class UnitRow:
    level: str
    code: int
    name: str
    division_type: str
    codename: str
    parent_code: int | None = None


@dataclass
class ImportReport:
    counts: dict[tuple[str, str], int]

    def count(self, generation: str, level: str) -> int:
        return self.counts.get((generation, level), 0)


def _upsert(generation: str, rows: Iterable[UnitRow], parent_level: str | None) -> int:
    parents: dict[int, int] = {}
    if parent_level:
        parents = dict(
            AdministrativeUnit.objects.filter(
                generation=generation, level=parent_level
            ).values_list("code", "id")
        )
    objs = [
        AdministrativeUnit(
            generation=generation,
            level=row.level,
            code=row.code,
            name=row.name,
            division_type=row.division_type,
            codename=row.codename,
            parent_id=parents[row.parent_code] if row.parent_code is not None else None,
        )
        for row in rows
    ]
    AdministrativeUnit.objects.bulk_create(
        objs,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["generation", "level", "code"],
        update_fields=["name", "division_type", "codename", "parent"],
    )
    return len(objs)


def _current_rows() -> tuple[list[UnitRow], list[UnitRow]]:
    from vietnam_provinces import Province, Ward

    provinces = [
        UnitRow(UnitLevel.PROVINCE, int(p.code), p.name, str(p.division_type), p.codename)
        for p in Province.iter_all()
    ]
    communes = [
        UnitRow(
            UnitLevel.COMMUNE,
            int(w.code),
            w.name,
            str(w.division_type),
            w.codename,
            int(w.province_code),
        )
        for w in Ward.iter_all()
    ]
    return provinces, communes


def _legacy_rows() -> tuple[list[UnitRow], list[UnitRow], list[UnitRow]]:
    from vietnam_provinces.legacy import District, Province, Ward

    provinces = [
        UnitRow(UnitLevel.PROVINCE, int(p.code), p.name, str(p.division_type), p.codename)
        for p in Province.iter_all()
    ]
    districts = [
        UnitRow(
            UnitLevel.DISTRICT,
            int(d.code),
            d.name,
            str(d.division_type),
            d.codename,
            int(d.province_code),
        )
        for d in District.iter_all()
    ]
    wards = [
        UnitRow(
            UnitLevel.COMMUNE,
            int(w.code),
            w.name,
            str(w.division_type),
            w.codename,
            int(w.district_code),
        )
        for w in Ward.iter_all()
    ]
    return provinces, districts, wards


@transaction.atomic
def import_administrative_units(include_legacy: bool = True) -> ImportReport:
    """Create or update every unit from the ``vietnam-provinces`` package. Re-runnable."""
    counts: dict[tuple[str, str], int] = {}
    provinces, communes = _current_rows()
    counts[(Generation.CURRENT, UnitLevel.PROVINCE)] = _upsert(Generation.CURRENT, provinces, None)
    counts[(Generation.CURRENT, UnitLevel.COMMUNE)] = _upsert(
        Generation.CURRENT, communes, UnitLevel.PROVINCE
    )
    if include_legacy:
        l_provinces, l_districts, l_wards = _legacy_rows()
        counts[(Generation.LEGACY, UnitLevel.PROVINCE)] = _upsert(
            Generation.LEGACY, l_provinces, None
        )
        counts[(Generation.LEGACY, UnitLevel.DISTRICT)] = _upsert(
            Generation.LEGACY, l_districts, UnitLevel.PROVINCE
        )
        counts[(Generation.LEGACY, UnitLevel.COMMUNE)] = _upsert(
            Generation.LEGACY, l_wards, UnitLevel.DISTRICT
        )
    return ImportReport(counts)

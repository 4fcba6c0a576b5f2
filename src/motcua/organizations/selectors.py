"""Reads of administrative units and agencies."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from motcua.organizations.models import (
    AdministrativeUnit,
    Agency,
    Generation,
    ReceptionPoint,
    UnitLevel,
)


def home_province() -> AdministrativeUnit | None:
    """The province this installation serves (``MOTCUA_PROVINCE_CODE``), if imported."""
    return AdministrativeUnit.objects.filter(
        generation=Generation.CURRENT, level=UnitLevel.PROVINCE, code=settings.MOTCUA_PROVINCE_CODE
    ).first()


def communes_of(province: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(
        generation=Generation.CURRENT, level=UnitLevel.COMMUNE, parent=province
    ).order_by("name")


def public_agencies(province: AdministrativeUnit | None) -> QuerySet[Agency]:
    """Agencies in force in the province, with their active reception points."""
    if province is None:
        return Agency.objects.none()
    return (
        Agency.objects.current()
        .filter(province=province)
        .select_related("commune")
        .prefetch_related(
            Prefetch(
                "reception_points",
                queryset=ReceptionPoint.objects.filter(is_active=True),
                to_attr="active_points",
            )
        )
    )


def descendant_ids(root_ids: set[int]) -> set[int]:
    """The given agencies and every agency below them in the tree."""
    result = set(root_ids)
    frontier = set(root_ids)
    while frontier:
        children = set(Agency.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = children - result
        result |= frontier
    return result

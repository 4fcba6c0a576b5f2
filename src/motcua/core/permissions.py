"""Who may see which agency's data.

An officer's scope is the set of agencies where he holds an active membership, plus every
agency below them in the tree (a department leader sees the department's units; the
provincial People's Committee sees the whole province). A system administrator's membership
covers the whole province of its agency. Superusers see everything. Nothing else is visible:
pages and APIs filter by this scope and answer 404 for objects outside it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from motcua.accounts.roles import Role


def _memberships(user: Any) -> list[tuple[int, str, int]]:
    from motcua.accounts.models import OfficerMembership

    return list(
        OfficerMembership.objects.active()
        .filter(user=user)
        .values_list("agency_id", "role", "agency__province_id")
    )


def scope_agency_ids(user: Any) -> set[int] | None:
    """Agency ids visible to ``user``; ``None`` means every agency (superuser)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    cached = getattr(user, "_motcua_scope", None)
    if cached is not None:
        return cached
    from motcua.organizations.models import Agency
    from motcua.organizations.selectors import descendant_ids

    rows = _memberships(user)
    admin_provinces = {prov for _, role, prov in rows if role == Role.SYSTEM_ADMIN}
    roots = {agency for agency, _, _ in rows}
    scope = descendant_ids(roots)
    if admin_provinces:
        scope |= set(
            Agency.objects.filter(province_id__in=admin_provinces).values_list("id", flat=True)
        )
    user._motcua_scope = scope
    return scope


def visible_agencies(user: Any) -> QuerySet:
    from motcua.organizations.models import Agency

    scope = scope_agency_ids(user)
    qs = Agency.objects.all()
    return qs if scope is None else qs.filter(id__in=scope)


def can_view_agency(user: Any, agency_id: int) -> bool:
    scope = scope_agency_ids(user)
    return scope is None or agency_id in scope


def roles_for(user: Any, agency_id: int) -> set[str]:
    """Roles ``user`` may exercise at ``agency_id``: held there or at an agency above it."""
    from motcua.organizations.models import Agency

    if not getattr(user, "is_authenticated", False):
        return set()
    chain = {agency_id}
    agency = Agency.objects.filter(pk=agency_id).only("parent", "province").first()
    if agency is not None:
        chain.update(agency.ancestor_ids())
    roles = set()
    for held_agency, role, province in _memberships(user):
        if held_agency in chain or (
            role == Role.SYSTEM_ADMIN and agency and agency.province_id == province
        ):
            roles.add(role)
    return roles

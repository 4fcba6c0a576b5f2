"""Who may see which agency's data.

An officer's scope is the set of agencies where he holds an active membership, plus every
agency below them in the tree (a department leader sees the department's units; the
provincial People's Committee sees the whole province). A system administrator's membership
covers the whole province of its agency. Superusers see everything. Nothing else is visible:
pages and APIs filter by this scope and answer 404 for objects outside it.

One page asks these questions many times (the dossier page asks for the roles at the
receiving and at the competent agency, for the page, for the allowed actions and for each
action form), so the answers are cached **on the user object**: Django loads a new user
object for every request, so the cache lives exactly one request. Within a process the cache
is also dropped whenever a membership or an agency is saved or deleted (a generation counter
bumped by model signals), so a shell, a test or a service that changes a membership and asks
again with the same user object sees the change at once. Writes that bypass the signals
(``QuerySet.update``) are seen from the next request.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from motcua.accounts.roles import Role

_CACHE_ATTR = "_motcua_permissions"
_generation = itertools.count(1)
_current = next(_generation)


def _bump(**_kwargs: Any) -> None:
    """A membership or an agency changed: every cached answer in this process is stale."""
    global _current
    _current = next(_generation)


for _sender in ("accounts.OfficerMembership", "organizations.Agency"):
    post_save.connect(_bump, sender=_sender, dispatch_uid=f"permissions-cache-save-{_sender}")
    post_delete.connect(_bump, sender=_sender, dispatch_uid=f"permissions-cache-del-{_sender}")


@dataclass
class _Cache:
    """What one user object has learnt about its permissions (see the module docstring)."""

    generation: int
    memberships: list[tuple[int, str, int]] | None = None
    scope: set[int] | None = None
    # agency id → (parent id, province id): the tree walked once per request.
    agencies: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)
    roles: dict[int, frozenset[str]] = field(default_factory=dict)


def _cache(user: Any) -> _Cache:
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None or cache.generation != _current:
        cache = _Cache(generation=_current)
        setattr(user, _CACHE_ATTR, cache)
    return cache


def forget(user: Any) -> None:
    """Drop what ``user`` has cached (e.g. after a raw update of its memberships)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _memberships(user: Any) -> list[tuple[int, str, int]]:
    """(agency id, role, agency's province id) of the active memberships, once per request."""
    from motcua.accounts.models import OfficerMembership

    cache = _cache(user)
    if cache.memberships is None:
        cache.memberships = list(
            OfficerMembership.objects.active()
            .filter(user=user)
            .values_list("agency_id", "role", "agency__province_id")
        )
    return cache.memberships


def scope_agency_ids(user: Any) -> set[int] | None:
    """Agency ids visible to ``user``; ``None`` means every agency (superuser)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    cache = _cache(user)
    if cache.scope is not None:
        return cache.scope
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
    cache.scope = scope
    return scope


def visible_agencies(user: Any) -> QuerySet:
    from motcua.organizations.models import Agency

    scope = scope_agency_ids(user)
    qs = Agency.objects.all()
    return qs if scope is None else qs.filter(id__in=scope)


def can_view_agency(user: Any, agency_id: int) -> bool:
    scope = scope_agency_ids(user)
    return scope is None or agency_id in scope


def _chain(cache: _Cache, agency_id: int) -> tuple[set[int], int | None] | None:
    """``agency_id`` and the ids above it, and its province; ``None`` for no such agency.
    Each agency of the tree is read at most once per request (stops on a cycle)."""
    from motcua.organizations.models import Agency

    chain: set[int] = set()
    province: int | None = None
    node: int | None = agency_id
    while node is not None and node not in chain:
        if node not in cache.agencies:
            row = Agency.objects.filter(pk=node).values_list("parent_id", "province_id").first()
            if row is None:
                if node == agency_id:
                    return None
                break
            cache.agencies[node] = row
        parent, node_province = cache.agencies[node]
        if node == agency_id:
            province = node_province
        chain.add(node)
        node = parent
    return chain, province


def roles_for(user: Any, agency_id: int) -> set[str]:
    """Roles ``user`` may exercise at ``agency_id``: held there or at an agency above it."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = _cache(user)
    known = cache.roles.get(agency_id)
    if known is not None:
        return set(known)
    found = _chain(cache, agency_id)
    chain, province = found if found is not None else ({agency_id}, None)
    roles = set()
    for held_agency, role, held_province in _memberships(user):
        if held_agency in chain or (
            role == Role.SYSTEM_ADMIN and found is not None and province == held_province
        ):
            roles.add(role)
    cache.roles[agency_id] = frozenset(roles)
    return roles

"""Where a procedure's dossiers go in the home province: which centres receive them and which
agency resolves a dossier received at a given centre.

Shared by online submission (``portal.submission``) and desk reception
(``backoffice.dossier_views``), so that a dossier is routed the same way whichever door it
came in by. Reads the
``ProcedureImplementation`` links (``catalog.services.link_implementations`` and the catalog
managers' own edits); an agency no longer in force is never offered.
"""

from __future__ import annotations

from motcua.catalog.models import Channel, ImplementationRole, Procedure, ProcedureStatus
from motcua.catalog.selectors import implementing_agencies
from motcua.organizations.models import Agency, AgencyLevel
from motcua.organizations.selectors import home_province


def _agencies(procedure: Procedure, role: str) -> list[Agency]:
    seen: dict[int, Agency] = {}
    for impl in implementing_agencies(procedure, home_province()):
        if impl.role == role and impl.agency.is_active:
            seen.setdefault(impl.agency.pk, impl.agency)
    return list(seen.values())


def competent_agencies(procedure: Procedure) -> list[Agency]:
    """Our agencies in force that resolve ``procedure``."""
    return _agencies(procedure, ImplementationRole.COMPETENT)


def receiving_agencies(procedure: Procedure) -> list[Agency]:
    """Our centres in force that receive ``procedure``: provincial first, then the communes by
    name (a commune-level procedure is received by every commune centre of the province,
    whatever the applicant's residence — DOMAIN §1)."""
    agencies = _agencies(procedure, ImplementationRole.RECEIVING)
    return sorted(agencies, key=lambda a: (a.level != AgencyLevel.PROVINCE, a.name))


def default_competent(centre: Agency, competent: list[Agency]) -> Agency | None:
    """The People's Committee above the centre when it resolves the procedure (commune
    procedures), else the first competent agency at the centre's level, else the first."""
    by_id = {a.pk: a for a in competent}
    if centre.parent_id in by_id:
        return by_id[centre.parent_id]
    same_level = [a for a in competent if a.level == centre.level]
    return (same_level or competent or [None])[0]


def commune_competent(centre: Agency, competent: list[Agency]) -> Agency | None:
    """The competent agency of the centre's own commune (its People's Committee), if any."""
    if centre.commune_id is None:
        return None
    by_id = {a.pk: a for a in competent}
    if centre.parent_id in by_id:
        return by_id[centre.parent_id]
    return next((a for a in competent if a.commune_id == centre.commune_id), None)


def province_competent(competent: list[Agency]) -> Agency | None:
    """The provincial agency that resolves the procedure, if any."""
    return next((a for a in competent if a.level == AgencyLevel.PROVINCE), None)


def has_online_channel(procedure: Procedure) -> bool:
    return any(c.channel == Channel.ONLINE for c in procedure.channels.all())


def online_refusal(procedure: Procedure) -> str | None:
    """Why ``procedure`` cannot be submitted online here, or ``None`` when it can: it must be
    in force, publish an online channel, and be received and resolved by our agencies."""
    from django.utils.translation import gettext as _

    if procedure.status == ProcedureStatus.REPEALED:
        return _("Thủ tục này đã bị bãi bỏ, không nhận hồ sơ mới.")
    if not has_online_channel(procedure):
        return procedure.not_online_reason or _("Thủ tục này chưa cung cấp dịch vụ trực tuyến.")
    if not receiving_agencies(procedure) or not competent_agencies(procedure):
        return _("Thủ tục này chưa được giao cho cơ quan nào của tỉnh tiếp nhận và giải quyết.")
    return None

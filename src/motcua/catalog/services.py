"""Writes to the catalog. Every change of a procedure's content creates a new version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.data import ProcedureData
from motcua.catalog.models import (
    DocumentComponent,
    ImplementationRole,
    LegalBasis,
    Level,
    Procedure,
    ProcedureChannel,
    ProcedureField,
    ProcedureImplementation,
    ProcedureResult,
    ProcedureStatus,
    ProcedureVersion,
    SubCase,
)
from motcua.core.text import fold
from motcua.organizations.models import AdministrativeUnit, Agency, AgencyKind

_SCALARS = (
    "name",
    "provincial_code",
    "levels",
    "procedure_type",
    "applicants",
    "competent_agency_text",
    "implementing_agency_text",
    "authorised_agency_text",
    "cooperating_agency_text",
    "reception_address_text",
    "related_procedures_text",
    "steps_text",
    "conditions_text",
    "online_class",
    "not_online_reason",
    "status",
    "decision_number",
    "source_url",
    "ministry_slug",
)


class CatalogError(Exception):
    """A catalog change that cannot be made, with a message for the user."""


@dataclass(frozen=True)
class SaveOutcome:
    procedure: Procedure
    created: bool
    changed: bool


def search_name(name: str) -> str:
    """Folded name without the "Thủ tục" prefix most names carry, for ranking and trigrams."""
    folded = fold(name).strip()
    return folded.removeprefix("thu tuc ").strip()


def _field(name: str, cache: dict[str, ProcedureField] | None) -> ProcedureField | None:
    if not name:
        return None
    if cache is not None and name in cache:
        return cache[name]
    obj, _ = ProcedureField.objects.get_or_create(name=name)
    if cache is not None:
        cache[name] = obj
    return obj


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _delete_children(procedure: Procedure) -> None:
    procedure.subcases.all().delete()  # cascades to their channels and documents
    procedure.channels.all().delete()
    procedure.documents.all().delete()
    procedure.legal_bases.all().delete()
    procedure.results.all().delete()


def _write_children(pairs: list[tuple[Procedure, ProcedureData]]) -> None:
    """Insert the children of many saved procedures with one query per child table."""
    subcases = SubCase.objects.bulk_create(
        [
            SubCase(procedure=procedure, code=s.code, name=s.name, position=i)
            for procedure, data in pairs
            for i, s in enumerate(data.subcases)
        ]
    )
    by_key = {(s.procedure_id, s.code): s for s in subcases}

    def subcase(procedure: Procedure, code: str | None) -> SubCase | None:
        return by_key.get((procedure.pk, code)) if code else None

    ProcedureChannel.objects.bulk_create(
        [
            ProcedureChannel(
                procedure=procedure,
                subcase=subcase(procedure, c.subcase),
                channel=c.channel,
                duration_value=Decimal(c.duration_value) if c.duration_value else None,
                duration_unit=c.duration_unit,
                duration_text=c.duration_text,
                fee_vnd=c.fee_vnd,
                fee_text=c.fee_text,
                description=c.description,
                cutoff=dt.time.fromisoformat(c.cutoff) if c.cutoff else None,
                position=i,
            )
            for procedure, data in pairs
            for i, c in enumerate(data.channels)
        ]
    )
    DocumentComponent.objects.bulk_create(
        [
            DocumentComponent(
                procedure=procedure,
                subcase=subcase(procedure, d.subcase),
                group_title=d.group_title,
                name=d.name,
                form=d.form[:500],
                originals=d.originals,
                copies=d.copies,
                count_text=d.count_text[:255],
                position=i,
            )
            for procedure, data in pairs
            for i, d in enumerate(data.documents)
        ]
    )
    LegalBasis.objects.bulk_create(
        [
            LegalBasis(procedure=procedure, title=b.title, code=b.code[:120], position=i)
            for procedure, data in pairs
            for i, b in enumerate(data.legal_bases)
        ]
    )
    ProcedureResult.objects.bulk_create(
        [
            ProcedureResult(procedure=procedure, name=r.name, code=r.code[:80], position=i)
            for procedure, data in pairs
            for i, r in enumerate(data.results)
        ]
    )


def _apply(
    procedure: Procedure,
    data: ProcedureData,
    field_cache: dict[str, ProcedureField] | None,
    source: dict[str, Any] | None,
    parse_status: dict[str, Any] | None,
) -> None:
    """Copy ``data`` onto the procedure's own columns and move it to the next version."""
    for name in _SCALARS:
        setattr(procedure, name, getattr(data, name))
    procedure.search_name = search_name(data.name)
    procedure.field = _field(data.field_name, field_cache)
    procedure.effective_date = _date(data.effective_date)
    procedure.repealed_date = _date(data.repealed_date)
    procedure.content_hash = data.content_hash()
    procedure.version += 1
    if source is not None:
        procedure.source = source
    if parse_status is not None:
        procedure.parse_status = parse_status


def _version(procedure: Procedure, data: ProcedureData, by: Any, reason: str) -> ProcedureVersion:
    return ProcedureVersion(
        procedure=procedure,
        number=procedure.version,
        snapshot=data.snapshot(),
        content_hash=procedure.content_hash,
        reason=reason[:255],
        created_by=by if getattr(by, "pk", None) else None,
    )


@dataclass(frozen=True)
class NewProcedure:
    data: ProcedureData
    source: dict[str, Any] | None = None
    parse_status: dict[str, Any] | None = None


@transaction.atomic
def create_procedures(
    items: list[NewProcedure],
    *,
    reason: str,
    field_cache: dict[str, ProcedureField] | None = None,
) -> list[Procedure]:
    """Create many procedures that do not exist yet, each at version 1, in a few queries
    (the bulk path of the import; the rules are those of ``save_procedure``)."""
    for item in items:
        validate(item.data)
    procedures = []
    for item in items:
        procedure = Procedure(code=item.data.code)
        _apply(procedure, item.data, field_cache, item.source, item.parse_status)
        procedure.imported_hash = procedure.content_hash
        procedures.append(procedure)
    Procedure.objects.bulk_create(procedures)
    transaction.on_commit(_catalog_changed)
    pairs = [(p, item.data) for p, item in zip(procedures, items, strict=True)]
    _write_children(pairs)
    ProcedureVersion.objects.bulk_create([_version(p, d, None, reason) for p, d in pairs])
    return procedures


def _catalog_changed() -> None:
    from motcua.catalog.selectors import FIELDS_CACHE_KEY, FIELDS_VERSION_KEY

    cache.delete_many([FIELDS_CACHE_KEY, FIELDS_VERSION_KEY])


def validate(data: ProcedureData) -> None:
    """Rules every version must satisfy, whoever writes it."""
    if not data.code.strip() or not data.name.strip():
        raise CatalogError(_("Thủ tục phải có mã và tên."))
    if not data.levels:
        raise CatalogError(_("Thủ tục phải có ít nhất một cấp thực hiện."))
    if data.status == ProcedureStatus.REPEALED and not data.repealed_date:
        raise CatalogError(_("Thủ tục bị bãi bỏ phải có ngày bãi bỏ."))
    codes = [s.code for s in data.subcases]
    if len(codes) != len(set(codes)):
        raise CatalogError(_("Mã trường hợp bị trùng."))
    unknown = {x.subcase for x in [*data.channels, *data.documents] if x.subcase} - set(codes)
    if unknown:
        raise CatalogError(_("Trường hợp không tồn tại: %(codes)s") % {"codes": ", ".join(unknown)})


@transaction.atomic
def save_procedure(
    data: ProcedureData,
    *,
    by: Any = None,
    reason: str = "",
    source: dict[str, Any] | None = None,
    parse_status: dict[str, Any] | None = None,
    field_cache: dict[str, ProcedureField] | None = None,
    expected_version: int | None = None,
    imported_hash: str | None = None,
) -> SaveOutcome:
    """Create or update the procedure ``data.code``; a new version only when content changed.

    ``expected_version`` guards editors against overwriting a newer version (optimistic lock).
    ``imported_hash`` is given by the import: the hash of the national record's content.
    """
    validate(data)
    procedure = Procedure.objects.select_for_update().filter(code=data.code).first()
    created = procedure is None
    if expected_version is not None and not created and procedure.version != expected_version:
        raise CatalogError(
            _(
                "Thủ tục vừa được người khác cập nhật (phiên bản %(current)s). "
                "Hãy tải lại trang để xem thay đổi rồi sửa tiếp."
            )
            % {"current": procedure.version}
        )
    new_hash = data.content_hash()
    if created:
        procedure = Procedure(code=data.code)
    elif procedure.content_hash == new_hash:
        extras = {}
        if source is not None and source != procedure.source:
            extras["source"] = source
        if parse_status is not None and parse_status != procedure.parse_status:
            extras["parse_status"] = parse_status
        if imported_hash is not None and imported_hash != procedure.imported_hash:
            extras["imported_hash"] = imported_hash
        if extras:
            Procedure.objects.filter(pk=procedure.pk).update(**extras)
        return SaveOutcome(procedure, created=False, changed=False)

    _apply(procedure, data, field_cache, source, parse_status)
    if imported_hash is not None:
        procedure.imported_hash = imported_hash
    procedure.save()
    transaction.on_commit(_catalog_changed)
    if not created:
        _delete_children(procedure)
    _write_children([(procedure, data)])
    _version(procedure, data, by, reason).save()
    return SaveOutcome(procedure, created=created, changed=True)


def current_data(procedure: Procedure) -> ProcedureData:
    """The procedure's content as of its current version (what an editor starts from)."""
    version = procedure.versions.get(number=procedure.version)
    return ProcedureData.from_snapshot(version.snapshot)


def link_implementations(province: AdministrativeUnit) -> int:
    """Record which of the province's agencies implement each procedure in force.

    Commune-level procedures: every commune People's Committee resolves them and its service
    centre receives them. Provincial procedures: the department whose name appears in the
    procedure's implementing or competent agency text resolves them (otherwise the provincial
    People's Committee), and the provincial service centre receives them. Re-runnable; it only
    adds missing links and never removes one a catalog manager made.
    """
    agencies = list(Agency.objects.current().filter(province=province))
    communes = [a for a in agencies if a.kind == AgencyKind.COMMUNE_COMMITTEE]
    centres_by_parent = {a.parent_id: a for a in agencies if a.kind == AgencyKind.COMMUNE_CENTRE}
    departments = [(fold(a.name), a) for a in agencies if a.kind == AgencyKind.DEPARTMENT]
    committee = next((a for a in agencies if a.kind == AgencyKind.PROVINCIAL_COMMITTEE), None)
    provincial_centre = next((a for a in agencies if a.kind == AgencyKind.PROVINCIAL_CENTRE), None)
    links: list[ProcedureImplementation] = []

    def link(procedure: Procedure, agency: Agency | None, role: str) -> None:
        if agency is not None:
            links.append(
                ProcedureImplementation(
                    procedure=procedure, agency=agency, role=role, level=agency.level
                )
            )

    procedures = Procedure.objects.exclude(status=ProcedureStatus.REPEALED).only(
        "id", "levels", "implementing_agency_text", "competent_agency_text"
    )
    for procedure in procedures.iterator(chunk_size=1000):
        if Level.COMMUNE in procedure.levels:
            for commune in communes:
                link(procedure, commune, ImplementationRole.COMPETENT)
                link(procedure, centres_by_parent.get(commune.pk), ImplementationRole.RECEIVING)
        if Level.PROVINCE in procedure.levels:
            text = fold(f"{procedure.implementing_agency_text} {procedure.competent_agency_text}")
            department = next((a for name, a in departments if name in text), None)
            link(procedure, department or committee, ImplementationRole.COMPETENT)
            link(procedure, provincial_centre, ImplementationRole.RECEIVING)
    before = ProcedureImplementation.objects.count()
    ProcedureImplementation.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)
    return ProcedureImplementation.objects.count() - before

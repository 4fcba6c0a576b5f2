"""Import of the national catalog extract (``procedures.jsonl``).

Every record becomes a procedure: nothing is dropped. Each flattened table is parsed by
``catalog.parsing``; the parsed values go into the model, the original record stays in
``Procedure.source`` and the per-field outcome in ``Procedure.parse_status``. Re-running
updates by code and writes a new version only when the parsed content changed.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.db import connection, transaction

from motcua.catalog import parsing
from motcua.catalog.data import (
    ChannelData,
    DocumentData,
    LegalBasisData,
    ProcedureData,
    ResultData,
    SubCaseData,
)
from motcua.catalog.models import (
    Channel,
    DocumentComponent,
    LegalBasis,
    Level,
    OnlineClass,
    Procedure,
    ProcedureChannel,
    ProcedureField,
    ProcedureResult,
)
from motcua.catalog.services import (
    NewProcedure,
    create_procedures,
    current_data,
    save_procedure,
)

NOT_ONLINE_REASON = (
    "Danh mục thủ tục hành chính quốc gia chưa công bố cách thức nộp hồ sơ trực tuyến "
    "cho thủ tục này."
)
IMPORT_REASON = "Nhập từ danh mục thủ tục hành chính quốc gia"


def _text(raw: str) -> str:
    return "" if parsing.is_missing(raw) else raw.strip()


def _status(parsed: parsing.Parsed[Any]) -> dict[str, str]:
    entry = {"status": parsed.status}
    if parsed.note:
        entry["note"] = parsed.note
    return entry


def record_to_data(
    record: dict[str, str], report: parsing.ParseReport | None = None
) -> tuple[ProcedureData, dict[str, dict[str, str]]]:
    """Parse one catalog record into procedure data and its per-field parse status."""
    code = record.get("ma_thu_tuc", "").strip()
    parsed: dict[str, parsing.Parsed[Any]] = {
        "cap_thuc_hien": parsing.parse_levels(record.get("cap_thuc_hien", "")),
        "doi_tuong_thuc_hien": parsing.parse_list(record.get("doi_tuong_thuc_hien", "")),
        "so_quyet_dinh": parsing.parse_decision(record.get("so_quyet_dinh", "")),
        "cach_thuc_thuc_hien": parsing.parse_channels(record.get("cach_thuc_thuc_hien", "")),
        "thanh_phan_ho_so": parsing.parse_documents(record.get("thanh_phan_ho_so", "")),
        "can_cu_phap_ly": parsing.parse_legal_bases(record.get("can_cu_phap_ly", "")),
        "ket_qua_xu_ly": parsing.parse_results(record.get("ket_qua_xu_ly", "")),
    }
    if report is not None:
        for name, value in parsed.items():
            report.add(name, value, code)

    subcases: list[SubCaseData] = []
    documents: list[DocumentData] = []
    for group in parsed["thanh_phan_ho_so"].value or ():
        subcase = None
        if group.is_case:
            subcase = f"TH{len(subcases) + 1:02d}"
            subcases.append(SubCaseData(code=subcase, name=group.title))
        documents += [
            DocumentData(
                name=item.name,
                group_title=group.title,
                form=item.form,
                originals=item.originals,
                copies=item.copies,
                count_text=item.count_text,
                subcase=subcase,
            )
            for item in group.items
        ]
    channels = [
        ChannelData(
            channel=row.channel,
            duration_value=str(row.duration_value) if row.duration_value is not None else None,
            duration_unit=row.duration_unit or "",
            duration_text=row.duration_text,
            fee_vnd=row.fee_vnd,
            fee_text=row.fee_text,
            description=row.description,
            cutoff=row.cutoff.strftime("%H:%M") if row.cutoff else None,
        )
        for row in parsed["cach_thuc_thuc_hien"].value or ()
    ]
    online = any(c.channel == Channel.ONLINE for c in channels)
    levels = list(parsed["cap_thuc_hien"].value or ()) or [Level.OTHER]
    data = ProcedureData(
        code=code,
        name=_text(record.get("ten_thu_tuc", "")) or code,
        levels=levels,
        field_name=_text(record.get("linh_vuc", "")),
        procedure_type=_text(record.get("loai_thu_tuc", "")),
        applicants=list(parsed["doi_tuong_thuc_hien"].value or ()),
        competent_agency_text=_text(record.get("co_quan_co_tham_quyen", "")),
        implementing_agency_text=_text(record.get("co_quan_thuc_hien", "")),
        authorised_agency_text=_text(record.get("co_quan_duoc_uy_quyen", "")),
        cooperating_agency_text=_text(record.get("co_quan_phoi_hop", "")),
        reception_address_text=_text(record.get("dia_chi_tiep_nhan", "")),
        related_procedures_text=_text(record.get("thu_tuc_lien_quan", "")),
        steps_text=_text(record.get("trinh_tu_thuc_hien", "")),
        conditions_text=_text(record.get("yeu_cau_dieu_kien", "")),
        # The national extract says whether an online channel exists, not whether the whole
        # process is online: "một phần" until a catalog manager classifies it toàn trình.
        online_class=OnlineClass.PARTIAL if online else OnlineClass.NONE,
        not_online_reason="" if online else NOT_ONLINE_REASON,
        decision_number=parsed["so_quyet_dinh"].value or "",
        source_url=record.get("detail_url", "").strip(),
        ministry_slug=record.get("bo_nganh_slug", "").strip(),
        subcases=subcases,
        channels=channels,
        documents=documents,
        legal_bases=[
            LegalBasisData(title=b.title, code=b.code) for b in parsed["can_cu_phap_ly"].value or ()
        ],
        results=[ResultData(name=r.name, code=r.code) for r in parsed["ket_qua_xu_ly"].value or ()],
    )
    return data, {name: _status(value) for name, value in parsed.items()}


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    seconds: float = 0.0
    report: parsing.ParseReport = field(default_factory=parsing.ParseReport)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def parse_lines(lines: Iterable[str], summary: ImportSummary) -> Iterator[dict[str, str]]:
    """The records of a JSON-lines text; a line that is not a procedure is listed as rejected."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            summary.rejected.append((number, f"JSON không hợp lệ: {error.msg}"))
            continue
        if not isinstance(record, dict) or not str(record.get("ma_thu_tuc", "")).strip():
            summary.rejected.append((number, "Thiếu mã thủ tục (ma_thu_tuc)"))
            continue
        yield record


BATCH_SIZE = 250


def import_records(
    records: Iterable[dict[str, str]],
    summary: ImportSummary | None = None,
    *,
    on_batch: Callable[[int], object] | None = None,
) -> ImportSummary:
    """Import records (already decoded) in batches of one transaction each."""
    summary = summary or ImportSummary()
    started = time.perf_counter()
    fields: dict[str, ProcedureField] = {f.name: f for f in ProcedureField.objects.all()}
    iterator = iter(records)
    while batch := list(itertools.islice(iterator, BATCH_SIZE)):
        # One transaction per batch; new procedures go in with one query per table.
        with transaction.atomic():
            _import_batch(batch, summary, fields)
        if on_batch is not None:
            on_batch(len(batch))
    if summary.created or summary.updated:
        _analyze()
    summary.seconds += time.perf_counter() - started
    return summary


def _analyze() -> None:
    """After a bulk load, merge the GIN index's pending list and refresh the planner's
    statistics: otherwise PostgreSQL prices the trigram index too high and scans the whole
    catalog for a typo search (36–80 ms instead of a few)."""
    tables = [
        model._meta.db_table
        for model in (Procedure, ProcedureChannel, DocumentComponent, LegalBasis, ProcedureResult)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('procedure_search_trgm'::regclass)")
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


# What catalog managers decide locally and a national update must not undo.
LOCAL_FIELDS = ("provincial_code", "online_class", "not_online_reason", "effective_date")


def _import_batch(
    batch: list[dict[str, str]], summary: ImportSummary, fields: dict[str, ProcedureField]
) -> None:
    parsed = [(record, *record_to_data(record, summary.report)) for record in batch]
    codes = [data.code for _, data, _ in parsed]
    existing = {
        p.code: p
        for p in Procedure.objects.filter(code__in=codes).only(
            "id", "code", "version", "content_hash", "imported_hash"
        )
    }
    new: dict[str, NewProcedure] = {}

    def flush_new() -> None:
        created = create_procedures(list(new.values()), reason=IMPORT_REASON, field_cache=fields)
        summary.created += len(new)
        existing.update({p.code: p for p in created})
        new.clear()

    for record, data, status in parsed:
        if data.code in new:  # the same code twice in a batch: the later line updates it
            flush_new()
        procedure = existing.get(data.code)
        if procedure is None:
            new[data.code] = NewProcedure(data, source=record, parse_status=status)
            continue
        national_hash = data.content_hash()
        if national_hash == procedure.imported_hash:
            # The national record did not change: keep whatever the province did since.
            summary.unchanged += 1
            continue
        if procedure.content_hash != procedure.imported_hash:
            _keep_local_edits(procedure, data)
        outcome = save_procedure(
            data,
            reason=IMPORT_REASON,
            source=record,
            parse_status=status,
            field_cache=fields,
            imported_hash=national_hash,
        )
        existing[data.code] = outcome.procedure
        summary.updated += outcome.changed
        summary.unchanged += not outcome.changed
    flush_new()


def _keep_local_edits(procedure: Procedure, data: ProcedureData) -> None:
    """Carry the locally managed fields of the current version into the national update."""
    current = current_data(procedure)
    for name in LOCAL_FIELDS:
        setattr(data, name, getattr(current, name))


def import_file(path: Path, *, progress: TextIO | None = sys.stderr) -> ImportSummary:
    """Import every record of ``path``. Lines that are not a procedure at all (broken JSON,
    no code) are listed in ``rejected``; every real record is imported."""
    from tqdm import tqdm

    summary = ImportSummary()
    with path.open(encoding="utf-8") as handle:
        lines = handle.readlines()
    bar = tqdm(
        total=len(lines), unit=" thủ tục", file=progress, disable=progress is None, leave=False
    )
    import_records(parse_lines(lines, summary), summary, on_batch=bar.update)
    bar.close()
    return summary

"""Import of the national catalog extract (``procedures.jsonl``).

Every record becomes a procedure: nothing is dropped. Each flattened table is parsed by
``catalog.parsing``; the parsed values go into the model, the original record stays in
``Procedure.source`` and the per-field outcome in ``Procedure.parse_status``. Re-running
updates by code and writes a new version only when the parsed content changed.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from motcua.catalog import parsing
from motcua.catalog.data import (
    ChannelData,
    DocumentData,
    LegalBasisData,
    ProcedureData,
    ResultData,
    SubCaseData,
)
from motcua.catalog.models import Channel, Level, OnlineClass, ProcedureField
from motcua.catalog.services import save_procedure

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


def _records(path: Path, summary: ImportSummary) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
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
            yield number, record


def import_file(path: Path, *, progress: TextIO | None = sys.stderr) -> ImportSummary:
    """Import every record of ``path``. Lines that are not a procedure at all (broken JSON,
    no code) are listed in ``rejected``; every real record is imported."""
    from tqdm import tqdm

    summary = ImportSummary()
    started = time.perf_counter()
    total_lines = sum(1 for _ in path.open(encoding="utf-8"))
    fields: dict[str, ProcedureField] = {f.name: f for f in ProcedureField.objects.all()}
    bar = tqdm(
        total=total_lines, unit=" thủ tục", file=progress, disable=progress is None, leave=False
    )
    for _number, record in _records(path, summary):
        data, status = record_to_data(record, summary.report)
        outcome = save_procedure(
            data,
            reason=IMPORT_REASON,
            source=record,
            parse_status=status,
            field_cache=fields,
        )
        if outcome.created:
            summary.created += 1
        elif outcome.changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
        bar.update(1)
    bar.close()
    summary.seconds = time.perf_counter() - started
    return summary

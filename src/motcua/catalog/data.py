"""Plain data of a procedure: what a version snapshot stores and what every write takes.

The import, the back-office editor and the API all build a ``ProcedureData`` and hand it to
``catalog.services.save_procedure``; the snapshot of a version is ``asdict()`` of it, so two
versions compare by their content hash and a form can be filled from any version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class SubCaseData:
    code: str
    name: str


@dataclass
class ChannelData:
    channel: str  # catalog.models.Channel value
    duration_value: str | None = None  # a decimal as text, so snapshots stay exact JSON
    duration_unit: str = ""  # catalog.models.DurationUnit value or ""
    duration_text: str = ""
    fee_vnd: int | None = None
    fee_text: str = ""
    description: str = ""
    cutoff: str | None = None  # "HH:MM"
    subcase: str | None = None  # SubCaseData.code


@dataclass
class DocumentData:
    name: str
    group_title: str = ""
    form: str = ""
    originals: int | None = None
    copies: int | None = None
    count_text: str = ""
    subcase: str | None = None


@dataclass
class LegalBasisData:
    title: str
    code: str = ""


@dataclass
class ResultData:
    name: str
    code: str = ""


@dataclass
class ProcedureData:
    code: str
    name: str
    levels: list[str]
    provincial_code: str = ""
    field_name: str = ""
    procedure_type: str = ""
    applicants: list[str] = field(default_factory=list)
    competent_agency_text: str = ""
    implementing_agency_text: str = ""
    authorised_agency_text: str = ""
    cooperating_agency_text: str = ""
    reception_address_text: str = ""
    related_procedures_text: str = ""
    steps_text: str = ""
    conditions_text: str = ""
    online_class: str = "none"
    not_online_reason: str = ""
    status: str = "published"
    decision_number: str = ""
    effective_date: str | None = None  # ISO date
    repealed_date: str | None = None
    source_url: str = ""
    ministry_slug: str = ""
    subcases: list[SubCaseData] = field(default_factory=list)
    channels: list[ChannelData] = field(default_factory=list)
    documents: list[DocumentData] = field(default_factory=list)
    legal_bases: list[LegalBasisData] = field(default_factory=list)
    results: list[ResultData] = field(default_factory=list)

    def snapshot(self) -> dict[str, Any]:
        return asdict(self)

    def content_hash(self) -> str:
        canonical = json.dumps(self.snapshot(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any]) -> ProcedureData:
        children = {
            "subcases": SubCaseData,
            "channels": ChannelData,
            "documents": DocumentData,
            "legal_bases": LegalBasisData,
            "results": ResultData,
        }
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in snapshot.items() if k in known}
        for name, child in children.items():
            values[name] = [child(**item) for item in snapshot.get(name, [])]
        return cls(**values)

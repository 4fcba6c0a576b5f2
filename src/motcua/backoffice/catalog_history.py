"""Procedure versions for people: a version's content in readable form and what changed
between two versions.

Scalars compare field by field (long texts line by line with ``difflib``). Child lists
(channels, documents…) compare as sequences of readable items: an item that changed in place
shows the fields that changed, others show as added or removed.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Channel, DurationUnit, Level, OnlineClass, ProcedureStatus

EMPTY = "—"

SCALARS: list[tuple[str, Any]] = [
    ("name", _("Tên thủ tục")),
    ("provincial_code", _("Mã thủ tục của tỉnh")),
    ("field_name", _("Lĩnh vực")),
    ("levels", _("Cấp thực hiện")),
    ("procedure_type", _("Loại thủ tục")),
    ("applicants", _("Đối tượng thực hiện")),
    ("competent_agency_text", _("Cơ quan có thẩm quyền")),
    ("implementing_agency_text", _("Cơ quan thực hiện")),
    ("authorised_agency_text", _("Cơ quan được ủy quyền")),
    ("cooperating_agency_text", _("Cơ quan phối hợp")),
    ("reception_address_text", _("Địa chỉ tiếp nhận hồ sơ")),
    ("related_procedures_text", _("Thủ tục liên quan")),
    ("steps_text", _("Trình tự thực hiện")),
    ("conditions_text", _("Yêu cầu, điều kiện")),
    ("online_class", _("Mức độ trực tuyến")),
    ("not_online_reason", _("Lý do chưa cung cấp trực tuyến")),
    ("status", _("Tình trạng")),
    ("decision_number", _("Quyết định công bố")),
    ("effective_date", _("Ngày hiệu lực")),
    ("repealed_date", _("Ngày bãi bỏ")),
    ("source_url", _("Nguồn")),
]

# list attribute → (section title, [(item field, label)])
LISTS: dict[str, tuple[Any, list[tuple[str, Any]]]] = {
    "subcases": (_("Trường hợp"), [("code", _("Mã trường hợp")), ("name", _("Tên trường hợp"))]),
    "channels": (
        _("Cách thức thực hiện"),
        [
            ("channel", _("Cách thức")),
            ("subcase", _("Trường hợp")),
            ("duration", _("Thời hạn")),
            ("duration_text", _("Thời hạn (nguyên văn)")),
            ("fee_vnd", _("Phí, lệ phí")),
            ("fee_text", _("Phí, lệ phí (nguyên văn)")),
            ("cutoff", _("Giờ tiếp nhận cuối trong ngày")),
            ("description", _("Mô tả")),
        ],
    ),
    "documents": (
        _("Thành phần hồ sơ"),
        [
            ("name", _("Tên giấy tờ")),
            ("subcase", _("Trường hợp")),
            ("group_title", _("Nhóm giấy tờ")),
            ("form", _("Mẫu đơn, tờ khai")),
            ("originals", _("Số bản chính")),
            ("copies", _("Số bản sao")),
            ("count_text", _("Số lượng (nguyên văn)")),
        ],
    ),
    "legal_bases": (
        _("Căn cứ pháp lý"),
        [("code", _("Số, ký hiệu")), ("title", _("Tên văn bản"))],
    ),
    "results": (_("Kết quả thực hiện"), [("name", _("Tên kết quả")), ("code", _("Mã kết quả"))]),
}

# Longer than this (or on several lines): compared line by line instead of before/after.
LONG_TEXT = 200


def money(value: int) -> str:
    """An amount in đồng with its thousands grouped: 50.000 (formats in motcua.formats.vi)."""
    return number_format(value, 0, force_grouping=True)


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _date(value: str | None) -> str:
    if not value:
        return EMPTY
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def scalar_text(name: str, value: Any) -> str:
    """A top-level value of a snapshot as people read it."""
    if name == "levels":
        return ", ".join(_label(Level, v) for v in value or []) or EMPTY
    if name == "applicants":
        return "\n".join(value or []) or EMPTY
    if name == "online_class":
        return _label(OnlineClass, value) if value else EMPTY
    if name == "status":
        return _label(ProcedureStatus, value) if value else EMPTY
    if name in ("effective_date", "repealed_date"):
        return _date(value)
    if value is None or value == "":
        return EMPTY
    return str(value)


def _duration(item: dict[str, Any]) -> str:
    value, unit = item.get("duration_value"), item.get("duration_unit")
    if value in (None, "") or not unit:
        return EMPTY
    return f"{value} {_label(DurationUnit, unit)}"


def item_text(kind: str, name: str, item: dict[str, Any], subcases: dict[str, str]) -> str:
    """One field of a child item as people read it."""
    if name == "duration":
        return _duration(item)
    value = item.get(name)
    if name == "channel":
        return _label(Channel, value)
    if name == "subcase":
        return subcases.get(value, value) if value else str(_("Chung"))
    if name == "fee_vnd":
        if value is None:
            return EMPTY
        return str(_("Miễn phí")) if value == 0 else f"{money(value)} đ"
    if value is None or value == "":
        return EMPTY
    return str(value)


def _subcase_names(snapshot: dict[str, Any]) -> dict[str, str]:
    return {s["code"]: s["name"] for s in snapshot.get("subcases", [])}


def _rows(kind: str, snapshot: dict[str, Any], with_subcase: bool) -> list[list[tuple[str, str]]]:
    """Every item of list ``kind`` as [(label, text)], with or without the sub-case column."""
    subcases = _subcase_names(snapshot)
    columns = [(name, label) for name, label in LISTS[kind][1] if name != "subcase" or with_subcase]
    return [
        [(str(label), item_text(kind, name, item, subcases)) for name, label in columns]
        for item in snapshot.get(kind, [])
    ]


# --- a version's content ----------------------------------------------------------------------
@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class SnapshotView:
    scalars: list[tuple[str, str]]
    sections: list[Section]


def snapshot_view(snapshot: dict[str, Any]) -> SnapshotView:
    scalars = [(str(label), scalar_text(name, snapshot.get(name))) for name, label in SCALARS]
    sections = []
    for kind, (title, _fields) in LISTS.items():
        rows = _rows(kind, snapshot, bool(snapshot.get("subcases")))
        if kind == "subcases" and not rows:
            continue
        columns = [label for label, _text in rows[0]] if rows else []
        sections.append(Section(kind, str(title), columns, [[t for _l, t in r] for r in rows]))
    return SnapshotView(scalars, sections)


# --- differences ------------------------------------------------------------------------------
@dataclass
class Line:
    kind: str  # "added", "removed", "context" or "gap"
    text: str


@dataclass
class ScalarChange:
    label: str
    before: str
    after: str
    lines: list[Line] = field(default_factory=list)  # for long texts, instead of before/after


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ItemChange:
    kind: str  # "added", "removed" or "changed"
    title: str
    fields: list[FieldChange]  # changed fields; every field for added and removed items


@dataclass
class ListChanges:
    key: str
    title: str
    items: list[ItemChange]


@dataclass
class SnapshotDiff:
    scalars: list[ScalarChange]
    lists: list[ListChanges]

    @property
    def empty(self) -> bool:
        return not self.scalars and not self.lists

    @property
    def count(self) -> int:
        return len(self.scalars) + sum(len(c.items) for c in self.lists)


def _line_diff(before: str, after: str) -> list[Line]:
    lines = []
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1)
    for raw in diff:
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            lines.append(Line("gap", "…"))
        elif raw.startswith("+"):
            lines.append(Line("added", raw[1:]))
        elif raw.startswith("-"):
            lines.append(Line("removed", raw[1:]))
        else:
            lines.append(Line("context", raw[1:]))
    if lines and lines[0].kind == "gap":
        lines = lines[1:]
    return lines


def _item_title(kind: str, row: list[tuple[str, str]]) -> str:
    title = row[0][1]
    return title if len(title) <= 120 else title[:119] + "…"


def diff_snapshots(old: dict[str, Any], new: dict[str, Any]) -> SnapshotDiff:
    """What changed from snapshot ``old`` to snapshot ``new``."""
    scalars = []
    for name, label in SCALARS:
        before, after = scalar_text(name, old.get(name)), scalar_text(name, new.get(name))
        if before == after:
            continue
        change = ScalarChange(str(label), before, after)
        if "\n" in before + after or max(len(before), len(after)) > LONG_TEXT:
            change.lines = _line_diff(
                "" if before == EMPTY else before, "" if after == EMPTY else after
            )
        scalars.append(change)

    lists = []
    with_subcase = bool(old.get("subcases") or new.get("subcases"))
    for kind, (title, _fields) in LISTS.items():
        old_rows, new_rows = _rows(kind, old, with_subcase), _rows(kind, new, with_subcase)
        old_keys = ["\n".join(t for _l, t in r) for r in old_rows]
        new_keys = ["\n".join(t for _l, t in r) for r in new_rows]
        items: list[ItemChange] = []
        matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
            for k in range(paired):
                before, after = old_rows[i1 + k], new_rows[j1 + k]
                changed = [
                    FieldChange(label, b, a)
                    for (label, b), (_label2, a) in zip(before, after, strict=False)
                    if a != b
                ]
                items.append(ItemChange("changed", _item_title(kind, after), changed))
            for row in old_rows[i1 + paired : i2]:
                fields_ = [FieldChange(label, text, "") for label, text in row if text != EMPTY]
                items.append(ItemChange("removed", _item_title(kind, row), fields_))
            for row in new_rows[j1 + paired : j2]:
                fields_ = [FieldChange(label, "", text) for label, text in row if text != EMPTY]
                items.append(ItemChange("added", _item_title(kind, row), fields_))
        if items:
            lists.append(ListChanges(kind, str(title), items))
    return SnapshotDiff(scalars, lists)

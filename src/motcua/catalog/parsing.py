"""Heuristic parsers for the flattened tables of the national procedure catalog (TTHC).

The National Public Service Portal renders a procedure page with HTML tables; the crawled
extract (``/work/shared/data/tthc/procedures.jsonl``) keeps only their text, cells glued
together without separators. Each parser here turns one such field back into typed values
and says how sure it is:

- ``parsed``: the whole text was understood;
- ``partly``: something was extracted but some text was left over or ambiguous (``note``);
- ``failed``: nothing usable came out of a non-empty text (the value is empty);
- ``empty``: the field is blank or reads "Không có thông tin" — and, for the tables, when
  nothing but the table header or the page boilerplate is left.

The raw text is always kept in ``Parsed.raw`` and no parser ever raises: an unexpected error
becomes a ``failed`` result. Pure Python: the standard library and ``motcua.core.text`` only.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, cast

from motcua.core.text import fold, nfc

Status = Literal["parsed", "partly", "failed", "empty"]
STATUSES: tuple[Status, ...] = ("parsed", "partly", "failed", "empty")

ChannelKind = Literal["direct", "online", "postal"]
DurationUnit = Literal["hours", "working_hours", "days", "working_days", "months"]


@dataclass(frozen=True)
class Parsed[T]:
    """The outcome of parsing one field: the value, how sure we are, and the original text."""

    value: T
    status: Status
    raw: str
    note: str = ""


@dataclass(frozen=True)
class ChannelRow:
    """A row of the "Cách thức thực hiện" table: one submission channel, its deadline and fee."""

    channel: ChannelKind
    duration_value: Decimal | None
    duration_unit: DurationUnit | None
    duration_text: str
    fee_vnd: int | None
    fee_text: str
    description: str
    cutoff: datetime.time | None


@dataclass(frozen=True)
class DocumentItem:
    """One document of the dossier ("Thành phần hồ sơ") with its template and count."""

    name: str
    form: str
    originals: int | None
    copies: int | None
    count_text: str


@dataclass(frozen=True)
class DocumentGroup:
    """A section of the dossier; ``title`` is "" for the default section."""

    title: str
    is_case: bool
    items: tuple[DocumentItem, ...]


@dataclass(frozen=True)
class LegalBasis:
    """One legal document the procedure rests on ("Căn cứ pháp lý")."""

    title: str
    code: str


@dataclass(frozen=True)
class ResultItem:
    """One result of the procedure ("Kết quả thực hiện") with its catalog code."""

    name: str
    code: str


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def is_missing(raw: str) -> bool:
    """Tell whether a field is blank or reads "Không có thông tin" (any case, any spacing)."""
    if not isinstance(raw, str):
        return raw is None
    if len(raw.strip()) > 64:
        # Only short texts can be a blank marker; folding whole tables here dominated imports.
        return False
    text = " ".join(fold(raw).split()).strip(" .:;-")
    return text in ("", "khong co thong tin")


def _never_raise[P: Parsed[Any]](
    empty: object,
) -> Callable[[Callable[[str], P]], Callable[[str], P]]:
    """Wrap a parser so that any input, even a non-string, yields a ``Parsed``."""

    def decorate(parser: Callable[[str], P]) -> Callable[[str], P]:
        @functools.wraps(parser)
        def wrapper(raw: str) -> P:
            if not isinstance(raw, str):
                return cast(P, Parsed(empty, "failed", raw, "input is not text"))
            try:
                return parser(raw)
            except Exception as exc:  # a parser bug must never stop an import
                note = f"parser error: {type(exc).__name__}"
                return cast(P, Parsed(empty, "failed", raw, note))

        return wrapper

    return decorate


def _join_notes(notes: list[str]) -> str:
    """Join notes once each, in order."""
    return "; ".join(dict.fromkeys(n for n in notes if n))


def _clip(text: str, limit: int = 40) -> str:
    """Shorten ``text`` for a note."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_BULLETS = " \t\r\n-–—+•*·\uf0b7\uf0fc\uf0a7>"


def _clean_name(text: str) -> str:
    """Strip bullets, spacing and trailing separators from an item name."""
    text = text.strip().lstrip(_BULLETS).strip()
    return text.rstrip(" \t\r\n;,").strip()


# --------------------------------------------------------------------------------------------
# Channels ("Cách thức thực hiện")
# --------------------------------------------------------------------------------------------

_CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_CHANNELS: dict[str, ChannelKind] = {
    "Trực tiếp": "direct",
    "Trực tuyến": "online",
    "Dịch vụ bưu chính": "postal",
}
_CHANNEL_RE = re.compile("|".join(_CHANNELS))

_UNITS: dict[str, tuple[DurationUnit, int]] = {
    "ngay lam viec": ("working_days", 1),
    "gio lam viec": ("working_hours", 1),
    "ngay": ("days", 1),
    "gio": ("hours", 1),
    "thang": ("months", 1),
    "nam": ("months", 12),
}
_NUMBER = r"\d+(?:[.,]\d+)?"
_TIME_WITH_UNIT_RE = re.compile(
    rf"({_NUMBER})[ \t]*([Nn]gày [Ll]àm việc|[Gg]iờ [Ll]àm việc|[Nn]gày|[Gg]iờ|[Tt]háng|[Nn]ăm)"
    r"(?![a-zà-ỹđ])"
)
_TIME_NONE_RE = re.compile(
    r"Không có thông tin|Không quy định|Không phải trả kết quả cho người nộp thuế|Không(?= ?[KM])"
)
_CURRENCY = r"(?:Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD)"
_AMOUNT = r"\d{1,3}(?:[.,]\d{3})+|\d+"
_FEE_HEAD_RE = re.compile(
    rf"Miễn phí|Không có thông tin|(?<![\d.,])(?P<amount>{_AMOUNT})[ \t]*(?P<cur>{_CURRENCY})"
    rf"|(?:Lệ phí|Phí)[ \t]*:[ \t]*(?:(?P<amount2>{_AMOUNT})[ \t]*)?(?P<cur2>{_CURRENCY})?"
)
# A unit-less time glued to the fee amount: "120 VNĐ" = time 1 + fee 20.
_GLUED_RE = re.compile(rf"(\d+)((?:[.,]\d{{3}})*)[ \t]*({_CURRENCY})")
# Amounts quoted inside a fee note: "70.000 đồng", "8.000.000/lần", "10 triệu đồng".
_NOTE_AMOUNT_RE = re.compile(
    r"(?<![\d.,/])(\d{1,3}(?:[.,]\d{3})+|\d+)(?![\d/])[ \t]*"
    r"(?:(triệu|nghìn|ngàn)[ \t]*)?(đồng|Đồng|VNĐ|vnđ|VND|đ\b|Đ\b)?"
)
_CUTOFF_RE = re.compile(
    r"\bsau\s+(\d{1,2})\s*(?:giờ|h|g)\s*(?:(\d{2})\s*(?:phút)?)?(?![\d])", re.IGNORECASE
)


def _amount_int(text: str) -> int | None:
    """Read "2,000,000" / "20.000" / "120" as an integer."""
    digits = re.sub(r"[.,\s]", "", text)
    return int(digits) if digits.isdigit() else None


def _decimal(text: str) -> Decimal | None:
    """Read "5", "0,5" or "1.5" as a Decimal."""
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _balanced_end(text: str, start: int) -> int | None:
    """Return the index just past the parenthesis closing the one at ``start``."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _note_amounts(note: str) -> set[int]:
    """Amounts (in đồng) quoted in a fee note; bare numbers count only when grouped."""
    found: set[int] = set()
    for m in _NOTE_AMOUNT_RE.finditer(note):
        number, scale, currency = m.group(1), m.group(2), m.group(3)
        grouped = bool(re.search(r"[.,]\d{3}", number))
        if not (grouped or scale or currency):
            continue
        if scale:
            value = _decimal(number) if not grouped else Decimal(_amount_int(number) or 0)
            if value is None:
                continue
            found.add(int(value * (1_000_000 if scale == "triệu" else 1_000)))
        else:
            amount = _amount_int(number)
            if amount is not None:
                found.add(amount)
    return found


@dataclass(frozen=True)
class _Time:
    value: Decimal | None
    unit: DurationUnit | None
    text: str
    rest: str
    notes: tuple[str, ...] = ()
    glued: str = ""  # "1 + 20" when a unit-less time ran into the fee amount


def _read_time(cells: str, strict: bool) -> _Time | None:
    """Read the time cell at the start of ``cells``; None when ``strict`` and it is not one."""
    m = _TIME_WITH_UNIT_RE.match(cells)
    if m:
        unit, factor = _UNITS[fold(m.group(2))]
        value = _decimal(m.group(1))
        notes: tuple[str, ...] = ()
        if value is not None and factor != 1:
            value *= factor
            notes = ("duration in years converted to months",)
        return _Time(value, unit, m.group(0), cells[m.end() :], notes)
    m = _TIME_NONE_RE.match(cells)
    if m:
        return _Time(None, None, m.group(0), cells[m.end() :])
    m = re.match(r"\d+", cells)
    if m:
        rest = cells[m.end() :].lstrip(" \t")
        if _FEE_HEAD_RE.match(rest):
            return _Time(_decimal(m.group(0)), None, m.group(0), rest)
        glued = _GLUED_RE.match(cells)
        if glued and len(glued.group(1)) > 1:
            digits = glued.group(1)
            cut = 1
            while cut < len(digits) - 1 and digits[cut] == "0":
                cut += 1
            time_digits, fee = digits[:cut], digits[cut:] + glued.group(2)
            return _Time(
                _decimal(time_digits),
                None,
                time_digits,
                cells[cut:],
                glued=f"{time_digits} + {fee}",
            )
        if strict:
            return None
        return _Time(_decimal(m.group(0)), None, m.group(0), cells[m.end() :])
    if strict:
        return None
    # Free text instead of a time: it runs up to the fee cell.
    best: re.Match[str] | None = None
    for fm in _FEE_HEAD_RE.finditer(cells):
        if fm.start() > 0:
            best = fm
            break
    if best is None:
        return _Time(None, None, "", cells, ("no duration or fee recognised",))
    text = cells[: best.start()].strip()
    return _Time(None, None, text, cells[best.start() :], ("duration is free text",))


def _row_head_ok(body: str, pos: int) -> bool:
    """Tell whether a channel name ending at ``pos`` is followed by a time and a fee cell."""
    cells = body[pos:].lstrip(" \t")
    time = _read_time(cells, strict=True)
    if time is None:
        return False
    return _FEE_HEAD_RE.match(time.rest.lstrip(" \t")) is not None


def _parse_row(channel: ChannelKind, cells: str) -> tuple[ChannelRow, list[str]]:
    """Split the text following a channel name into time, fee and description."""
    cells = cells.lstrip(" \t")
    time = _read_time(cells, strict=False) or _Time(None, None, "", cells)
    notes = list(time.notes)
    if time.glued and not _FEE_HEAD_RE.match(time.rest.lstrip(" \t")):
        notes.append(f"time and fee digits run together, read as {time.glued}")
    rest = time.rest.lstrip(" \t")
    fee_vnd: int | None = None
    fee_text = ""
    head = _FEE_HEAD_RE.match(rest)
    if head is None:
        description = rest
        if "no duration or fee recognised" not in notes:
            notes.append("fee not recognised")
    else:
        after = rest[head.end() :]
        fee_note = ""
        stripped = after.lstrip(" \t")
        if stripped.startswith("("):
            offset = len(after) - len(stripped)
            end = _balanced_end(after, offset)
            if end is None:
                end = after.rfind(")") + 1 or len(after)
                notes.append("fee note has an unclosed parenthesis, cut at the last ')'")
            fee_note = after[offset:end]
            after = after[end:]
        fee_text = (head.group(0) + fee_note).strip()
        description = after
        word = head.group(0)
        amount = head.group("amount") or head.group("amount2")
        currency = head.group("cur") or head.group("cur2") or ""
        if word.startswith("Miễn phí"):
            fee_vnd = 0
        elif word.startswith("Không có thông tin"):
            fee_vnd = None
        elif amount is None:
            notes.append("fee amount not stated")
        elif currency == "USD":
            notes.append("fee in USD")
        elif re.search(rf"(?<![\d.,]){re.escape(amount)}\s*USD", fee_note):
            notes.append("fee in USD (the note says so)")
        else:
            fee_vnd = _amount_int(amount)
        quoted = _note_amounts(fee_note)
        if fee_vnd and fee_vnd < 1000:
            if fee_vnd * 1000 in quoted:
                # The portal shows some fees in thousands: "135 VNĐ(… 135.000 đồng/lần)".
                fee_vnd *= 1000
            else:
                notes.append(f"fee of {fee_vnd} đồng looks like thousands")
        if time.glued and not (fee_vnd and fee_vnd in quoted):
            notes.append(f"time and fee digits run together, read as {time.glued}")
        if "%" in fee_note:
            notes.append("percentage fee")
        others = quoted - {fee_vnd or 0}
        if others and "percentage fee" not in notes:
            shown = ", ".join(f"{a:,}" for a in sorted(others)[:3])
            notes.append(f"fee note lists other amounts ({shown})")
    description = description.strip()
    cutoff = None
    for m in _CUTOFF_RE.finditer(description):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if hour < 24 and minute < 60:
            cutoff = datetime.time(hour, minute)
            break
    row = ChannelRow(
        channel=channel,
        duration_value=time.value,
        duration_unit=time.unit,
        duration_text=time.text.strip(),
        fee_vnd=fee_vnd,
        fee_text=fee_text,
        description=description,
        cutoff=cutoff,
    )
    return row, notes


@_never_raise(())
def parse_channels(raw: str) -> Parsed[tuple[ChannelRow, ...]]:
    """Parse ``cach_thuc_thuc_hien``: one row per channel with time, fee, description, cut-off.

    A row starts with "Trực tiếp", "Trực tuyến" or "Dịch vụ bưu chính"; inside a description
    these words only count when a time and a fee cell follow them.
    """
    if is_missing(raw):
        return Parsed((), "empty", raw)
    body = nfc(raw).strip()
    if body.startswith(_CHANNEL_HEADER):
        body = body[len(_CHANNEL_HEADER) :]
    body = body.strip()
    if is_missing(body):
        return Parsed((), "empty", raw, "header only")
    starts: list[re.Match[str]] = [
        m for m in _CHANNEL_RE.finditer(body) if m.start() == 0 or _row_head_ok(body, m.end())
    ]
    if not starts:
        return Parsed((), "failed", raw, "no channel row found")
    notes: list[str] = []
    if body[: starts[0].start()].strip():
        notes.append(f"text before the first row: {_clip(body[: starts[0].start()])}")
    rows: list[ChannelRow] = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        row, row_notes = _parse_row(_CHANNELS[m.group(0)], body[m.end() : end])
        rows.append(row)
        notes.extend(f"{m.group(0)}: {n}" for n in row_notes)
    return Parsed(tuple(rows), "partly" if notes else "parsed", raw, _join_notes(notes))


# --------------------------------------------------------------------------------------------
# Documents ("Thành phần hồ sơ")
# --------------------------------------------------------------------------------------------

_DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_COUNT_RE = re.compile(
    r"Bản chính\s*:\s*(?P<a_o>\d+)\s*,?\s*Bản sao\s*:\s*(?P<a_c>\d+)"
    r"|(?<!\d)(?P<b_o>\d+) ?bản chính ?, ?(?P<b_c>\d+) ?bản sao"
    r"|(?<!\d)(?P<c_o>\d+) ?bản chính"
    r"|(?<!\d)(?P<d_c>\d+) ?bản sao(?: có chứng thực)?"
)
_EXT_RE = re.compile(
    r"\.(?:docx?|DOCX?|Docx?|pdf|PDF|xlsx?|XLSX?|rar|RAR|zip|ZIP|rtf|odt|jpe?g|JPE?G|png|PNG)"
    r"(?![a-z])"
)
_FORM_WORD_RE = re.compile(
    r"(?<=[a-zà-ỹđ])(?=(?:mẫu|Mẫu|Mau|mau|văn bản|Văn bản|Phụ lục|phụ lục|Phu luc|PL|Đơn|đơn|"
    r"Tờ khai|tờ khai|tờ trình|Tờ trình|TK|BM)[\s\d._-])"
)
_CASE_RE = re.compile(r"^(?:\W|\d|[a-zđ]\))*(?:truong hop|doi voi)")


def _form_start(text: str, ext_pos: int) -> int:
    """Where the first template file name ending at ``ext_pos`` begins (0 if it cannot tell)."""
    region = text[:ext_pos]
    candidates: set[int] = set()
    for i, ch in enumerate(region):
        nxt = region[i + 1] if i + 1 < len(region) else ""
        if ch == ";":
            candidates.add(i + 1)
        elif ch in ".):" and nxt and not nxt.isspace() and nxt not in ".;:":
            prev = region[i - 1] if i else ""
            if ch == "." and prev.isdigit() and nxt.isdigit():
                continue
            candidates.add(i + 1)
        elif (
            i
            and ch.isupper()
            and region[i - 1].isalnum()
            and (region[i - 1].islower() or (nxt.islower() and not region[i - 1].islower()))
        ):
            candidates.add(i)
    candidates.update(m.start() for m in _FORM_WORD_RE.finditer(region))
    candidates = {c for c in candidates if region[c:].strip()}
    # The farthest boundary that still leaves a short file name, else the nearest one.
    for start in sorted(candidates):
        if region[start:].count(" ") <= 12:
            return start
    return max(candidates, default=0)


def _split_form(text: str) -> tuple[str, str]:
    """Split "name + template file names" into (name, forms joined by '; ')."""
    ends = list(_EXT_RE.finditer(text))
    if not ends or text[ends[-1].end() :].strip(" .;"):
        return text, ""
    # The chain of file names glued at the end: "A.docxB.docx".
    chain = [ends[-1]]
    for m in reversed(ends[:-1]):
        gap = text[m.end() : chain[0].start()]
        if gap.count(" ") > 12 or ";" in gap:
            break
        chain.insert(0, m)
    start = _form_start(text, chain[0].start())
    forms: list[str] = []
    pos = start
    for m in chain:
        if m.start() < pos:
            continue
        piece = text[pos : m.end()].strip(" ;,-")
        if forms and not piece.strip(".").replace(m.group(0)[1:], ""):
            forms[-1] += piece  # "… (1).docx.docx"
        else:
            forms.append(piece.lstrip("."))
        pos = m.end()
    name = text[:start]
    form = "; ".join(f for f in forms if f)
    if not _clean_name(name):
        return text, form
    return name, form


def _count_digits(text: str, m: re.Match[str], group: str) -> tuple[int, int]:
    """(start of the count, count value) for a number glued to the preceding name."""
    start = m.start(group)
    digits = m.group(group)
    if len(digits) == 1 or (len(digits) == 2 and digits[0] == "0"):
        return start, int(digits)
    return m.end(group) - 1, int(digits[-1])


def _count_end(text: str, m: re.Match[str]) -> int | None:
    """Where an item ending with the count ``m`` ends, or None when the count is inside a name.

    A table count is glued to the next item ("1 bản chínhĐơn đề nghị…") or ends the text;
    "(01 bản chính)", "nộp 02 bản chính tờ khai" and "01 bản chính hoặc …" are prose.
    """
    end = m.end()
    if text[end : end + 1] in (".", ";", ","):
        end += 1
    after = text[end:]
    if not after.strip():
        return end
    nxt = after[0]
    if nxt in "),:]" or (nxt == " " and "\n" not in after[:2]):
        return None
    return end


def _parse_items(text: str) -> tuple[list[DocumentItem], str]:
    """Cut ``text`` into items ending with a count; return them and the text left after."""
    items: list[DocumentItem] = []
    prev = 0
    for m in _COUNT_RE.finditer(text):
        if m.start() < prev:
            continue
        end = _count_end(text, m)
        if end is None:
            continue
        following = _COUNT_RE.match(text, end)
        if following and _count_end(text, following) is not None:
            continue  # "01 bản sao;0 bản chính,1 bản sao": the last count is the table's
        group = next(g for g in ("a_o", "b_o", "c_o", "d_c") if m.group(g) is not None)
        if group == "a_o":
            start, originals, copies = m.start(), int(m.group("a_o")), int(m.group("a_c"))
        elif group == "b_o":
            start, originals = _count_digits(text, m, "b_o")
            copies = int(m.group("b_c"))
        elif group == "c_o":
            start, originals = _count_digits(text, m, "c_o")
            copies = 0
        else:
            start, copies = _count_digits(text, m, "d_c")
            originals = 0
        name, form = _split_form(text[prev:start].strip())
        name = _clean_name(name)
        if not name:
            continue
        items.append(DocumentItem(name, form, originals, copies, text[start : m.end()]))
        prev = end
    return items, text[prev:]


def _clean_title(text: str) -> str:
    """Tidy a section title: "* Giấy tờ phải nộp:" -> "Giấy tờ phải nộp"."""
    text = text.strip().strip(_BULLETS).strip()
    return text.rstrip(" :;,").strip()


def _is_case(title: str) -> bool:
    """Tell whether a section title describes a sub-case ("Trường hợp …", "Đối với …")."""
    return bool(_CASE_RE.match(fold(title)))


@_never_raise(())
def parse_documents(raw: str) -> Parsed[tuple[DocumentGroup, ...]]:
    """Parse ``thanh_phan_ho_so`` into sections of documents with templates and counts."""
    if is_missing(raw) or not raw.strip(_BULLETS):
        return Parsed((), "empty", raw)
    text = nfc(raw)
    parts = text.split(_DOC_HEADER)
    if len(parts) == 1:
        items, rest = _parse_items(text)
        if not items:
            return Parsed((), "failed", raw, "no table header and no document count")
        group = DocumentGroup("", False, tuple(items))
        return Parsed((group,), "partly", raw, "no table header")
    notes: list[str] = []
    groups: list[DocumentGroup] = []
    title = _clean_title(parts[0])
    for i, segment in enumerate(parts[1:], start=1):
        items, rest = _parse_items(segment)
        if items or title:
            groups.append(DocumentGroup(title, _is_case(title), tuple(items)))
        if i < len(parts) - 1:
            title = _clean_title(rest)
        elif rest.strip(_BULLETS):
            notes.append(f"text after the last count: {_clip(rest.strip())}")
            if not items and not groups:
                groups.append(DocumentGroup(title, _is_case(title), ()))
    if not any(g.items for g in groups):
        if notes:
            return Parsed((), "failed", raw, "no document count found")
        return Parsed((), "empty", raw, "header only")
    return Parsed(tuple(groups), "partly" if notes else "parsed", raw, _join_notes(notes))


# --------------------------------------------------------------------------------------------
# Legal bases ("Căn cứ pháp lý")
# --------------------------------------------------------------------------------------------

_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
_UPPER = "A-ZĐƯƠÂÊÔĂ"
_TOKENS = sorted(
    """TTLT NQLT TT NĐ ND QĐ QD NQ PL CT LLTP CP TTg TTG BTC BCA BXD BNNMT BNNPTNT BTP NHNN
    BGTVT BTNMT BLĐTBXH BKHĐT BKHCN BYT BQP BNG BCT BNV BGDĐT BVHTTDL BTTTT BGD VPCP UBND
    HĐND TANDTC VKSNDTC KTNN UBDT CTN LCT HĐTP HĐBT TLĐ MTTQ UBCKNN BHXH""".split(),
    key=len,
    reverse=True,
)
_TOKEN = (
    rf"(?:(?:UBTV)?QH(?:1[0-5]|[1-9])|{'|'.join(_TOKENS)}"
    rf"|[{_UPPER}]{{2,}}(?![a-zà-ỹđ])|[{_UPPER}](?=[{_UPPER}][a-zà-ỹđ]))"
)
_DOC_NUMBER = r"\d{1,8}(?:\.\d{1,3})?[a-z]?"  # bounded: the start may sit inside a digit run
_FULL_CODE = (
    rf"{_DOC_NUMBER}/(?:(?:19|20)\d\d/)?(?:(?:UBTV)?QH(?:1[0-5]|[1-9])|{_TOKEN}(?:[-_/]{_TOKEN})+)"
)
_LEGAL_CODE_RE = re.compile(
    rf"(?=(?P<num>{_DOC_NUMBER})/){_FULL_CODE}"
    rf"|(?<!\d)(?P<old>\d{{1,6}})-(?:CP|HĐBT|TTg)(?![a-z0-9])"
    rf"|(?P<short>\d{{1,8}})/(?:19|20)\d\d(?![\d/])"
)
_PREFIX_WORDS = (
    r"(?:Bộ luật|Luật|Nghị định|Thông tư liên tịch|Thông tư|Quyết định|Nghị quyết|Pháp lệnh"
    r"|Chỉ thị|Công văn|Văn bản hợp nhất|NĐ|TT|QĐ|NQ)"
)
# The code cell may repeat the type: "…thực vậtNghị định số 33/2026/NĐ-CP".
_CODE_PREFIX_RE = re.compile(rf"(?<=\S)(?:{_PREFIX_WORDS}(?:\s+số)?|[Ss]ố)\s*:?\s*$")
_GLUED_PREFIX_RE = re.compile(rf"(?<=[a-zà-ỹđ.;,:)\]”\d]){_PREFIX_WORDS}(?:\s+số)?\s*:?\s*$")
_TITLE_START_RE = re.compile(
    r"(?<=[a-zà-ỹđ.;)])(?:Luật|Nghị định|Thông tư|Quyết định|Nghị quyết|Pháp lệnh)(?=\s)"
)
_LEGAL_TAIL_RE = re.compile(r"Cơ quan thực hiện|Từ khóa")


@dataclass(frozen=True)
class _Code:
    start: int
    end: int
    text: str
    full: bool  # NUMBER/…/TYPE-ISSUER, not just NUMBER/YEAR


def _legal_codes(body: str) -> list[_Code]:
    """Document codes in ``body``, a year glued in front of the number taken off."""
    codes: list[_Code] = []
    for m in _LEGAL_CODE_RE.finditer(body):
        start = m.start()
        number = m.group("num") or m.group("old") or m.group("short") or ""
        # "ngày 25/01/202640/2026/NĐ-CP", "năm 201335/2013/QH13": a year glued to the number.
        if len(number) > 4 and re.match(r"(?:19|20)\d\d\d", number):
            start += 4
        codes.append(_Code(start, m.end(), body[start : m.end()], m.group("short") is None))
    return codes


def _same_code(first: _Code, second: _Code) -> bool:
    """Tell whether ``first`` repeats ``second`` ("46/2020/NĐ-CP" then "46/2020" counts)."""
    a, b = (re.sub(r"[-_/]", "", c.text) for c in (first, second))
    return a == b or (not second.full and a.startswith(b))


def _normal_code(code: str) -> str:
    """Tidy a code as written: "31/2025/TT_BCA" -> "31/2025/TT-BCA", "QD" -> "QĐ"."""
    code = re.sub(r"(?<=[A-ZĐ])[_/](?=[A-ZĐ])", "-", code)
    return re.sub(r"(?<![A-ZĐ])(N|Q)D-", lambda m: f"{m.group(1)}Đ-", code)


def _legal_title(text: str) -> str:
    """The title cell; a code-cell prefix ("…tịchLuật số") glued at its end is dropped."""
    title = _clean_name(text)
    return _CODE_PREFIX_RE.sub("", title).rstrip(" ,;:")


@_never_raise(())
def parse_legal_bases(raw: str) -> Parsed[tuple[LegalBasis, ...]]:
    """Parse ``can_cu_phap_ly`` into (title, code) pairs.

    Each entry is a title followed, without separator, by its code NUMBER/YEAR/TYPE-ISSUER
    (sometimes written "Luật số 32/2024/QH15" or just "24/2024"). A code ends an entry when it
    is glued to the next title or ends the text; when two equal codes are glued together
    ("Luật 54/2014/QH1354/2014/QH13"), the first one belongs to the title.
    """
    if is_missing(raw):
        return Parsed((), "empty", raw)
    body = nfc(raw).strip()
    header = body.startswith(_LEGAL_HEADER)
    if header:
        body = body[len(_LEGAL_HEADER) :].strip()
    tail = _LEGAL_TAIL_RE.search(body)
    if tail and tail.start() > 0:
        body = body[: tail.start()].strip()
    if is_missing(body):
        return Parsed((), "empty", raw, "header only")
    codes = _legal_codes(body)
    if not header:
        full = [c for c in codes if c.full]
        if full:
            entry = LegalBasis(_clean_name(body), _normal_code(full[0].text))
            return Parsed((entry,), "partly", raw, "no table header; kept as one entry")
        return Parsed((), "failed", raw, "no table header and no document code")
    ends: list[_Code] = []
    i = len(codes) - 1
    while i >= 0:
        code = codes[i]
        following = body[code.end : code.end + 1]
        glued_next = i + 1 < len(codes) and codes[i + 1].start == code.end
        prefixed = (
            code.full
            and _GLUED_PREFIX_RE.search(body, max(0, code.start - 80), code.start) is not None
            and re.match(r"\s+[A-ZĐ]", body[code.end : code.end + 3]) is not None
        )
        if (following.isspace() and not prefixed) or (
            not code.full and following and not glued_next and not following.isupper()
        ):
            i -= 1
            continue
        ends.append(code)
        # Glued chain: the same code just before belongs to the title.
        if i > 0 and codes[i - 1].end == code.start and _same_code(codes[i - 1], code):
            i -= 2
            continue
        i -= 1
    ends.reverse()
    entries: list[LegalBasis] = []
    notes: list[str] = []
    prev = 0
    for code in ends:
        if code.start < prev:
            continue
        title = _legal_title(body[prev : code.start])
        if not title:  # "Luật số" + code: the title cell was empty or held only the type
            title = " ".join(f"{_clean_name(body[prev : code.start])} {code.text}".split())
        text = code.text
        if not code.full:
            # "Nghị định số 46/2020/NĐ-CP46/2020": complete the code from the title.
            whole = re.search(rf"(?<![\d/]){re.escape(text)}/{_TOKEN}(?:[-_/]{_TOKEN})*", title)
            if whole:
                text = whole.group(0)
            else:
                notes.append(f"code without type or issuer: {text}")
        entries.append(LegalBasis(title, _normal_code(text)))
        if _TITLE_START_RE.search(title):
            notes.append(f"a title may hold two documents: {_clip(title, 60)}")
        prev = code.end
    rest = _clean_name(body[prev:]).strip(" .;,:")
    if rest:
        entries.append(LegalBasis(_legal_title(rest), ""))
        notes.append(f"text after the last code: {_clip(rest)}")
    if not ends:
        notes = ["no document code found"]
    return Parsed(tuple(entries), "partly" if notes else "parsed", raw, _join_notes(notes))


# --------------------------------------------------------------------------------------------
# Results ("Kết quả thực hiện")
# --------------------------------------------------------------------------------------------

_BOILERPLATE_RE = re.compile(r"Từ khóa|Chọn cơ quan thực hiện|Nộp hồ sơ$")
_RESULT_SPLIT_RE = re.compile(r"Mã\s*:\s*")
_RESULT_CODE_RE = re.compile(
    r"(?:(?:[A-Z0-9]+|[a-z]\d+)[.\-_])*[A-Z]*\d+|[A-Z]{2,}(?:[.\-_][A-Z0-9]+)*(?=\s*$)"
)
_ODD_CODE_RE = re.compile(r"[A-Za-z0-9_]+?(?=[A-ZĐÀ-Ỹ][a-zà-ỹđ]|\s|$)|[A-Za-z0-9_]+$")


@_never_raise(())
def parse_results(raw: str) -> Parsed[tuple[ResultItem, ...]]:
    """Parse ``ket_qua_xu_ly``: result names each followed by "Mã: CODE"; page text is cut."""
    if is_missing(raw):
        return Parsed((), "empty", raw)
    text = nfc(raw)
    cut = _BOILERPLATE_RE.search(text)
    body = (text[: cut.start()] if cut else text).strip()
    if is_missing(body):
        return Parsed((), "empty", raw, "page boilerplate only")
    pieces = _RESULT_SPLIT_RE.split(body)
    notes: list[str] = []
    items: list[ResultItem] = []
    name = _clean_name(pieces[0])
    for piece in pieces[1:]:
        m = _RESULT_CODE_RE.match(piece)
        if m:
            code = m.group(0)
        elif piece.startswith("Chưa xác định"):
            m = re.match(r"Chưa xác định(?: rõ)?", piece)
            code = ""
            notes.append("code not determined")
        else:
            m = _ODD_CODE_RE.match(piece)
            code = m.group(0) if m else ""
            notes.append(f"unusual code: {_clip(code or piece, 20)}")
        if not name:
            notes.append("a code without a result name")
        items.append(ResultItem(name, code))
        name = _clean_name(piece[m.end() :] if m else piece).lstrip(".").strip()
    if name:
        items.append(ResultItem(name, ""))
        notes.append(
            "no result code" if len(pieces) == 1 else f"text after the last code: {_clip(name)}"
        )
    if not items:
        return Parsed((), "failed", raw, "nothing recognised")
    return Parsed(tuple(items), "partly" if notes else "parsed", raw, _join_notes(notes))


# --------------------------------------------------------------------------------------------
# Short fields
# --------------------------------------------------------------------------------------------

_LEVELS = {
    "cap bo": "ministry",
    "cap tinh": "province",
    "cap huyen": "district",
    "cap xa": "commune",
    "co quan khac": "other",
}


@_never_raise(())
def parse_levels(raw: str) -> Parsed[tuple[str, ...]]:
    """Parse ``cap_thuc_hien``: "Cấp bộ, Cấp tỉnh" -> ("ministry", "province")."""
    if is_missing(raw):
        return Parsed((), "empty", raw)
    levels: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[,;]", nfc(raw)):
        key = " ".join(fold(part).split())
        if not key:
            continue
        if key in _LEVELS:
            if _LEVELS[key] not in levels:
                levels.append(_LEVELS[key])
        else:
            unknown.append(part.strip())
    if not levels:
        return Parsed((), "failed", raw, f"unknown level: {_clip(', '.join(unknown))}")
    if unknown:
        return Parsed(tuple(levels), "partly", raw, f"unknown level: {_clip(', '.join(unknown))}")
    return Parsed(tuple(levels), "parsed", raw)


@_never_raise(())
def parse_list(raw: str) -> Parsed[tuple[str, ...]]:
    """Split a comma-separated list, never inside parentheses.

    A piece starting in lower case continues the previous item, so "Cán bộ, công chức, viên
    chức" stays one item, as does "Tổ chức (không bao gồm doanh nghiệp, HTX)".
    """
    if is_missing(raw):
        return Parsed((), "empty", raw)
    pieces: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in nfc(raw):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    items: list[str] = []
    for piece in pieces:
        piece = " ".join(piece.split())
        if not piece:
            continue
        if items and piece[0].islower():
            items[-1] = f"{items[-1]}, {piece}"
        else:
            items.append(piece)
    unique = tuple(dict.fromkeys(items))
    if not unique:
        return Parsed((), "failed", raw, "no item")
    return Parsed(unique, "parsed", raw)


_DECISION_RE = re.compile(r"(?<!\d)(\d+[a-z]?)\.?\s*/\s*(QĐ|QD)\s*-\s*([A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)")
_DECISION_SWAPPED_RE = re.compile(r"(QĐ|QD)\s*/?\s*(\d+[a-z]?)\s*-\s*([A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)")


@_never_raise("")
def parse_decision(raw: str) -> Parsed[str]:
    """Normalise ``so_quyet_dinh`` to NUMBER/QĐ-ISSUER: "3713/QD-BTP" -> "3713/QĐ-BTP"."""
    if is_missing(raw):
        return Parsed("", "empty", raw)
    text = " ".join(nfc(raw).split())
    text = re.sub(r"^(?:số|so)\s*:?\s*", "", text, flags=re.IGNORECASE)
    m = _DECISION_RE.fullmatch(text)
    if m:
        return Parsed(f"{m.group(1)}/QĐ-{m.group(3)}", "parsed", raw)
    m = _DECISION_SWAPPED_RE.fullmatch(text)
    if m:
        value = f"{m.group(2)}/QĐ-{m.group(3)}"
        return Parsed(value, "partly", raw, "number and type swapped")
    if re.fullmatch(r"\d+[a-z]?", text):
        return Parsed(text, "partly", raw, "number only, no type or issuer")
    m = re.fullmatch(r"(\d+[a-z]?)\s*/\s*(QĐ|QD)([A-ZĐ0-9]+)", text)
    if m:
        return Parsed(f"{m.group(1)}/QĐ{m.group(3)}", "partly", raw, "issuer not separated")
    m = _DECISION_RE.search(text)
    if m:
        value = f"{m.group(1)}/QĐ-{m.group(3)}"
        return Parsed(value, "partly", raw, f"extra text around the number: {_clip(text)}")
    return Parsed("", "failed", raw, f"not a decision number: {_clip(text)}")


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


@dataclass
class ParseReport:
    """Counts of parse statuses per field over many records, with examples of what failed."""

    _counts: dict[str, dict[Status, int]] = field(default_factory=dict)
    _examples: dict[tuple[str, Status], list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, field: str, parsed: Parsed[Any], record_code: str) -> None:
        """Count one parsed field of the record ``record_code``."""
        counts = self._counts.setdefault(field, dict.fromkeys(STATUSES, 0))
        counts[parsed.status] = counts.get(parsed.status, 0) + 1
        raw = parsed.raw if isinstance(parsed.raw, str) else repr(parsed.raw)
        detail = parsed.note or " ".join(raw.split())[:120]
        self._examples.setdefault((field, parsed.status), []).append((record_code, detail))

    def counts(self) -> dict[str, dict[Status, int]]:
        """Per field, how many records got each status."""
        return {name: dict(counts) for name, counts in self._counts.items()}

    def examples(self, field: str, status: Status, limit: int = 3) -> list[tuple[str, str]]:
        """Up to ``limit`` (record code, note or start of the raw text) for a field and status."""
        return list(self._examples.get((field, status), [])[:limit])

    def render(self) -> str:
        """A plain-text table of the counts, then examples of partly and failed records."""
        width = max([len("field"), *(len(name) for name in self._counts)])
        head = f"{'field':<{width}} | " + " | ".join(f"{s:>7}" for s in STATUSES)
        lines = [head, "-" * len(head)]
        for name, counts in self._counts.items():
            cells = " | ".join(f"{counts.get(s, 0):>7}" for s in STATUSES)
            lines.append(f"{name:<{width}} | {cells}")
        for name in self._counts:
            for status in ("partly", "failed"):
                shown = self.examples(name, status)
                if shown:
                    lines.append("")
                    lines.append(f"{name} — {status}:")
                    lines.extend(f"  {code}: {detail}" for code, detail in shown)
        return "\n".join(lines)

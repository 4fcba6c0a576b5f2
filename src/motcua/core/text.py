"""Vietnamese text folding, the same rule as PostgreSQL's ``unaccent`` for our data.

NFD, drop the combining marks, then map đ/Đ to d/D. Stored text stays NFC.
"""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form we store."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Return ``text`` without diacritics and in lower case: 'Đăng ký' → 'dang ky'."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()

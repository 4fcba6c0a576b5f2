"""Stored files (uploads, results) and their database rows: one never without the other."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files import File


@contextmanager
def discard_on_error(field: Any) -> Iterator[None]:
    """Delete the file just saved in ``field`` when the row that names it is not written
    (the block raised): no orphan file for a refused or rolled-back upload."""
    try:
        yield
    except BaseException:
        field.delete(save=False)
        raise


def save_with_file(record: Any, field: Any, name: str, content: Any) -> None:
    """Save ``content`` as ``field`` of ``record``, then the row; the file is deleted again
    when the row cannot be written."""
    if hasattr(content, "seek"):
        content.seek(0)
    field.save(name, content, save=False)
    with discard_on_error(field):
        record.save()


def open_stored(field: Any, name: str) -> File | None:
    """``field``'s stored content opened for reading under ``name``, or ``None`` when the
    field is empty or the file is missing."""
    if not field:
        return None
    try:
        handle = field.storage.open(field.name, "rb")
    except OSError:
        return None
    return File(handle, name=name)

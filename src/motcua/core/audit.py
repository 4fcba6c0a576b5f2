"""The security audit log: append-only and hash-chained.

Each entry stores the SHA-256 of its own content chained to the previous entry's hash, so an
edited, removed or reordered entry breaks the chain from that point on. Appends take a
transaction-level advisory lock so two processes never chain onto the same predecessor.
``manage.py verify_audit_chain`` recomputes the chain.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

if TYPE_CHECKING:
    from motcua.core.models import SecurityEvent

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 0x4D4F5443  # "MOTC"


def _canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """Hash of one entry: SHA-256 over the previous hash and the entry's canonical JSON."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(content)).hexdigest()


_current_actor: ContextVar[Any] = ContextVar("motcua_audit_actor", default=None)


def set_current_actor(user: Any) -> Token[Any]:
    """Name who is acting in this request, for entries written far from the view (signals)."""
    return _current_actor.set(user)


def reset_current_actor(token: Token[Any]) -> None:
    _current_actor.reset(token)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or the last hop of MOTCUA_CLIENT_IP_HEADER (the one
    our own reverse proxy appended) when the site runs behind a proxy."""
    if request is None:
        return None
    header = settings.MOTCUA_CLIENT_IP_HEADER
    value = request.META.get(header, "") if header != "REMOTE_ADDR" else ""
    if value:
        candidate = value.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


def record(
    kind: str,
    *,
    actor: Any = None,
    subject: str = "",
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Append one entry to the security audit log and return it."""
    from motcua.core.models import SecurityEvent

    if actor is None:
        current = _current_actor.get()
        actor = current if getattr(current, "is_authenticated", False) else None
    actor_id = getattr(actor, "pk", None)
    actor_repr = actor.get_username() if actor_id is not None else ""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = SecurityEvent.objects.order_by("-seq").only("seq", "hash").first()
        event = SecurityEvent(
            seq=(last.seq + 1) if last else 1,
            occurred_at=timezone.now(),
            kind=kind,
            actor_id=actor_id,
            actor_repr=actor_repr,
            subject=subject,
            ip_address=client_ip(request),
            user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
            data=data or {},
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        event.hash = compute_hash(event.prev_hash, event.content())
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a verification: how many entries were checked and the first broken one."""

    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify(events: Iterable[SecurityEvent] | None = None) -> ChainReport:
    """Recompute the chain in sequence order; report the first entry that does not fit."""
    from motcua.core.models import SecurityEvent

    if events is None:
        events = SecurityEvent.objects.order_by("seq").iterator(chunk_size=2000)
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(
                checked, event.seq, f"expected entry {expected_seq}, found {event.seq}"
            )
        if event.prev_hash != prev_hash:
            return ChainReport(checked, event.seq, "link to the previous entry is broken")
        if compute_hash(prev_hash, event.content()) != event.hash:
            return ChainReport(checked, event.seq, "content does not match its hash")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    return ChainReport(checked)

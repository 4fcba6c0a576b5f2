"""Rate limit of the public verification (page and API together), per client address.

The same fixed one-minute window as the dossier lookup (``core.ratelimit``), with its own
budget, ``MOTCUA_VERIFY_PER_MINUTE`` (20 by default): verifying costs more than a lookup (a
signature check per upload) and a QR code scanned at a desk must not use up the lookup's."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.core.ratelimit import RateLimited
from motcua.core.ratelimit import count_attempt as _count

__all__ = ["RateLimited", "count_attempt", "message", "per_minute"]


def per_minute() -> int:
    return int(getattr(settings, "MOTCUA_VERIFY_PER_MINUTE", 20))


def count_attempt(request: HttpRequest) -> None:
    """Count one verification from the request's address; ``RateLimited`` past the limit."""
    _count(request, "verify-result", per_minute())


def message() -> str:
    return _("Bạn đã xác thực quá nhiều lần trong một phút. Vui lòng chờ một phút rồi thử lại.")

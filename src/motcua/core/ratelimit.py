"""Per-address rate limits of the public pages (dossier lookup, result verification): a fixed
one-minute window counted in Django's cache (``add`` then ``incr``, both atomic in Redis and in
the local-memory cache). Several app servers need a shared cache (``MOTCUA_CACHE_URL``,
docs/operations.md): each process counts alone otherwise."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

from motcua.core.audit import client_ip


class RateLimited(Exception):
    """Too many attempts from one address; ``retry_after`` in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def count_attempt(request: HttpRequest, scope: str, limit: int) -> None:
    """Count one attempt of ``scope`` from the request's address; ``RateLimited`` past
    ``limit`` in the current minute."""
    now = int(time.time())
    key = f"motcua:{scope}:{client_ip(request) or 'unknown'}:{now // 60}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: the window's first attempt
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        raise RateLimited(60 - now % 60 or 60)

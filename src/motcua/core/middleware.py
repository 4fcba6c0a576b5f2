"""Request-scoped context for the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from motcua.core import audit


class AuditActorMiddleware:
    """Make the signed-in user the actor of audit entries written during the request (role and
    privilege changes made in the admin are recorded with who made them)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.set_current_actor(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            audit.reset_current_actor(token)

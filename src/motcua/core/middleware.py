"""Request-scoped context for the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

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


class LanguageMiddleware:
    """Vietnamese unless the visitor chose English with the language switch.

    Django's LocaleMiddleware also follows the browser's Accept-Language, and many Vietnamese
    phones are set to English: a citizen would land on an English portal without asking for
    it. Only the language cookie set by the switch changes the language here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RejectNulMiddleware:
    """Answer 400 for a NUL character in the path or the query string.

    PostgreSQL cannot store or compare text containing NUL; a search box or an address with
    %00 would otherwise reach a query and fail with a 500. Form fields already refuse NUL.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query.lower() or "\x00" in query:
            from motcua.core.views import bad_request

            return bad_request(request)
        return self.get_response(request)

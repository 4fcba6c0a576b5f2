"""Error pages, health check and the admin's sign-in hand-off."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 — any database failure means "not ready"
        return JsonResponse({"status": "database unavailable"}, status=503)


def admin_login_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """The admin signs in through the same page (and second factor) as the back office."""
    if request.user.is_authenticated and not request.user.is_staff:
        # Signing in again cannot help someone the admin refuses anyway; the sign-in page
        # would forward such a user straight back to the admin, round in a loop.
        raise PermissionDenied
    target = request.GET.get("next", reverse("admin:index"))
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


def _error(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, "errors/error.html", {"status": status}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)

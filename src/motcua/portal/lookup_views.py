"""The public lookup page ``/tra-cuu/`` (no sign-in): the QR code on every printed form opens
it with the dossier code filled in (``?ma=<code>``); the applicant adds the last four digits of
his phone or ID number. See ``portal.lookup`` for the rules."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from motcua.core.ratelimit import RateLimited
from motcua.portal import lookup


@require_http_methods(["GET", "HEAD", "POST"])
def lookup_page(request: HttpRequest) -> HttpResponse:
    code = lookup.clean_code(request.POST.get("ma") or request.GET.get("ma", ""))
    context: dict = {"code": code, "errors": {}, "found": None, "message": ""}
    status = 200
    if request.method == "POST":
        secret = (request.POST.get("so_cuoi") or "").strip()
        try:
            lookup.count_attempt(request)
        except RateLimited as limited:
            context["message"] = lookup.rate_limit_message()
            response = render(request, "portal/track/lookup.html", context, status=429)
            response["Retry-After"] = str(limited.retry_after)
            return response
        errors = lookup.check_input(code, secret)
        if errors:
            context["errors"], status = errors, 422
        else:
            dossier = lookup.find(code, secret)
            if dossier is None:
                context["message"], status = lookup.not_found_message(), 404
            else:
                context["found"] = lookup.public_view(dossier)
    response = render(request, "portal/track/lookup.html", context, status=status)
    response["Cache-Control"] = "no-store"  # an answer must not stay in a shared cache
    return response

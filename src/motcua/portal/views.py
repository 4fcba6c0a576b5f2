"""Public portal pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from motcua.catalog.models import Channel, Level
from motcua.catalog.routing import online_refusal
from motcua.catalog.selectors import (
    fields_version,
    fields_with_counts,
    group_documents,
    implementing_agencies,
    procedure_detail,
    search_procedures,
)
from motcua.core.text import fold
from motcua.organizations.models import AgencyLevel
from motcua.organizations.selectors import communes_of, home_province, public_agencies

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    province = home_province()
    agencies = public_agencies(province)
    context = {
        # Centre and People's Committee first ("ubnd…", "ttpvhcc…" sort after "so"), then the
        # departments by name.
        "province_agencies": agencies.filter(level=AgencyLevel.PROVINCE).order_by("-kind", "name"),
        "agency_count": agencies.count(),
        "commune_count": communes_of(province).count() if province else 0,
    }
    return render(request, "portal/home.html", context)


def agency_directory(request: HttpRequest) -> HttpResponse:
    """Where to go: every agency in force with its one-stop desks and office hours."""
    province = home_province()
    query = request.GET.get("q", "").strip()[:100]
    level = request.GET.get("cap", "")
    agencies = public_agencies(province).order_by("-level", "kind", "name")
    if level in AgencyLevel.values:
        agencies = agencies.filter(level=level)
    if query:
        folded = fold(query)
        agencies = agencies.filter(
            Q(name__unaccent__icontains=folded) | Q(commune__name__unaccent__icontains=folded)
        )
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "level": level,
        "levels": AgencyLevel.choices,
        "query_string": urlencode({k: v for k, v in {"q": query, "cap": level}.items() if v}),
    }
    return render(request, "portal/agency_directory.html", context)


def agency_page(request: HttpRequest, code: str) -> HttpResponse:
    agency = public_agencies(home_province()).filter(code=code).first()
    if agency is None:
        raise Http404
    return render(request, "portal/agency_page.html", {"agency": agency})


def procedure_search(request: HttpRequest) -> HttpResponse:
    """Find a procedure: accent-insensitive, typo-tolerant search, browse by field, level and
    agency."""
    query = request.GET.get("q", "").strip()[:200]
    level = request.GET.get("cap", "")
    level = level if level in Level.values else ""
    field_id = _int(request.GET.get("linh-vuc"))
    agency_code = request.GET.get("co-quan", "")
    agency = (
        public_agencies(home_province()).filter(code=agency_code).first() if agency_code else None
    )
    procedures = search_procedures(
        query, field_id=field_id, level=level or None, agency_id=agency.pk if agency else None
    )
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {
        "q": query,
        "cap": level,
        "linh-vuc": field_id or "",
        "co-quan": agency_code if agency else "",
    }
    context = {
        "page": page,
        "query": query,
        "level": level,
        "levels": [(v, label) for v, label in Level.choices if v != Level.MINISTRY],
        "field_id": field_id,
        # Lazily: the template caches the rendered options and only asks on a cache miss.
        "fields": fields_with_counts,
        "fields_version": fields_version(),
        "agency": agency,
        "query_string": urlencode({k: v for k, v in filters.items() if v}),
    }
    return render(request, "portal/procedure_search.html", context)


def procedure_page(request: HttpRequest, code: str) -> HttpResponse:
    procedure = procedure_detail(code)
    if procedure is None:
        raise Http404
    context = {
        "procedure": procedure,
        "channels": procedure.channels.all(),
        "online": any(c.channel == Channel.ONLINE for c in procedure.channels.all()),
        "document_groups": group_documents(procedure.documents.all()),
        "agencies": implementing_agencies(procedure, home_province()),
        # Online submission here when the province receives it online (else the page links
        # to the national portal, as before).
        "submit_here": online_refusal(procedure) is None,
    }
    return render(request, "portal/procedure_page.html", context)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None

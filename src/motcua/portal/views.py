"""Public portal pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

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

"""Back-office pages: the officer's home and the agencies in his scope."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from motcua.accounts.decorators import officer_required
from motcua.accounts.models import OfficerMembership
from motcua.accounts.roles import STAFF_VIEWER_ROLES
from motcua.core.permissions import can_view_agency, roles_for, visible_agencies
from motcua.core.text import fold
from motcua.organizations.models import Agency

PAGE_SIZE = 25


@officer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = request.user.active_memberships().order_by("agency__name", "role")
    agencies = visible_agencies(request.user)
    context = {"memberships": memberships, "agency_count": agencies.count()}
    return render(request, "backoffice/dashboard.html", context)


@officer_required
def agency_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    agencies = (
        visible_agencies(request.user)
        .select_related("commune", "parent")
        .annotate(point_count=Count("reception_points", filter=Q(reception_points__is_active=True)))
        .order_by("level", "kind", "name")
    )
    if query:
        folded = fold(query)
        agencies = agencies.filter(Q(code__icontains=query) | Q(name__unaccent__icontains=folded))
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "query_string": urlencode({"q": query} if query else {}),
    }
    return render(request, "backoffice/agency_list.html", context)


@officer_required
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = (
        Agency.objects.select_related("province", "commune", "parent", "successor")
        .filter(code=code)
        .first()
    )
    # Outside the officer's scope answers exactly like a missing agency: no existence leak.
    if agency is None or not can_view_agency(request.user, agency.pk):
        raise Http404
    roles = roles_for(request.user, agency.pk)
    show_staff = request.user.is_superuser or bool(roles & STAFF_VIEWER_ROLES)
    staff = (
        OfficerMembership.objects.active()
        .filter(agency=agency)
        .select_related("user")
        .order_by("role")
        if show_staff
        else OfficerMembership.objects.none()
    )
    context = {
        "agency": agency,
        "points": agency.reception_points.select_related("commune").order_by("name"),
        "children": visible_agencies(request.user).filter(parent=agency).order_by("name"),
        "staff": staff,
        "show_staff": show_staff,
    }
    return render(request, "backoffice/agency_detail.html", context)

"""Back office of the procedure catalog: catalog managers edit, publish and repeal procedures
with a version history, and define the internal processes (DOMAIN.md §2 and §7).

Who may do what (``can_read_catalog`` / ``can_edit_catalog``): the catalog is province-wide,
so what counts is an active membership *anywhere* with the role, not the agency scope.

* catalog managers and system administrators, and superusers: everything;
* auditors (thanh tra): read only — the list, a procedure, its history and its processes;
  every form and every POST answers 403;
* every other officer: 403 on every page.

All of it behind ``officer_required`` (signed in as an officer, second factor verified).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models.fields.json import KT
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from motcua.accounts.decorators import officer_required
from motcua.accounts.roles import Role
from motcua.backoffice import catalog_forms as cf
from motcua.backoffice.catalog_history import diff_snapshots, snapshot_view
from motcua.catalog.data import ProcedureData
from motcua.catalog.models import Procedure, ProcedureField, ProcedureStatus
from motcua.catalog.processes import (
    ProcessError,
    StepSpec,
    check_steps,
    default_process_name,
    delete_process,
    describe_minutes,
    legal_deadline,
    process_definition,
    process_definitions,
    save_process,
)
from motcua.catalog.selectors import (
    group_documents,
    implementing_agencies,
    procedure_detail,
    search_procedures,
)
from motcua.catalog.services import CatalogError, SaveOutcome, current_data, save_procedure
from motcua.organizations.models import Agency
from motcua.organizations.selectors import home_province

PAGE_SIZE = 25
EDITOR_ROLES = frozenset({Role.CATALOG_MANAGER, Role.SYSTEM_ADMIN})
READER_ROLES = EDITOR_ROLES | {Role.AUDITOR}


# --- permissions ------------------------------------------------------------------------------
def catalog_roles(user: Any) -> set[str]:
    """The roles ``user`` holds through an active membership, at any agency."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_motcua_catalog_roles", None)
    if cached is None:
        cached = set(user.active_memberships().values_list("role", flat=True))
        user._motcua_catalog_roles = cached
    return cached


def can_edit_catalog(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_officer:
        return False
    return user.is_superuser or bool(catalog_roles(user) & EDITOR_ROLES)


def can_read_catalog(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_officer:
        return False
    return user.is_superuser or bool(catalog_roles(user) & READER_ROLES)


def catalog_page(*, edit: bool) -> Callable:
    """A catalog back-office page: a verified officer who may read (``edit=False``: and
    every POST needs an editor) or edit the catalog; 403 otherwise."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @officer_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            needs_edit = edit or request.method not in ("GET", "HEAD")
            allowed = can_edit_catalog if needs_edit else can_read_catalog
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _procedure(code: str) -> Procedure:
    procedure = Procedure.objects.select_related("field").filter(code=code).first()
    if procedure is None:
        raise Http404
    return procedure


def _context(request: HttpRequest, procedure: Procedure, tab: str, **extra: Any) -> dict:
    return {
        "procedure": procedure,
        "tab": tab,
        "can_edit": can_edit_catalog(request.user),
        **extra,
    }


def _save(
    procedure: Procedure, data: ProcedureData, *, by: Any, reason: str, expected: int
) -> tuple[SaveOutcome | None, str, bool]:
    """save_procedure, answering (outcome, error message, whether it was an edit conflict)."""
    try:
        return save_procedure(data, by=by, reason=reason, expected_version=expected), "", False
    except CatalogError as error:
        procedure.refresh_from_db(fields=["version"])
        return None, str(error), procedure.version != expected


# --- list and procedure page ------------------------------------------------------------------
@catalog_page(edit=False)
@require_safe
def procedure_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("tinh-trang", "")
    if status not in ProcedureStatus.values:
        status = ""
    procedures = search_procedures(query, include_repealed=True)
    if status:
        procedures = procedures.filter(status=status)
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in (("q", query), ("tinh-trang", status)) if v}
    context = {
        "page": page,
        "query": query,
        "status": status,
        "statuses": ProcedureStatus.choices,
        "query_string": urlencode(params),
        "can_edit": can_edit_catalog(request.user),
    }
    return render(request, "backoffice/catalog/list.html", context)


@catalog_page(edit=False)
@require_safe
def procedure_page(request: HttpRequest, procedure_code: str) -> HttpResponse:
    procedure = procedure_detail(procedure_code)
    if procedure is None:
        raise Http404
    deadline = legal_deadline(procedure)
    context = _context(
        request,
        procedure,
        "overview",
        channels=procedure.channels.all(),
        document_groups=group_documents(procedure.documents.all()),
        versions=procedure.versions.select_related("created_by").defer("snapshot")[:5],
        processes=process_definitions(procedure),
        deadline=deadline,
        deadline_text=describe_minutes(deadline.minutes) if deadline else "",
    )
    return render(request, "backoffice/catalog/detail.html", context)


# --- editor -----------------------------------------------------------------------------------
def _silence(*forms: Any) -> None:
    """Show bound forms without validating them (after "add a row")."""
    for form in forms:
        if hasattr(form, "forms"):
            form._errors, form._non_form_errors = [], ErrorList()
            _silence(*form.forms)
        else:
            form._errors = ErrorDict()


@catalog_page(edit=True)
def procedure_edit(request: HttpRequest, procedure_code: str) -> HttpResponse:
    procedure = _procedure(procedure_code)
    data = current_data(procedure)
    repealed = data.status == ProcedureStatus.REPEALED
    status, conflict = 200, None
    if request.method == "POST":
        post = request.POST
        grow = request.POST.get("add_row", "")
        if grow in cf.CHILD_LISTS:
            post = cf.add_row(post, cf.CHILD_LISTS[grow][0], grow)
        form = cf.ProcedureForm(post, repealed=repealed)
        formsets = cf.child_formsets(data, post)
        if grow:
            _silence(form, *formsets.values())
        elif form.is_valid() and all(f.is_valid() for f in formsets.values()):
            expected = form.cleaned_data["expected_version"]
            new = cf.build_procedure_data(data, form, formsets)
            outcome, error, is_conflict = _save(
                procedure, new, by=request.user, reason=form.cleaned_data["reason"],
                expected=expected,
            )  # fmt: skip
            if outcome is not None:
                if outcome.changed:
                    messages.success(
                        request,
                        _("Đã lưu thủ tục: phiên bản %(n)s.") % {"n": outcome.procedure.version},
                    )
                else:
                    messages.info(
                        request, _("Nội dung không thay đổi nên không tạo phiên bản mới.")
                    )
                return redirect("backoffice:catalog:detail", procedure_code=procedure.code)
            if is_conflict:
                # Keep every typed value; a second "save" deliberately replaces the newer
                # version, after the officer has seen what changed.
                status = 409
                conflict = {"loaded": expected, "current": procedure.version}
                post = post.copy()
                post["expected_version"] = str(procedure.version)
                form = cf.ProcedureForm(post, repealed=repealed)
                form.is_valid()
                form.add_error(None, error)
            else:
                form.add_error(None, error)
    else:
        form = cf.ProcedureForm(
            initial=cf.procedure_initial(data, procedure.version), repealed=repealed
        )
        formsets = cf.child_formsets(data)
    context = _context(
        request,
        procedure,
        "edit",
        form=form,
        sections=[
            (prefix, cf.CHILD_LISTS[prefix][3], formset) for prefix, formset in formsets.items()
        ],
        show_status="status" in form.fields,
        has_subcases=bool(data.subcases),
        subcases=data.subcases,
        field_names=ProcedureField.objects.order_by("name").values_list("name", flat=True),
        conflict=conflict,
    )
    return render(request, "backoffice/catalog/edit.html", context, status=status)


# --- repeal and restore -----------------------------------------------------------------------
def _status_change(request: HttpRequest, procedure_code: str, *, repeal: bool) -> HttpResponse:
    procedure = _procedure(procedure_code)
    is_repealed = procedure.status == ProcedureStatus.REPEALED
    if is_repealed == repeal:
        messages.info(
            request,
            _("Thủ tục đã bị bãi bỏ.") if repeal else _("Thủ tục đang được áp dụng."),
        )
        return redirect("backoffice:catalog:detail", procedure_code=procedure.code)
    form_class = cf.RepealForm if repeal else cf.RestoreForm
    kwargs = {"effective_date": procedure.effective_date} if repeal else {}
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            data = current_data(procedure)
            if repeal:
                data.status = ProcedureStatus.REPEALED
                data.repealed_date = form.cleaned_data["repealed_date"].isoformat()
            else:
                data.status = ProcedureStatus.PUBLISHED
                data.repealed_date = None
            outcome, error, is_conflict = _save(
                procedure, data, by=request.user, reason=form.cleaned_data["reason"],
                expected=form.cleaned_data["expected_version"],
            )  # fmt: skip
            if outcome is not None:
                text = (
                    _("Đã bãi bỏ thủ tục (phiên bản %(n)s).")
                    if repeal
                    else _("Đã khôi phục áp dụng thủ tục (phiên bản %(n)s).")
                )
                messages.success(request, text % {"n": outcome.procedure.version})
                return redirect("backoffice:catalog:detail", procedure_code=procedure.code)
            form.add_error(None, error)
            status = 409 if is_conflict else 200
    else:
        initial: dict[str, Any] = {"expected_version": procedure.version}
        if repeal:
            initial["repealed_date"] = dt.date.today()
        form = form_class(initial=initial, **kwargs)
    context = _context(request, procedure, "overview", form=form, repeal=repeal)
    return render(request, "backoffice/catalog/status_change.html", context, status=status)


@catalog_page(edit=True)
def procedure_repeal(request: HttpRequest, procedure_code: str) -> HttpResponse:
    return _status_change(request, procedure_code, repeal=True)


@catalog_page(edit=True)
def procedure_restore(request: HttpRequest, procedure_code: str) -> HttpResponse:
    return _status_change(request, procedure_code, repeal=False)


# --- history ----------------------------------------------------------------------------------
@catalog_page(edit=False)
@require_safe
def procedure_history(request: HttpRequest, procedure_code: str) -> HttpResponse:
    procedure = _procedure(procedure_code)
    versions = (
        procedure.versions.select_related("created_by")
        .defer("snapshot")
        .annotate(snapshot_status=KT("snapshot__status"))
        .order_by("-number")
    )
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    statuses = dict(ProcedureStatus.choices)
    for version in page.object_list:
        version.status_label = statuses.get(version.snapshot_status, version.snapshot_status)
    context = _context(request, procedure, "history", page=page, query_string="")
    return render(request, "backoffice/catalog/history.html", context)


@catalog_page(edit=False)
@require_safe
def procedure_version(request: HttpRequest, procedure_code: str, number: int) -> HttpResponse:
    procedure = _procedure(procedure_code)
    versions = procedure.versions.select_related("created_by")
    version = versions.filter(number=number).first()
    if version is None:
        raise Http404
    try:
        other = int(request.GET.get("so-voi", number - 1))
    except ValueError:
        other = number - 1
    base = versions.filter(number=other).first() if other != number else None
    diff = None
    if base is not None:
        old, new = (base, version) if base.number < version.number else (version, base)
        diff = diff_snapshots(old.snapshot, new.snapshot)
    context = _context(
        request,
        procedure,
        "history",
        version=version,
        base=base,
        diff=diff,
        older=base if base is None or base.number < version.number else version,
        newer=version if base is None or base.number < version.number else base,
        content=snapshot_view(version.snapshot),
    )
    return render(request, "backoffice/catalog/version.html", context)


# --- internal processes -----------------------------------------------------------------------
def _province_agency(code: str) -> Agency:
    province = home_province()
    agency = Agency.objects.filter(code=code, province=province).first() if province else None
    if agency is None:
        raise Http404
    return agency


def _agency_choices(procedure: Procedure) -> cf.AgencyChoiceForm:
    province = home_province()
    implementing = []
    for impl in implementing_agencies(procedure, province):
        if impl.agency not in implementing:
            implementing.append(impl.agency)
    taken = {a.pk for a in implementing}
    others = (
        list(
            Agency.objects.current()
            .filter(province=province)
            .exclude(pk__in=taken)
            .order_by("level", "kind", "name")
        )
        if province
        else []
    )
    return cf.AgencyChoiceForm(implementing=implementing, others=others)


@catalog_page(edit=False)
def process_default(request: HttpRequest, procedure_code: str) -> HttpResponse:
    procedure = _procedure(procedure_code)
    chosen = request.GET.get("co-quan", "").strip()
    if chosen:
        agency = _province_agency(chosen[:60])
        return redirect(
            "backoffice:catalog:process_agency",
            procedure_code=procedure.code,
            agency_code=agency.code,
        )
    return _process_page(request, procedure, None)


@catalog_page(edit=False)
def process_agency(request: HttpRequest, procedure_code: str, agency_code: str) -> HttpResponse:
    procedure = _procedure(procedure_code)
    return _process_page(request, procedure, _province_agency(agency_code))


def _process_page(
    request: HttpRequest, procedure: Procedure, agency: Agency | None
) -> HttpResponse:
    definition = process_definition(procedure, agency)
    deadline = legal_deadline(procedure)
    errors: list[str] = []
    check = None
    if request.method == "POST":
        post = request.POST
        grow = post.get("add_row") == "steps"
        if grow:
            post = cf.add_row(post, cf.StepFormSet, "steps")
        form = cf.ProcessForm(post)
        formset = cf.StepFormSet(post, prefix="steps")
        if grow:
            _silence(form, formset)
        elif form.is_valid() and formset.is_valid():
            specs = [row.spec() for row in formset.rows()]
            check = check_steps(specs, deadline)
            if check.ok:
                try:
                    save_process(
                        procedure,
                        specs,
                        agency=agency,
                        name=form.cleaned_data["name"],
                        by=request.user,
                    )
                except ProcessError as error:  # the deadline changed meanwhile
                    errors = error.messages
                else:
                    messages.success(request, _("Đã lưu quy trình nội bộ."))
                    return redirect(request.path)
            else:
                errors = list(check.errors)
    else:
        form = cf.ProcessForm(
            initial={"name": definition.name if definition else default_process_name(agency)}
        )
        formset = cf.StepFormSet(initial=cf.step_initial(definition), prefix="steps")
        if definition is not None:
            check = check_steps(
                [
                    StepSpec(s.position, s.name, s.role, s.allotted_value, s.allotted_unit)
                    for s in definition.steps.all()
                ],
                deadline,
            )
    context = _context(
        request,
        procedure,
        "process",
        agency=agency,
        definition=definition,
        definitions=process_definitions(procedure),
        deadline=deadline,
        deadline_text=describe_minutes(deadline.minutes) if deadline else "",
        check=check,
        total_text=describe_minutes(check.total_minutes) if check else "",
        errors=errors,
        form=form,
        formset=formset,
        agency_form=_agency_choices(procedure),
    )
    return render(request, "backoffice/catalog/process.html", context)


@catalog_page(edit=True)
def process_agency_delete(
    request: HttpRequest, procedure_code: str, agency_code: str
) -> HttpResponse:
    procedure = _procedure(procedure_code)
    agency = _province_agency(agency_code)
    definition = process_definition(procedure, agency)
    if definition is None:
        raise Http404
    if request.method == "POST":
        delete_process(procedure, agency)
        messages.success(
            request,
            _("Đã xóa quy trình riêng của %(agency)s; cơ quan này áp dụng quy trình chung.")
            % {"agency": agency.name},
        )
        return redirect("backoffice:catalog:process", procedure_code=procedure.code)
    context = _context(request, procedure, "process", agency=agency, definition=definition)
    return render(request, "backoffice/catalog/process_delete.html", context)

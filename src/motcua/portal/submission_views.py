"""Pages of online submission (``/nop-truc-tuyen/``): a step-by-step form that works without
JavaScript on a cheap phone — where, e-form, documents, result delivery, review — then the
confirmation with the dossier code and the official receipt time; drafts resume where they
were left; interlinked groups ("liên thông") follow the same steps once for several procedures.

Thin views: forms read the input, ``portal.submission`` does the work and has the last word.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.catalog.models import SubCase
from motcua.catalog.routing import online_refusal, receiving_agencies
from motcua.dossiers.models import ResultDelivery
from motcua.dossiers.services import CONFLICT, FORBIDDEN, DossierError
from motcua.portal import submission as svc
from motcua.portal.models import GroupApplication, InterlinkedGroup, SubmissionDraft
from motcua.portal.submission_forms import (
    FILE_ACCEPT,
    ApplicantForm,
    DeliveryForm,
    PlaceForm,
    SharedDataForm,
    applicant_initial,
    own_identity,
    shared_initial,
)

STEPS = [
    ("noi-nop", gettext_lazy("Nơi nộp")),
    ("to-khai", gettext_lazy("Tờ khai")),
    ("giay-to", gettext_lazy("Giấy tờ")),
    ("nhan-ket-qua", gettext_lazy("Nhận kết quả")),
    ("xem-lai", gettext_lazy("Xem lại và nộp")),
]
GROUP_STEPS = [
    ("thong-tin", gettext_lazy("Thông tin chung")),
    ("giay-to", gettext_lazy("Giấy tờ")),
    ("nhan-ket-qua", gettext_lazy("Nhận kết quả")),
    ("xem-lai", gettext_lazy("Xem lại và nộp")),
]
WAREHOUSE_CHOICES = 50


def applicant_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in as a citizen or a business; an officer's account gets 403 with a reason."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not svc.may_submit(request.user):
            return render(request, "portal/submit/not_allowed.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _steps(current: str, url: Callable[[str], str], steps: list = STEPS) -> list[dict]:
    slugs = [slug for slug, _label in steps]
    index = slugs.index(current)
    return [
        {"slug": slug, "label": label, "url": url(slug), "current": slug == current, "n": i + 1,
         "done": i < index}
        for i, (slug, label) in enumerate(steps)
    ]  # fmt: skip


def _draft_url(draft: SubmissionDraft, step: str) -> str:
    return reverse("portal:submit_step", kwargs={"draft_id": draft.pk, "step": step})


def _group_url(application: GroupApplication, step: str) -> str:
    return reverse("portal:group_step", kwargs={"application_id": application.pk, "step": step})


# --- my applications ---------------------------------------------------------------------------
@applicant_page
def my_applications(request: HttpRequest) -> HttpResponse:
    """ "Hồ sơ đang soạn" to resume, group applications, and what was submitted online."""
    user = request.user
    groups = GroupApplication.objects.filter(owner=user).select_related("group")
    context = {
        "drafts": svc.open_drafts(user)[:50],
        "open_groups": groups.filter(submitted_at__isnull=True).order_by("-updated_at")[:20],
        "submitted_groups": groups.filter(submitted_at__isnull=False).order_by("-submitted_at")[
            :20
        ],
        "submitted": svc.submitted_applications(user).filter(group_application__isnull=True)[:30],
        "group_definitions": svc.active_groups(),
    }
    return render(request, "portal/submit/home.html", context)


# --- single procedure ----------------------------------------------------------------------------
def _subcases(procedure: Any) -> list[SubCase]:
    return list(procedure.subcases.all())


def _home_centre(user: Any, centres: list[Any]) -> str:
    """The centre of the applicant's own commune, offered first (he may pick any)."""
    commune_id = own_identity(user)["applicant_commune_id"]
    return next((a.code for a in centres if commune_id and a.commune_id == commune_id), "")


@applicant_page
def start(request: HttpRequest, code: str) -> HttpResponse:
    procedure = svc.online_procedure(code)
    if procedure is None:
        raise Http404
    refusal = online_refusal(procedure)
    context: dict[str, Any] = {"procedure": procedure, "refusal": refusal}
    if refusal:
        return render(request, "portal/submit/start.html", context, status=409)
    centres = receiving_agencies(procedure)
    kwargs = {"centres": centres, "subcases": _subcases(procedure)}
    if request.method == "POST":
        form = PlaceForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                draft = svc.start_draft(
                    request.user, procedure, form.centre, form.cleaned_data.get("subcase_code", "")
                )
            except DossierError as error:
                form.add_error(None, error.message)
            else:
                return redirect(_draft_url(draft, "to-khai"))
    else:
        form = PlaceForm(
            initial={"receiving_agency": _home_centre(request.user, centres)}, **kwargs
        )
    context.update(form=form, channel=svc.online_channel(procedure))
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "portal/submit/start.html", context, status=status)


def _draft_or_404(request: HttpRequest, draft_id: Any) -> SubmissionDraft:
    draft = svc.draft_of(request.user, draft_id)
    if draft is None:
        raise Http404
    return draft


@applicant_page
def draft_step(request: HttpRequest, draft_id: Any, step: str) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    if draft.is_submitted:
        return redirect("portal:submit_done", draft_id=draft.pk)
    if draft.group_application_id:
        return redirect(_group_url(draft.group_application, "giay-to"))
    handler = STEP_HANDLERS.get(step)
    if handler is None:
        raise Http404
    context: dict[str, Any] = {
        "draft": draft,
        "procedure": draft.procedure,
        "steps": _steps(step, lambda slug: _draft_url(draft, slug)),
        "step": step,
    }
    return handler(request, draft, context)


def _render(request: HttpRequest, template: str, context: dict, form: Any = None) -> HttpResponse:
    status = 422 if form is not None and form.is_bound and form.errors else 200
    return render(request, f"portal/submit/{template}", context, status=status)


def _step_place(request: HttpRequest, draft: SubmissionDraft, context: dict) -> HttpResponse:
    procedure = draft.procedure
    kwargs = {"centres": receiving_agencies(procedure), "subcases": _subcases(procedure)}
    if request.method == "POST":
        form = PlaceForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                svc.update_place(draft, form.centre, form.cleaned_data.get("subcase_code", ""))
            except DossierError as error:
                form.add_error(None, error.message)
            else:
                return redirect(_draft_url(draft, "to-khai"))
    else:
        initial = {
            "receiving_agency": draft.receiving_agency.code,
            "subcase_code": draft.subcase_code,
        }
        form = PlaceForm(initial=initial, **kwargs)
    context.update(form=form)
    return _render(request, "place.html", context, form)


def _step_form(request: HttpRequest, draft: SubmissionDraft, context: dict) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ApplicantForm(request.POST, user=user)
        if form.is_valid():
            svc.save_form(draft, form.form_data())
            return redirect(_draft_url(draft, "giay-to"))
    else:
        form = ApplicantForm(initial=applicant_initial(user, draft.form_data), user=user)
    context.update(form=form, own=own_identity(user))
    return _render(request, "form.html", context, form)


def _warehouse_choices(user: Any) -> list[tuple[int, str]]:
    """The documents of the user's data warehouse a component may reuse."""
    from motcua.portal import warehouse

    return [(d.pk, warehouse.label(d)) for d in warehouse.reusable(user)[:WAREHOUSE_CHOICES]]


def _documents_post(request: HttpRequest, draft: SubmissionDraft) -> tuple[str, str]:
    """Handle one document action; answers (slot key, error message or "")."""
    post = request.POST
    action, key = post.get("action", ""), post.get("slot", "")
    try:
        if action == "upload":
            files = request.FILES.getlist("files")
            if not files:
                return key, _("Hãy chọn tệp cần tải lên.")
            refused = []
            for upload in files:
                try:
                    svc.add_upload(draft, key, upload, post.get("extra_name", ""))
                except DossierError as error:
                    refused.append(f"“{upload.name}”: {error.message}")
                else:
                    messages.success(
                        request, _("Đã đính kèm tệp “%(name)s”.") % {"name": upload.name}
                    )
            return key, " ".join(refused)
        if action == "warehouse":
            if not post.get("file_id"):
                return key, _("Hãy chọn một tệp trong kho dữ liệu.")
            svc.add_from_warehouse(
                draft, key, post.get("file_id"), request.user, post.get("extra_name", "")
            )
            messages.success(request, _("Đã lấy tệp từ kho dữ liệu của bạn."))
            return key, ""
        if action == "remove":
            svc.remove_file(draft, post.get("file_id"))
            messages.info(request, _("Đã bỏ tệp khỏi hồ sơ."))
            return key, ""
    except DossierError as error:
        return key, error.message
    return key, _("Thao tác không hợp lệ.")


def _step_documents(request: HttpRequest, draft: SubmissionDraft, context: dict) -> HttpResponse:
    error_slot, error = "", ""
    if request.method == "POST":
        if request.POST.get("action") == "next":
            return redirect(_draft_url(draft, "nhan-ket-qua"))
        error_slot, error = _documents_post(request, draft)
        if not error:
            anchor = f"{draft.pk}-{error_slot}" if error_slot else "giay-to"
            return redirect(_draft_url(draft, "giay-to") + f"#{anchor}")
    context.update(_documents_context(request, [draft], error_slot, error, draft.pk))
    status = 422 if error else 200
    return render(request, "portal/submit/documents.html", context, status=status)


def _documents_context(
    request: HttpRequest, drafts: list[SubmissionDraft], slot: str, error: str, error_draft: Any
) -> dict[str, Any]:
    sections = []
    for draft in drafts:
        slots = svc.slots_of(draft)
        failed = draft.pk == error_draft
        sections.append(
            {
                "draft": draft,
                "groups": svc.slot_groups(slots),
                "extra": slots[-1],
                "error_slot": slot if failed else "",
                "error": error if failed else "",
            }
        )
    return {
        "sections": sections,
        "warehouse": _warehouse_choices(request.user),
        "file_accept": FILE_ACCEPT,
        "limit_mb": svc.upload_limit_mb(),
    }


def _step_delivery(request: HttpRequest, draft: SubmissionDraft, context: dict) -> HttpResponse:
    if request.method == "POST":
        form = DeliveryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            svc.save_delivery(draft, data["result_delivery"], data["delivery_address"])
            return redirect(_draft_url(draft, "xem-lai"))
    else:
        address = draft.delivery_address or (draft.form_data or {}).get("applicant_address", "")
        initial = {"result_delivery": draft.result_delivery, "delivery_address": address}
        form = DeliveryForm(initial=initial)
    context.update(form=form)
    return _render(request, "delivery.html", context, form)


def _step_review(request: HttpRequest, draft: SubmissionDraft, context: dict) -> HttpResponse:
    status = 200
    if request.method == "POST":
        try:
            done = svc.submit_draft(draft.pk, request.user, request.POST.get("token", ""))
        except svc.TechnicalCheckError as error:
            context["problems"] = error.problems
            status = 422
        except DossierError as error:
            context["conflict"] = error.message
            status = 409 if error.kind == CONFLICT else 403 if error.kind == FORBIDDEN else 422
        else:
            return redirect("portal:submit_done", draft_id=done.pk)
        draft = svc.draft_of(request.user, draft.pk)
        if draft is None:
            raise Http404
        if draft.is_submitted:
            return redirect("portal:submit_done", draft_id=draft.pk)
        context["draft"] = draft
    if "problems" not in context:
        context["problems"] = svc.technical_check(draft, request.user) + svc.needs_a_file([draft])
    context.update(_review_context(draft))
    return render(request, "portal/submit/review.html", context, status=status)


def _review_context(draft: SubmissionDraft) -> dict[str, Any]:
    subcase = draft.procedure.subcases.filter(code=draft.subcase_code).first()
    return {
        "subcase": subcase,
        "data": draft.form_data or {},
        "slots": [s for s in svc.slots_of(draft) if s.files],
        "channel": svc.online_channel(draft.procedure, draft.subcase_code),
        "delivery_label": ResultDelivery(draft.result_delivery).label,
    }


STEP_HANDLERS = {
    "noi-nop": _step_place,
    "to-khai": _step_form,
    "giay-to": _step_documents,
    "nhan-ket-qua": _step_delivery,
    "xem-lai": _step_review,
}


@applicant_page
def done(request: HttpRequest, draft_id: Any) -> HttpResponse:
    """The answer to a submission: the dossier code and the official receipt time."""
    draft = _draft_or_404(request, draft_id)
    if not draft.is_submitted:
        return redirect(_draft_url(draft, "xem-lai"))
    dossier = draft.dossier
    context = {
        "draft": draft,
        "dossier": dossier,
        "receipt_at": svc.receipt_of(draft),
        "components": dossier.components.prefetch_related("files").order_by("position"),
    }
    return render(request, "portal/submit/done.html", context)


@applicant_page
@require_POST
def delete(request: HttpRequest, draft_id: Any) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    try:
        svc.delete_draft(draft)
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.info(request, _("Đã xóa hồ sơ đang soạn."))
    return redirect("portal:submit_home")


# --- interlinked groups ------------------------------------------------------------------------
@applicant_page
def group_list(request: HttpRequest) -> HttpResponse:
    groups = [{"group": g, "members": svc.group_procedures(g)} for g in svc.active_groups()]
    return render(request, "portal/submit/group_list.html", {"groups": groups})


def _group_or_404(code: str) -> InterlinkedGroup:
    group = InterlinkedGroup.objects.filter(code=code[:60], is_active=True).first()
    if group is None:
        raise Http404
    return group


@applicant_page
def group_start(request: HttpRequest, code: str) -> HttpResponse:
    group = _group_or_404(code)
    centres = svc.group_centres(group)
    context: dict[str, Any] = {"group": group, "members": svc.group_procedures(group)}
    if request.method == "POST":
        form = PlaceForm(request.POST, centres=centres)
        if form.is_valid():
            try:
                application = svc.start_group(request.user, group, form.centre)
            except DossierError as error:
                form.add_error(None, error.message)
            else:
                return redirect(_group_url(application, "thong-tin"))
    else:
        form = PlaceForm(initial={"receiving_agency": _home_centre(request.user, centres)},
                         centres=centres)  # fmt: skip
    context.update(form=form, no_centre=not centres)
    return _render(request, "group_start.html", context, form)


def _application_or_404(request: HttpRequest, application_id: Any) -> GroupApplication:
    application = svc.group_application_of(request.user, application_id)
    if application is None:
        raise Http404
    return application


@applicant_page
def group_step(request: HttpRequest, application_id: Any, step: str) -> HttpResponse:
    application = _application_or_404(request, application_id)
    if application.is_submitted:
        return redirect("portal:group_track", application_id=application.pk)
    handler = GROUP_HANDLERS.get(step)
    if handler is None:
        raise Http404
    context = {
        "application": application,
        "group": application.group,
        "steps": _steps(step, lambda slug: _group_url(application, slug), GROUP_STEPS),
        "step": step,
    }
    return handler(request, application, context)


def _group_info(request: HttpRequest, application: GroupApplication, context: dict) -> Any:
    user, group = request.user, application.group
    centres = svc.group_centres(group)
    specs = group.shared_fields
    if request.method == "POST":
        place = PlaceForm(request.POST, centres=centres)
        form = ApplicantForm(request.POST, user=user)
        shared = SharedDataForm(request.POST, specs=specs)
        if place.is_valid() & form.is_valid() & shared.is_valid():
            try:
                svc.save_group_form(application, place.centre, form.form_data(), shared.shared())
            except DossierError as error:
                place.add_error(None, error.message)
            else:
                return redirect(_group_url(application, "giay-to"))
    else:
        stored = application.form_data or {}
        place = PlaceForm(initial={"receiving_agency": application.receiving_agency.code},
                          centres=centres)  # fmt: skip
        form = ApplicantForm(initial=applicant_initial(user, stored), user=user)
        shared = SharedDataForm(initial=shared_initial(stored), specs=specs)
    context.update(place=place, form=form, shared=shared, own=own_identity(user))
    failed = place.is_bound and (place.errors or form.errors or shared.errors)
    return render(request, "portal/submit/group_info.html", context, status=422 if failed else 200)


def _group_documents(request: HttpRequest, application: GroupApplication, context: dict) -> Any:
    drafts = svc.member_drafts(application)
    error_slot, error, error_draft = "", "", None
    if request.method == "POST":
        if request.POST.get("action") == "next":
            return redirect(_group_url(application, "nhan-ket-qua"))
        draft = next((d for d in drafts if str(d.pk) == request.POST.get("draft", "")), None)
        if draft is None:
            raise Http404
        error_slot, error = _documents_post(request, draft)
        svc.touch_group(application)
        if not error:
            anchor = f"{draft.pk}-{error_slot}" if error_slot else "giay-to"
            return redirect(_group_url(application, "giay-to") + f"#{anchor}")
        error_draft = draft.pk
    context.update(_documents_context(request, drafts, error_slot, error, error_draft))
    return render(request, "portal/submit/documents.html", context, status=422 if error else 200)


def _group_delivery(request: HttpRequest, application: GroupApplication, context: dict) -> Any:
    if request.method == "POST":
        form = DeliveryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            svc.save_group_delivery(application, data["result_delivery"], data["delivery_address"])
            return redirect(_group_url(application, "xem-lai"))
    else:
        address = application.delivery_address or (application.form_data or {}).get(
            "applicant_address", ""
        )
        form = DeliveryForm(
            initial={"result_delivery": application.result_delivery, "delivery_address": address}
        )
    context.update(form=form)
    return _render(request, "delivery.html", context, form)


def _group_review(request: HttpRequest, application: GroupApplication, context: dict) -> Any:
    status = 200
    if request.method == "POST":
        try:
            svc.submit_group(application.pk, request.user, request.POST.get("token", ""))
        except svc.TechnicalCheckError as error:
            context["problems"] = error.problems
            status = 422
        except DossierError as error:
            context["conflict"] = error.message
            status = 409 if error.kind == CONFLICT else 403 if error.kind == FORBIDDEN else 422
        else:
            return redirect("portal:group_track", application_id=application.pk)
        application = _application_or_404(request, application.pk)
        if application.is_submitted:
            return redirect("portal:group_track", application_id=application.pk)
        context["application"] = application
    drafts = svc.member_drafts(application)
    if "problems" not in context:
        context["problems"] = svc.group_problems(application, drafts, request.user)
    data = application.form_data or {}
    shared = [
        (spec["label"], (data.get("shared") or {}).get(spec["key"], ""))
        for spec in application.group.shared_fields
    ]
    context.update(
        data=data,
        shared_values=shared,
        members=[{"draft": d, "slots": [s for s in svc.slots_of(d) if s.files]} for d in drafts],
        delivery_label=ResultDelivery(application.result_delivery).label,
    )
    return render(request, "portal/submit/group_review.html", context, status=status)


GROUP_HANDLERS = {
    "thong-tin": _group_info,
    "giay-to": _group_documents,
    "nhan-ket-qua": _group_delivery,
    "xem-lai": _group_review,
}


@applicant_page
def group_track(request: HttpRequest, application_id: Any) -> HttpResponse:
    """One tracking view for the group: each member dossier, and complete when all are."""
    application = _application_or_404(request, application_id)
    if not application.is_submitted:
        return redirect(_group_url(application, "xem-lai"))
    state = svc.group_state(application)
    context = {
        "application": application,
        "group": application.group,
        "state": state,
        "receipt_at": application.receipt_at,
    }
    return render(request, "portal/submit/group_track.html", context)


@applicant_page
@require_POST
def group_delete(request: HttpRequest, application_id: Any) -> HttpResponse:
    application = _application_or_404(request, application_id)
    try:
        svc.delete_group(application)
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.info(request, _("Đã xóa bộ hồ sơ liên thông đang soạn."))
    return redirect("portal:submit_home")

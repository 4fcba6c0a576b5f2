"""Catalog managers define interlinked procedure groups (nhóm thủ tục liên thông): the member
procedures, how each finds its competent agency, and the data citizens enter once for all.

Same permissions as the rest of the catalog back office (``catalog_views.catalog_page``):
catalog managers and system administrators edit, auditors read, other officers get 403.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.backoffice.catalog_views import can_edit_catalog, catalog_page
from motcua.catalog.models import Procedure
from motcua.catalog.routing import online_refusal
from motcua.organizations.models import Agency
from motcua.organizations.selectors import home_province
from motcua.portal.groups import (
    GroupError,
    MemberSpec,
    parse_shared_fields,
    save_group,
    shared_fields_text,
)
from motcua.portal.models import AgencyRule, InterlinkedGroup
from motcua.portal.submission_forms import BootstrapForm


class GroupForm(BootstrapForm):
    name = forms.CharField(label=gettext_lazy("Tên nhóm"), max_length=255)
    code = forms.SlugField(
        label=gettext_lazy("Mã nhóm"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Chữ không dấu, số, gạch ngang; để trống thì lấy theo tên."),
        error_messages={"invalid": gettext_lazy("Mã nhóm chỉ gồm chữ không dấu, số, gạch ngang.")},
    )
    published_code = forms.CharField(
        label=gettext_lazy("Mã thủ tục liên thông đã công bố"), max_length=40, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Mô tả cho người dân"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    shared_fields = forms.CharField(
        label=gettext_lazy("Thông tin dùng chung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=gettext_lazy(
            "Mỗi dòng một trường, người dân nhập một lần cho mọi thủ tục. Thêm “| ngày” cho "
            "trường ngày tháng, “| không bắt buộc” cho trường được để trống."
        ),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Đang áp dụng"), required=False)

    def clean_shared_fields(self) -> list[dict[str, Any]]:
        try:
            return parse_shared_fields(self.cleaned_data["shared_fields"])
        except GroupError as error:
            raise forms.ValidationError(str(error)) from None


class MemberForm(BootstrapForm):
    procedure_code = forms.CharField(label=gettext_lazy("Mã thủ tục"), max_length=40)
    agency_rule = forms.ChoiceField(
        label=gettext_lazy("Cơ quan giải quyết"),
        choices=AgencyRule.choices,
        initial=AgencyRule.COMMUNE,  # an untouched blank row stays "unchanged"
    )
    agency_code = forms.CharField(
        label=gettext_lazy("Mã cơ quan (khi chỉ định)"), max_length=60, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        code = (data.get("procedure_code") or "").strip()
        if code:
            procedure = Procedure.objects.prefetch_related("channels").filter(code=code).first()
            if procedure is None:
                self.add_error(
                    "procedure_code", _("Không có thủ tục mã %(code)s.") % {"code": code}
                )
            elif refusal := online_refusal(procedure):
                self.add_error("procedure_code", f"{code}: {refusal}")
            else:
                data["procedure_code"] = code
        data["agency"] = None
        if data.get("agency_rule") == AgencyRule.FIXED:
            agency_code = (data.get("agency_code") or "").strip().upper()
            agency = (
                Agency.objects.current().filter(code=agency_code, province=home_province()).first()
                if agency_code
                else None
            )
            if agency is None:
                self.add_error(
                    "agency_code", _("Cần mã một cơ quan đang hoạt động của tỉnh khi chỉ định.")
                )
            data["agency"] = agency
        return data


MemberFormSet = formset_factory(MemberForm, extra=2, can_delete=True)


@catalog_page(edit=False)
def group_list(request: HttpRequest) -> HttpResponse:
    groups = InterlinkedGroup.objects.prefetch_related("members").order_by("name")
    context = {"groups": groups, "can_edit": can_edit_catalog(request.user)}
    return render(request, "backoffice/groups/list.html", context)


@catalog_page(edit=True)
def group_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    group = None
    if code is not None:
        group = InterlinkedGroup.objects.filter(code=code).first()
        if group is None:
            raise Http404
    if request.method == "POST":
        form = GroupForm(request.POST)
        members = MemberFormSet(request.POST, prefix="tt")
        if form.is_valid() & members.is_valid():
            specs = [
                MemberSpec(
                    row.cleaned_data["procedure_code"],
                    row.cleaned_data["agency_rule"],
                    row.cleaned_data["agency"].pk if row.cleaned_data.get("agency") else None,
                )
                for row in members.forms
                if row.cleaned_data and not row.cleaned_data.get("DELETE")
            ]
            data = form.cleaned_data
            try:
                saved = save_group(
                    group,
                    name=data["name"],
                    code=data["code"],
                    description=data["description"],
                    published_code=data["published_code"],
                    shared_fields=data["shared_fields"],
                    members=specs,
                    is_active=data["is_active"],
                    by=request.user,
                )
            except GroupError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Đã lưu nhóm “%(name)s”.") % {"name": saved.name})
                return redirect("backoffice:groups:list")
    else:
        initial: dict[str, Any] = {"is_active": True}
        rows: list[dict[str, Any]] = []
        if group is not None:
            initial = {
                "name": group.name,
                "code": group.code,
                "published_code": group.published_code,
                "description": group.description,
                "shared_fields": shared_fields_text(group.shared_fields),
                "is_active": group.is_active,
            }
            rows = [
                {
                    "procedure_code": m.procedure_code,
                    "agency_rule": m.agency_rule,
                    "agency_code": m.agency.code if m.agency else "",
                }
                for m in group.members.select_related("agency").order_by("position")
            ]
        form = GroupForm(initial=initial)
        members = MemberFormSet(initial=rows, prefix="tt")
    failed = form.is_bound and (form.errors or members.total_error_count())
    context = {"form": form, "members": members, "group": group}
    return render(request, "backoffice/groups/edit.html", context, status=422 if failed else 200)

"""Forms of the dossier back office: desk reception (applicant, checklist of the procedure's
documents, extra items), the small form of each action on a dossier, and the Form 05 register.

Forms only read and check what the officer typed; every change is made by
``dossiers.services`` (``submit`` and ``perform``), which has the last word on the rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from motcua.accounts.identity import validate_personal_id, validate_tax_code
from motcua.backoffice.catalog_forms import (
    TIME_FORMATS,
    RowFormSet,
    StyledForm,
    VndField,
    date_field,
    text_area,
)
from motcua.catalog.models import Channel, DocumentComponent
from motcua.dossiers.models import ApplicantType, IdType, ResultDelivery
from motcua.dossiers.services import Applicant, ComponentInput
from motcua.dossiers.transitions import TABLE, Action

MAX_COUNT = 99
# What the desk decides after checking the papers (the three buttons of the reception page).
RECEIVE, SUPPLEMENT, REFUSE = "tiep-nhan", "bo-sung", "tu-choi"
DECISIONS = {
    RECEIVE: Action.RECEIVE,
    SUPPLEMENT: Action.REQUEST_SUPPLEMENT_AT_RECEPTION,
    REFUSE: Action.REFUSE,
}
FILE_ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png"


def lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, stripped (one item a line)."""
    return [line.strip(" \t-•*") for line in (text or "").splitlines() if line.strip(" \t-•*")]


def count_field(label: Any, initial: int | None = None) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_COUNT,
        required=False,
        initial=initial,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_COUNT}),
        error_messages={
            "invalid": _("Nhập một số nguyên."),
            "min_value": _("Giá trị phải từ %(limit_value)s trở lên."),
            "max_value": _("Giá trị không được lớn hơn %(limit_value)s."),
        },
    )


def appointment_fields(fields: dict[str, Any], help_text: Any) -> None:
    """The appointment the desk enters by hand when the catalog's deadline cannot be computed
    (its date and time to the minute, Form 01)."""
    fields["due_date"] = date_field(_("Ngày hẹn trả kết quả"), required=False, help_text=help_text)
    fields["due_time"] = forms.TimeField(
        label=_("Giờ hẹn trả"),
        input_formats=TIME_FORMATS,
        initial=dt.time(16, 30),
        required=False,
        widget=forms.TimeInput(attrs={"placeholder": "hh:mm"}, format="%H:%M"),
        error_messages={"invalid": _("Nhập giờ dạng giờ:phút, ví dụ 16:30.")},
    )


def hand_appointment(form: forms.Form) -> dt.datetime | None:
    """The appointment typed in ``form`` (Vietnam time), or ``None``."""
    day = form.cleaned_data.get("due_date")
    if day is None:
        return None
    moment = dt.datetime.combine(day, form.cleaned_data.get("due_time") or dt.time(16, 30))
    return timezone.make_aware(moment)


APPOINTMENT_HELP = _(
    "Thời hạn giải quyết của thủ tục trong danh mục chưa ghi đơn vị (ngày, ngày làm việc…) "
    "nên hệ thống không tự tính được ngày hẹn trả: nhập ngày hẹn trả ghi trên phiếu tiếp "
    "nhận (Mẫu 01)."
)
APPOINTMENT_REQUIRED = _("Nhập ngày hẹn trả kết quả: thủ tục này không tự tính được hạn.")


# --- desk reception -------------------------------------------------------------------------
class ReceptionForm(StyledForm):
    """Who applies, for what, where, and what the desk decides."""

    channel = forms.ChoiceField(
        label=_("Hình thức nộp"),
        choices=[(Channel.DIRECT, _("Trực tiếp tại quầy")), (Channel.POSTAL, _("Qua bưu chính"))],
        initial=Channel.DIRECT,
        widget=forms.RadioSelect,
    )
    applicant_type = forms.TypedChoiceField(
        label=_("Đối tượng"),
        choices=ApplicantType.choices,
        coerce=int,
        initial=ApplicantType.CITIZEN,
    )
    applicant_name = forms.CharField(
        label=_("Họ tên người nộp / tên tổ chức"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    applicant_id_type = forms.ChoiceField(
        label=_("Loại giấy tờ"), choices=IdType.choices, initial=IdType.PERSONAL_ID
    )
    applicant_id_number = forms.CharField(
        label=_("Số giấy tờ"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    applicant_phone = forms.CharField(
        label=_("Điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    applicant_email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Thư điện tử không đúng dạng, ví dụ ten@example.vn.")},
    )
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    representative_name = forms.CharField(
        label=_("Họ tên người được ủy quyền"), max_length=255, required=False
    )
    representative_id_number = forms.CharField(
        label=_("Số giấy tờ người được ủy quyền"), max_length=40, required=False
    )
    representative_phone = forms.CharField(
        label=_("Điện thoại người được ủy quyền"), max_length=20, required=False
    )
    summary = forms.CharField(
        label=_("Trích yếu nội dung yêu cầu"),
        required=False,
        widget=text_area(2),
        help_text=_("Để trống: dùng tên thủ tục."),
    )
    result_delivery = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=ResultDelivery.choices,
        initial=ResultDelivery.DESK,
        widget=forms.RadioSelect,
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"), max_length=255, required=False
    )
    receiving_agency = forms.ChoiceField(label=_("Trung tâm tiếp nhận"))
    competent_agency = forms.ChoiceField(label=_("Cơ quan giải quyết"))
    # Only for "Yêu cầu bổ sung" and "Từ chối".
    missing_items = forms.CharField(
        label=_("Giấy tờ cần bổ sung, hoàn thiện"),
        required=False,
        widget=text_area(3),
        help_text=_("Mỗi dòng một giấy tờ; ghi rõ cần bản chính, bản sao hay bản sao chứng thực."),
    )
    note = forms.CharField(
        label=_("Lý do (ghi vào Mẫu 02 hoặc Mẫu 03)"),
        required=False,
        widget=text_area(2),
    )

    def __init__(
        self,
        *args: Any,
        documents: list[DocumentComponent],
        centres: list[Any],
        competent: list[Any],
        subcases: list[Any] | None = None,
        appointment_needed: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.documents = documents
        self.appointment_needed = appointment_needed
        if appointment_needed:  # the page explains why, above the fields
            appointment_fields(self.fields, "")
            for name in ("due_date", "due_time"):
                self.fields[name].widget.attrs.setdefault("class", "form-control")
        if subcases:
            self.fields["subcase_code"] = forms.ChoiceField(
                label=_("Trường hợp"),
                choices=[("", _("Trường hợp chung")), *((s.code, s.name) for s in subcases)],
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        self.fields["receiving_agency"].choices = [(a.code, a.name) for a in centres]
        self.fields["competent_agency"].choices = [(a.code, a.name) for a in competent]
        self._centres = {a.code: a for a in centres}
        self._competent = {a.code: a for a in competent}
        for document in documents:
            key = f"doc_{document.pk}"
            self.fields[key] = forms.BooleanField(
                label=_("Đã nhận"),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"{key}_originals"] = count_field(_("Bản chính"), document.originals or 0)
            self.fields[f"{key}_copies"] = count_field(_("Bản sao"), document.copies or 0)
            short = document.name[:60]
            for name in (f"{key}_originals", f"{key}_copies"):
                attrs = self.fields[name].widget.attrs
                attrs["class"] = "form-control form-control-sm"
                attrs["aria-label"] = f"{self.fields[name].label}: {short}"

    # Rows of the checklist, grouped like the public page, with their bound fields.
    def checklist(self, groups: list[Any]) -> list[dict[str, Any]]:
        result = []
        for group in groups:
            rows = []
            for document in group.documents:
                key = f"doc_{document.pk}"
                rows.append(
                    {
                        "document": document,
                        "key": key,
                        "ticked": self[key],
                        "originals": self[f"{key}_originals"],
                        "copies": self[f"{key}_copies"],
                    }
                )
            # A group where no paper is counted (no original, no copy) is guidance ("Lưu ý"),
            # not papers to hand in: the page folds it away unless a row of it was ticked.
            notes = all(not (d.originals or d.copies) for d in group.documents)
            ticked = any(row["ticked"].value() for row in rows)
            result.append(
                {
                    "title": group.title,
                    "subcase": group.subcase,
                    "rows": rows,
                    "folded": notes,
                    "open": ticked,
                }
            )
        return result

    def clean_applicant_name(self) -> str:
        return " ".join(self.cleaned_data["applicant_name"].split())

    def clean_applicant_id_number(self) -> str:
        return "".join(self.cleaned_data["applicant_id_number"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        number, kind = data.get("applicant_id_number"), data.get("applicant_id_type")
        if number and kind in (IdType.PERSONAL_ID, IdType.TAX_CODE):
            check = validate_personal_id if kind == IdType.PERSONAL_ID else validate_tax_code
            try:
                check(number)
            except ValidationError as error:
                self.add_error("applicant_id_number", error)
        if (
            data.get("result_delivery") == ResultDelivery.POST
            and not (data.get("delivery_address") or "").strip()
        ):
            self.add_error(
                "delivery_address", _("Cần địa chỉ để gửi kết quả qua dịch vụ bưu chính.")
            )
        for document in self.documents:
            key = f"doc_{document.pk}"
            for suffix in ("originals", "copies"):
                if data.get(f"{key}_{suffix}") is None:
                    data[f"{key}_{suffix}"] = 0
        return data

    def check_decision(self, decision: str, components: list[ComponentInput]) -> None:
        """What each of the three buttons needs, as errors on the form."""
        data = self.cleaned_data
        if decision == RECEIVE and not components:
            self.add_error(
                None, _("Đánh dấu ít nhất một giấy tờ đã nhận trước khi tiếp nhận hồ sơ.")
            )
        if decision == RECEIVE and self.appointment_needed and not data.get("due_date"):
            self.add_error("due_date", APPOINTMENT_REQUIRED)
        if decision == SUPPLEMENT and not lines(data.get("missing_items", "")):
            self.add_error(
                "missing_items",
                _("Liệt kê mọi giấy tờ phải bổ sung (hướng dẫn một lần, đầy đủ — Mẫu 02)."),
            )
        if decision in (SUPPLEMENT, REFUSE) and not data.get("note", "").strip():
            message = (
                _("Ghi lý do từ chối tiếp nhận (in trên Mẫu 03).")
                if decision == REFUSE
                else _("Ghi lý do, nội dung hướng dẫn bổ sung (in trên Mẫu 02).")
            )
            self.add_error("note", message)

    def applicant(self) -> Applicant:
        c = self.cleaned_data
        return Applicant(
            name=c["applicant_name"],
            id_number=c["applicant_id_number"],
            id_type=c["applicant_id_type"],
            applicant_type=c["applicant_type"],
            phone=c["applicant_phone"].strip(),
            email=c["applicant_email"].strip(),
            address=c["applicant_address"].strip(),
            representative_name=c["representative_name"].strip(),
            representative_id_number=c["representative_id_number"].strip(),
            representative_phone=c["representative_phone"].strip(),
        )

    def catalog_components(self) -> list[tuple[DocumentComponent, ComponentInput]]:
        c = self.cleaned_data
        picked = []
        for document in self.documents:
            key = f"doc_{document.pk}"
            if c.get(key):
                picked.append(
                    (
                        document,
                        ComponentInput(
                            name=document.name,
                            document_id=document.pk,
                            originals=c[f"{key}_originals"] or 0,
                            copies=c[f"{key}_copies"] or 0,
                        ),
                    )
                )
        return picked

    @property
    def receiving(self) -> Any:
        return self._centres[self.cleaned_data["receiving_agency"]]

    @property
    def competent(self) -> Any:
        return self._competent[self.cleaned_data["competent_agency"]]


class ExtraItemForm(StyledForm):
    """A paper handed in that the published procedure does not list: allowed only with a
    written reason (asking for documents outside the procedure is forbidden)."""

    small = True
    name = forms.CharField(label=_("Tên giấy tờ"), max_length=500, required=False)
    reason = forms.CharField(label=_("Lý do nhận thêm"), max_length=500, required=False)
    originals = count_field(_("Bản chính"))
    copies = count_field(_("Bản sao"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for bound in self:  # the table header names the columns; screen readers need each box
            bound.field.widget.attrs["aria-label"] = bound.label

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        name, reason = (data.get("name") or "").strip(), (data.get("reason") or "").strip()
        if reason and not name:
            self.add_error("name", _("Ghi tên giấy tờ nhận thêm."))
        if name and not reason:
            self.add_error(
                "reason",
                _("Giấy tờ ngoài danh mục đã công bố: phải ghi rõ lý do nhận thêm."),
            )
        return data

    def component(self) -> ComponentInput | None:
        c = self.cleaned_data
        name = " ".join((c.get("name") or "").split())
        if not name:
            return None
        return ComponentInput(
            name=name,
            extra_reason=c["reason"].strip(),
            originals=c.get("originals") or 0,
            copies=c.get("copies") or 0,
        )


ExtraItemFormSet = formset_factory(
    ExtraItemForm,
    formset=RowFormSet,
    extra=1,
    max_num=30,
    validate_max=True,
)


# --- actions on a dossier -------------------------------------------------------------------
class DatalistInput(forms.TextInput):
    """A text input with suggestions (``<datalist>``): the catalog's result names are offered
    and anything else may still be typed."""

    def __init__(self, options: list[str], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.options = options

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-goi-y"
        attrs["list"] = list_id
        html = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}"></option>', ((o,) for o in self.options))
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)


RESULT_ACCEPT = ".pdf,application/pdf"
NOTE_LABELS = {
    Action.REQUEST_SUPPLEMENT_AT_RECEPTION: _("Lý do, nội dung hướng dẫn (Mẫu 02)"),
    Action.REQUEST_SUPPLEMENT: _("Lý do yêu cầu bổ sung"),
    Action.REFUSE: _("Lý do từ chối (Mẫu 03)"),
    Action.RETURN_STEP: _("Lý do trả về"),
    Action.APOLOGIZE: _("Lý do chậm trả kết quả (Mẫu 04)"),
    Action.STOP: _("Lý do dừng xử lý"),
    Action.REQUEST_WITHDRAWAL: _("Nội dung yêu cầu rút hồ sơ"),
    Action.RETURN_DRAFT: _("Lý do trả lại dự thảo"),
    Action.REQUEST_CONSULTATION: _("Nội dung xin ý kiến"),
    Action.ANSWER_CONSULTATION: _("Ý kiến trả lời"),
}
# Which inputs each action takes beyond the note (see the handlers in dossiers.services).
ASSIGNEE_REQUIRED = {Action.ASSIGN}
ASSIGNEE_OPTIONAL = {Action.FORWARD, Action.RETURN_STEP, Action.SUBMIT_DRAFT, Action.APPROVE}
MAX_CONSULTATION_DAYS = 60  # dossiers.services.MAX_CONSULTATION_DAYS
ITEMS = {Action.REQUEST_SUPPLEMENT_AT_RECEPTION, Action.REQUEST_SUPPLEMENT}


class ActionForm(StyledForm):
    """The inputs of one action, prefixed with the action's code (several on one page)."""

    small = True
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # The last history entry the officer saw: after a conflict, what came since is shown.
    seen_event = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(
        self,
        *args: Any,
        action: Action,
        assignees: list[tuple[int, str]] | None = None,
        assignee_role: str = "",
        receiver_required: bool = True,
        appointment_needed: bool = False,
        agencies: list[tuple[str, str]] | None = None,
        consultations: list[tuple[int, str]] | None = None,
        result_kinds: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", str(action))
        self.action = action
        self.transition = TABLE[action]
        super().__init__(*args, **kwargs)
        fields = self.fields
        if action in ASSIGNEE_REQUIRED | ASSIGNEE_OPTIONAL:
            required = action in ASSIGNEE_REQUIRED
            blank = "—" if required else _("(để trống: chưa giao cho ai)")
            fields["assignee"] = forms.TypedChoiceField(
                label=_("Giao cho (%(role)s)") % {"role": assignee_role}
                if assignee_role
                else _("Giao cho"),
                choices=[("", blank), *(assignees or [])],
                coerce=int,
                required=required,
                empty_value=None,
                error_messages={
                    "required": _("Chọn người được giao xử lý."),
                    "invalid_choice": _("Người được chọn không còn trong danh sách."),
                },
            )
        if action in ITEMS:
            fields["items"] = forms.CharField(
                label=_("Giấy tờ cần bổ sung"),
                widget=text_area(3),
                help_text=_("Mỗi dòng một giấy tờ."),
                error_messages={"required": _("Liệt kê các giấy tờ phải bổ sung.")},
            )
        if action == Action.REQUIRE_PAYMENT:
            fields["amount_vnd"] = VndField(
                label=_("Số tiền phải nộp (đồng)"),
                min_value=1,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                error_messages={"required": _("Ghi số tiền phải nộp.")},
            )
        if action == Action.APOLOGIZE:
            fields["new_due_date"] = date_field(_("Ngày hẹn trả mới"))
            fields["new_due_time"] = forms.TimeField(
                label=_("Giờ"),
                input_formats=TIME_FORMATS,
                initial=dt.time(16, 30),
                widget=forms.TimeInput(attrs={"placeholder": "hh:mm"}, format="%H:%M"),
                error_messages={"invalid": _("Nhập giờ dạng giờ:phút, ví dụ 16:30.")},
            )
        if action == Action.RECEIVE and appointment_needed:
            appointment_fields(fields, APPOINTMENT_HELP)
            fields["due_date"].required = True
            fields["due_date"].error_messages["required"] = APPOINTMENT_REQUIRED
        if action == Action.REQUEST_CONSULTATION:
            fields["consulted_agency"] = forms.ChoiceField(
                label=_("Cơ quan được xin ý kiến"),
                choices=[("", "—"), *(agencies or [])],
                error_messages={
                    "required": _("Chọn cơ quan được xin ý kiến."),
                    "invalid_choice": _("Cơ quan được chọn không còn trong danh sách."),
                },
            )
            fields["allotment_days"] = forms.IntegerField(
                label=_("Thời gian trả lời (ngày làm việc)"),
                min_value=1,
                max_value=MAX_CONSULTATION_DAYS,
                initial=3,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
                error_messages={
                    "required": _("Ghi số ngày làm việc để cơ quan trả lời."),
                    "invalid": _("Nhập một số nguyên."),
                    "min_value": _("Ít nhất 1 ngày làm việc."),
                    "max_value": _("Tối đa %(limit_value)s ngày làm việc."),
                },
            )
        if action == Action.ANSWER_CONSULTATION and consultations and len(consultations) > 1:
            fields["consultation_id"] = forms.TypedChoiceField(
                label=_("Trả lời yêu cầu"),
                choices=consultations,
                coerce=int,
                error_messages={"invalid_choice": _("Yêu cầu này đã được trả lời.")},
            )
        if action == Action.SUBMIT_DRAFT:
            kinds = result_kinds or []
            fields["result_kind"] = forms.CharField(
                label=_("Loại kết quả"),
                max_length=255,
                initial=kinds[0] if kinds else "",
                # Left blank, the procedure's only published result is meant (the service).
                required=len(kinds) != 1,
                widget=DatalistInput(kinds),
                help_text=_("Theo danh mục thủ tục; có thể ghi loại khác."),
                error_messages={"required": _("Ghi loại kết quả (ví dụ: Giấy khai sinh).")},
            )
            fields["result_file"] = forms.FileField(
                label=_("Tệp dự thảo kết quả (PDF)"),
                widget=forms.FileInput(attrs={"accept": RESULT_ACCEPT}),
                error_messages={
                    "required": _("Đính kèm tệp dự thảo kết quả (PDF)."),
                    "empty": _("Tệp rỗng."),
                    "invalid": _("Chọn lại tệp dự thảo kết quả."),
                },
            )
        if action == Action.ISSUE_RESULT:
            fields["result_number"] = forms.CharField(
                label=_("Số, ký hiệu văn bản"),
                max_length=60,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("ví dụ 125/2026/GKS")}),
                help_text=_(
                    "Để trống: hệ thống ghi số theo sổ kết quả của cơ quan "
                    "(<số vào sổ>/<năm>/<mã cơ quan>)."
                ),
            )
        if action == Action.RETURN_RESULT:
            fields["receiver_name"] = forms.CharField(
                label=_("Họ tên người nhận kết quả"), max_length=255, required=receiver_required
            )
            fields["receiver_id"] = forms.CharField(
                label=_("Số giấy tờ người nhận"), max_length=40, required=receiver_required
            )
        if self.transition.needs_note:
            fields["note"] = forms.CharField(
                label=NOTE_LABELS.get(action, _("Lý do")),
                widget=text_area(2),
                error_messages={"required": _("Cần ghi rõ lý do hoặc nội dung cho thao tác này.")},
            )
        # StyledForm styled the fields declared on the class; style the ones added here.
        for name, field in fields.items():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not widget.is_hidden:
                widget.attrs.setdefault("class", "form-control form-control-sm")
            if name in ("assignee", "amount_vnd"):
                field.error_messages.setdefault("invalid", _("Giá trị không hợp lệ."))

    @property
    def has_inputs(self) -> bool:
        return any(not field.widget.is_hidden for field in self.fields.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "items" in data and not lines(data["items"]):
            self.add_error("items", _("Liệt kê các giấy tờ phải bổ sung."))
        return data

    def params(self) -> dict[str, Any]:
        """The keyword arguments of ``services.perform`` for this action."""
        c = self.cleaned_data
        params: dict[str, Any] = {"note": c.get("note", "")}
        if "assignee" in self.fields and c.get("assignee"):
            params["assignee_id"] = c["assignee"]
        if "items" in c:
            params["items"] = lines(c["items"])
        if "amount_vnd" in c:
            params["amount_vnd"] = c["amount_vnd"]
        if "new_due_date" in c:
            moment = dt.datetime.combine(c["new_due_date"], c["new_due_time"])
            params["new_due_at"] = timezone.make_aware(moment)
        if "due_date" in c and c["due_date"]:
            params["due_at"] = hand_appointment(self)
        if "consulted_agency" in c:
            params["consulted_agency"] = c["consulted_agency"]
            params["allotment_days"] = c["allotment_days"]
        if c.get("consultation_id"):
            params["consultation_id"] = c["consultation_id"]
        if "result_file" in c:
            params["result_file"] = c["result_file"]
            params["result_kind"] = c["result_kind"]
        if "result_number" in c:
            params["result_number"] = c["result_number"]
        if "receiver_name" in c:
            params["receiver_name"] = " ".join(c["receiver_name"].split())
            params["receiver_id"] = "".join(c["receiver_id"].split())
        return params


# --- Form 05 register -----------------------------------------------------------------------
class RegisterForm(StyledForm):
    agency = forms.ChoiceField(label=_("Cơ quan, trung tâm"))
    date_from = date_field(_("Từ ngày"))
    date_to = date_field(_("Đến ngày"))

    MAX_DAYS = 366

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.code, a.name) for a in agencies]
        self._agencies = {a.code: a for a in agencies}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
            elif (end - start).days >= self.MAX_DAYS:
                self.add_error("date_to", _("Mỗi lần in tối đa một năm (366 ngày)."))
        return data

    @property
    def chosen_agency(self) -> Any:
        return self._agencies[self.cleaned_data["agency"]]


__all__ = [
    "ActionForm",
    "ExtraItemFormSet",
    "ReceptionForm",
    "RegisterForm",
    "lines",
]

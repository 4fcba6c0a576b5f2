"""Forms of the catalog back office: the procedure editor (main form and one formset per
child list), repeal and restore, and the internal-process editor.

The editor starts from ``catalog.services.current_data`` and turns the submitted forms back
into a ``ProcedureData`` (:func:`build_procedure_data`). Whatever the form does not show
(sub-cases, source URL, status of a repealed procedure…) is carried over unchanged, and a
value the officer did not really change keeps its stored spelling (line breaks, Unicode form,
"15.00" for 15), so that saving an untouched form creates no new version.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import asdict, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.accounts.roles import Role
from motcua.catalog.data import (
    ChannelData,
    DocumentData,
    LegalBasisData,
    ProcedureData,
    ResultData,
    SubCaseData,
)
from motcua.catalog.models import (
    Channel,
    DurationUnit,
    Level,
    OnlineClass,
    ProcedureStatus,
    StepUnit,
)
from motcua.catalog.processes import StepSpec
from motcua.core.text import nfc

BLANK = [("", "—")]


# --- rendering helpers ------------------------------------------------------------------------
def _messages(field: forms.Field) -> dict[str, Any]:
    messages: dict[str, Any] = {}
    if isinstance(field, forms.IntegerField):
        if isinstance(field, VndField):
            messages["invalid"] = _("Nhập số tiền bằng chữ số, ví dụ 50000 hoặc 50.000.")
        elif isinstance(field, forms.DecimalField):
            messages["invalid"] = _("Nhập một số, ví dụ 5 hoặc 0.5.")
        else:
            messages["invalid"] = _("Nhập một số nguyên.")
        messages["min_value"] = _("Giá trị phải từ %(limit_value)s trở lên.")
        messages["max_value"] = _("Giá trị không được lớn hơn %(limit_value)s.")
    if isinstance(field, forms.DecimalField):
        messages["max_decimal_places"] = _("Chỉ ghi tối đa %(max)s chữ số sau dấu thập phân.")
        messages["max_digits"] = _("Số quá lớn.")
        messages["max_whole_digits"] = _("Số quá lớn.")
    if isinstance(field, forms.ChoiceField):
        messages["invalid_choice"] = _("Lựa chọn không hợp lệ.")
    if isinstance(field, forms.CharField) and field.max_length:
        messages["max_length"] = _("Nhập tối đa %(limit_value)d ký tự (hiện có %(show_value)d).")
    return messages


class StyledForm(forms.Form):
    """Gives every widget its Bootstrap class; formset rows use the small variants."""

    small = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Django's own Vietnamese for these reads oddly ("Nhập một số tổng thể.") or is
            # missing (invalid choice), so the catalog forms say it themselves.
            field.error_messages = {**field.error_messages, **_messages(field)}
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select" + (" form-select-sm" * self.small))
            elif not widget.is_hidden:
                widget.attrs.setdefault("class", "form-control" + (" form-control-sm" * self.small))


def text_area(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# Dates and times are typed as text in the Vietnamese way (01/07/2025, 15:00): a browser's
# own date and time pickers follow the browser's language and may show 07/01/2025 or 3:00 PM.
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"]


def date_input() -> forms.DateInput:
    return forms.DateInput(
        attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
        format="%d/%m/%Y",
    )


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=date_input(),
        error_messages={"invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/07/2025.")},
        **kwargs,
    )


class RowFormSet(BaseFormSet):
    """A formset whose blank extra rows start from ``extra_initial`` (so an untouched row is
    recognised as empty) and where ``position`` counts on from the last row."""

    extra_initial: dict[str, Any] = {}

    def get_form_kwargs(self, index: int) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index >= self.initial_form_count():
            initial = dict(self.extra_initial)
            if "position" in self.form.base_fields:
                initial["position"] = index + 1
            kwargs["initial"] = initial
        return kwargs

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def rows(self) -> list[forms.Form]:
        """The filled rows that are not marked for deletion, in order (after validation)."""
        return [
            form
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]


def add_row(data: Any, formset_class: type[RowFormSet], prefix: str) -> Any:
    """A copy of the POST data with one more row, blank but for its starting values, in
    formset ``prefix`` (the no-JavaScript "Thêm dòng" button)."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = min(max(int(data.get(key, 0)), 0), 500)
    except (TypeError, ValueError):
        total = 0
    data[key] = str(total + 1)
    start = dict(formset_class.extra_initial)
    if "position" in formset_class.form.base_fields:
        start["position"] = total + 1
    for name, value in start.items():
        data[f"{prefix}-{total}-{name}"] = str(value)
    return data


# --- the procedure editor ---------------------------------------------------------------------
class ProcedureForm(StyledForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    name = forms.CharField(label=_("Tên thủ tục"), widget=text_area(2))
    provincial_code = forms.CharField(label=_("Mã thủ tục của tỉnh"), required=False, max_length=60)
    field_name = forms.CharField(
        label=_("Lĩnh vực"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"list": "field-names", "autocomplete": "off"}),
        help_text=_("Chọn một lĩnh vực có sẵn; tên mới sẽ tạo lĩnh vực mới."),
    )
    levels = forms.MultipleChoiceField(
        label=_("Cấp thực hiện"), choices=Level.choices, widget=forms.CheckboxSelectMultiple
    )
    procedure_type = forms.CharField(label=_("Loại thủ tục"), required=False, max_length=255)
    applicants = forms.CharField(
        label=_("Đối tượng thực hiện"),
        required=False,
        widget=text_area(3),
        help_text=_("Mỗi dòng một đối tượng."),
    )
    competent_agency_text = forms.CharField(
        label=_("Cơ quan có thẩm quyền"), required=False, widget=text_area(2)
    )
    implementing_agency_text = forms.CharField(
        label=_("Cơ quan thực hiện"), required=False, widget=text_area(2)
    )
    authorised_agency_text = forms.CharField(
        label=_("Cơ quan được ủy quyền"), required=False, widget=text_area(2)
    )
    cooperating_agency_text = forms.CharField(
        label=_("Cơ quan phối hợp"), required=False, widget=text_area(2)
    )
    reception_address_text = forms.CharField(
        label=_("Địa chỉ tiếp nhận hồ sơ"), required=False, widget=text_area(2)
    )
    related_procedures_text = forms.CharField(
        label=_("Thủ tục liên quan"), required=False, widget=text_area(2)
    )
    steps_text = forms.CharField(label=_("Trình tự thực hiện"), required=False, widget=text_area(8))
    conditions_text = forms.CharField(
        label=_("Yêu cầu, điều kiện"), required=False, widget=text_area(4)
    )
    online_class = forms.ChoiceField(label=_("Mức độ trực tuyến"), choices=OnlineClass.choices)
    not_online_reason = forms.CharField(
        label=_("Lý do chưa cung cấp trực tuyến"),
        required=False,
        widget=text_area(2),
        help_text=_("Bắt buộc khi thủ tục chưa cung cấp trực tuyến."),
    )
    status = forms.ChoiceField(
        label=_("Tình trạng"),
        choices=[
            (ProcedureStatus.PUBLISHED, ProcedureStatus.PUBLISHED.label),
            (ProcedureStatus.AMENDED, ProcedureStatus.AMENDED.label),
        ],
        help_text=_(
            "Chọn “Đã sửa đổi, bổ sung” khi nội dung thay đổi theo quyết định công bố sửa đổi, "
            "bổ sung; ghi số quyết định và ngày hiệu lực mới. Bãi bỏ thủ tục bằng nút "
            "“Bãi bỏ” ở trang thủ tục."
        ),
    )
    decision_number = forms.CharField(label=_("Quyết định công bố"), required=False, max_length=120)
    effective_date = date_field(_("Ngày hiệu lực"), required=False)
    reason = forms.CharField(
        label=_("Lý do thay đổi"),
        max_length=255,
        help_text=_("Ghi vào lịch sử phiên bản, ví dụ: “Cập nhật lệ phí theo Nghị quyết …”."),
    )

    def __init__(self, *args: Any, repealed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if repealed:
            # A repealed procedure keeps its status; only "Khôi phục áp dụng" changes it.
            del self.fields["status"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            cleaned.get("online_class") == OnlineClass.NONE
            and not (cleaned.get("not_online_reason") or "").strip()
        ):
            self.add_error(
                "not_online_reason",
                _("Thủ tục chưa trực tuyến phải nêu lý do (Nghị định 42/2022/NĐ-CP)."),
            )
        return cleaned


class VndField(forms.IntegerField):
    """An amount in đồng as officers write it: 50000, 50.000, 50,000 or "50.000 đ".

    Django's IntegerField would read "50.000" as 50 (it drops a ".000" decimal part): a
    thousandfold error on a fee."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            text = value.strip().lower().removesuffix("đồng").removesuffix("đ").strip()
            text = re.sub(r"[\s.,]", "", text)
            if text and not text.isdigit():
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = text
        return super().to_python(value)


class RowForm(StyledForm):
    """A row of a child list; ``origin`` is the row's index in the data the editor loaded."""

    small = True
    origin = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, subcases: list[SubCaseData] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if "subcase" in self.fields:
            self.fields["subcase"].choices = [("", _("Chung (mọi trường hợp)"))] + [
                (s.code, s.name) for s in subcases or []
            ]
            self.has_subcases = bool(subcases)


class ChannelForm(RowForm):
    channel = forms.ChoiceField(label=_("Cách thức"), choices=Channel.choices)
    subcase = forms.ChoiceField(label=_("Trường hợp"), required=False)
    duration_value = forms.DecimalField(
        label=_("Thời hạn"), required=False, min_value=0, max_digits=8, decimal_places=2
    )
    duration_unit = forms.ChoiceField(
        label=_("Đơn vị thời hạn"), required=False, choices=BLANK + DurationUnit.choices
    )
    duration_text = forms.CharField(
        label=_("Thời hạn (nguyên văn)"), required=False, widget=text_area(2)
    )
    fee_vnd = VndField(
        label=_("Phí, lệ phí (đồng)"),
        required=False,
        min_value=0,
        max_value=10**15,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    fee_text = forms.CharField(
        label=_("Phí, lệ phí (nguyên văn)"), required=False, widget=text_area(2)
    )
    cutoff = forms.TimeField(
        label=_("Giờ tiếp nhận cuối trong ngày"),
        required=False,
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(
            attrs={"placeholder": "HH:MM", "inputmode": "numeric", "autocomplete": "off"},
            format="%H:%M",
        ),
        error_messages={"invalid": _("Nhập giờ theo dạng giờ:phút, ví dụ 15:00.")},
    )
    description = forms.CharField(label=_("Mô tả"), required=False, widget=text_area(2))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        value, unit = cleaned.get("duration_value"), cleaned.get("duration_unit")
        if value is not None and not unit:
            self.add_error("duration_unit", _("Chọn đơn vị cho thời hạn."))
        if unit and value is None and "duration_value" not in self.errors:
            self.add_error("duration_value", _("Nhập thời hạn cho đơn vị đã chọn."))
        return cleaned


class DocumentForm(RowForm):
    name = forms.CharField(label=_("Tên giấy tờ"), widget=text_area(2))
    group_title = forms.CharField(label=_("Nhóm giấy tờ"), required=False)
    subcase = forms.ChoiceField(label=_("Trường hợp"), required=False)
    form = forms.CharField(label=_("Mẫu đơn, tờ khai"), required=False, max_length=500)
    originals = forms.IntegerField(
        label=_("Số bản chính"), required=False, min_value=0, max_value=999
    )
    copies = forms.IntegerField(label=_("Số bản sao"), required=False, min_value=0, max_value=999)
    count_text = forms.CharField(label=_("Số lượng (nguyên văn)"), required=False, max_length=255)


class LegalBasisForm(RowForm):
    code = forms.CharField(label=_("Số, ký hiệu"), required=False, max_length=120)
    title = forms.CharField(label=_("Tên văn bản"), widget=text_area(2))


class ResultForm(RowForm):
    name = forms.CharField(label=_("Tên kết quả"), widget=text_area(2))
    code = forms.CharField(label=_("Mã kết quả"), required=False, max_length=80)


def _formset(form: type[forms.Form], **extra_initial: Any) -> type[RowFormSet]:
    return formset_factory(
        form,
        formset=type(f"{form.__name__}Set", (RowFormSet,), {"extra_initial": extra_initial}),
        extra=1,
        can_delete=True,
        max_num=500,
        validate_max=True,
    )


ChannelFormSet = _formset(ChannelForm, channel=Channel.DIRECT)
DocumentFormSet = _formset(DocumentForm)
LegalBasisFormSet = _formset(LegalBasisForm)
ResultFormSet = _formset(ResultForm)

# prefix → (formset class, ProcedureData attribute, its item class, section title)
CHILD_LISTS: dict[str, tuple[type[RowFormSet], str, type, Any]] = {
    "channels": (ChannelFormSet, "channels", ChannelData, _("Cách thức thực hiện")),
    "documents": (DocumentFormSet, "documents", DocumentData, _("Thành phần hồ sơ")),
    "legal_bases": (LegalBasisFormSet, "legal_bases", LegalBasisData, _("Căn cứ pháp lý")),
    "results": (ResultFormSet, "results", ResultData, _("Kết quả thực hiện")),
}


def procedure_initial(data: ProcedureData, version: int) -> dict[str, Any]:
    return {
        "expected_version": version,
        "name": data.name,
        "provincial_code": data.provincial_code,
        "field_name": data.field_name,
        "levels": list(data.levels),
        "procedure_type": data.procedure_type,
        "applicants": "\n".join(data.applicants),
        "competent_agency_text": data.competent_agency_text,
        "implementing_agency_text": data.implementing_agency_text,
        "authorised_agency_text": data.authorised_agency_text,
        "cooperating_agency_text": data.cooperating_agency_text,
        "reception_address_text": data.reception_address_text,
        "related_procedures_text": data.related_procedures_text,
        "steps_text": data.steps_text,
        "conditions_text": data.conditions_text,
        "online_class": data.online_class,
        "not_online_reason": data.not_online_reason,
        "status": data.status,
        "decision_number": data.decision_number,
        "effective_date": dt.date.fromisoformat(data.effective_date)
        if data.effective_date
        else None,
    }


def child_formsets(data: ProcedureData, post: Any = None) -> dict[str, RowFormSet]:
    """One bound (``post``) or initial formset per child list of ``data``."""
    formsets = {}
    for prefix, (formset_class, attribute, _item, _title) in CHILD_LISTS.items():
        kwargs: dict[str, Any] = {"prefix": prefix, "form_kwargs": {"subcases": data.subcases}}
        if post is None:
            kwargs["initial"] = [
                {**asdict(item), "origin": index}
                for index, item in enumerate(getattr(data, attribute))
            ]
            formsets[prefix] = formset_class(**kwargs)
        else:
            formsets[prefix] = formset_class(post, **kwargs)
    return formsets


# --- turning the forms back into data ---------------------------------------------------------
def _text(value: str | None) -> str:
    """Submitted text as we store it: NFC, Unix line ends, no surrounding blanks."""
    return nfc((value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def _same_text(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return "\n".join(line.rstrip() for line in _text(text).split("\n"))

    return norm(a) == norm(b)


def _same(name: str, new: Any, old: Any) -> bool:
    if name == "duration_value" and new is not None and old is not None:
        try:
            return Decimal(new) == Decimal(old)
        except (InvalidOperation, ValueError):
            return False
    if isinstance(new, str) and isinstance(old, str):
        return _same_text(new, old)
    if isinstance(new, list) and isinstance(old, list):
        return len(new) == len(old) and all(
            _same(name, a, b) for a, b in zip(new, old, strict=True)
        )
    return new == old


def _keep_spelling(new: Any, old: Any) -> Any:
    """``new`` (a data item), with every field the officer did not change taken from ``old``."""
    if old is None:
        return new
    kept = {
        f.name: getattr(old, f.name)
        for f in fields(new)
        if _same(f.name, getattr(new, f.name), getattr(old, f.name))
    }
    return replace(new, **kept)


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.normalize(), "f")


def _row_item(prefix: str, cleaned: dict[str, Any]) -> Any:
    subcase = cleaned.get("subcase") or None
    if prefix == "channels":
        cutoff: dt.time | None = cleaned.get("cutoff")
        return ChannelData(
            channel=cleaned["channel"],
            duration_value=_decimal_text(cleaned.get("duration_value")),
            duration_unit=cleaned.get("duration_unit") or "",
            duration_text=_text(cleaned.get("duration_text")),
            fee_vnd=cleaned.get("fee_vnd"),
            fee_text=_text(cleaned.get("fee_text")),
            description=_text(cleaned.get("description")),
            cutoff=cutoff.strftime("%H:%M") if cutoff else None,
            subcase=subcase,
        )
    if prefix == "documents":
        return DocumentData(
            name=_text(cleaned["name"]),
            group_title=_text(cleaned.get("group_title")),
            form=_text(cleaned.get("form")),
            originals=cleaned.get("originals"),
            copies=cleaned.get("copies"),
            count_text=_text(cleaned.get("count_text")),
            subcase=subcase,
        )
    if prefix == "legal_bases":
        return LegalBasisData(title=_text(cleaned["title"]), code=_text(cleaned.get("code")))
    return ResultData(name=_text(cleaned["name"]), code=_text(cleaned.get("code")))


_SCALAR_TEXTS = (
    "name",
    "provincial_code",
    "field_name",
    "procedure_type",
    "competent_agency_text",
    "implementing_agency_text",
    "authorised_agency_text",
    "cooperating_agency_text",
    "reception_address_text",
    "related_procedures_text",
    "steps_text",
    "conditions_text",
    "not_online_reason",
    "decision_number",
)


def build_procedure_data(
    base: ProcedureData, form: ProcedureForm, formsets: dict[str, RowFormSet]
) -> ProcedureData:
    """The procedure as the officer submitted it, on top of ``base`` (the current data).

    Sub-cases are kept as they are; a channel or document keeps the sub-case chosen in its
    row. Status changes only between published and amended here (repeal has its own action).
    """
    cleaned = form.cleaned_data
    new = copy.deepcopy(base)
    for name in _SCALAR_TEXTS:
        setattr(new, name, _text(cleaned.get(name)))
    chosen = set(cleaned["levels"])
    new.levels = [level for level in Level.values if level in chosen]
    new.applicants = [
        line for line in (_text(x) for x in (cleaned.get("applicants") or "").splitlines()) if line
    ]
    new.online_class = cleaned["online_class"]
    effective: dt.date | None = cleaned.get("effective_date")
    new.effective_date = effective.isoformat() if effective else None
    if base.status != ProcedureStatus.REPEALED and cleaned.get("status"):
        new.status = cleaned["status"]
    for prefix, formset in formsets.items():
        attribute = CHILD_LISTS[prefix][1]
        loaded = getattr(base, attribute)
        items = []
        for row in formset.rows():
            origin = row.cleaned_data.get("origin")
            old = loaded[origin] if isinstance(origin, int) and 0 <= origin < len(loaded) else None
            items.append(_keep_spelling(_row_item(prefix, row.cleaned_data), old))
        setattr(new, attribute, items)
    # Unchanged scalars keep their stored spelling too.
    kept = {
        name: getattr(base, name)
        for name in (*_SCALAR_TEXTS, "applicants")
        if _same(name, getattr(new, name), getattr(base, name))
    }
    if set(new.levels) == set(base.levels):
        kept["levels"] = base.levels
    return replace(new, **kept)


# --- repeal and restore -----------------------------------------------------------------------
class RepealForm(StyledForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    repealed_date = date_field(_("Ngày bãi bỏ"))
    reason = forms.CharField(
        label=_("Lý do bãi bỏ"),
        max_length=255,
        widget=text_area(2),
        help_text=_("Ví dụ: “Bãi bỏ theo Quyết định số … ngày … của Chủ tịch UBND tỉnh”."),
    )

    def __init__(self, *args: Any, effective_date: dt.date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.effective_date = effective_date

    def clean_repealed_date(self) -> dt.date:
        day = self.cleaned_data["repealed_date"]
        if self.effective_date and day < self.effective_date:
            raise forms.ValidationError(
                _("Ngày bãi bỏ không được trước ngày hiệu lực (%(day)s).")
                % {"day": self.effective_date.strftime("%d/%m/%Y")}
            )
        return day


class RestoreForm(StyledForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label=_("Lý do khôi phục áp dụng"),
        max_length=255,
        widget=text_area(2),
        help_text=_("Ví dụ: “Quyết định bãi bỏ đã bị thu hồi”."),
    )


# --- internal processes -----------------------------------------------------------------------
class ProcessForm(StyledForm):
    name = forms.CharField(label=_("Tên quy trình"), max_length=255, required=False)


class StepForm(StyledForm):
    small = True
    position = forms.IntegerField(label=_("Thứ tự"), min_value=1, max_value=999)
    name = forms.CharField(label=_("Tên bước"), max_length=255)
    role = forms.ChoiceField(label=_("Vai trò thực hiện"), choices=BLANK + Role.choices)
    allotted_value = forms.DecimalField(
        label=_("Thời gian"), max_digits=6, decimal_places=2, min_value=0
    )
    allotted_unit = forms.ChoiceField(label=_("Đơn vị"), choices=StepUnit.choices)

    def clean_allotted_value(self) -> Decimal:
        value = self.cleaned_data["allotted_value"]
        if value <= 0:
            raise forms.ValidationError(_("Thời gian phải lớn hơn 0."))
        return value

    def spec(self) -> StepSpec:
        c = self.cleaned_data
        return StepSpec(
            position=c["position"],
            name=_text(c["name"]),
            role=c["role"],
            allotted_value=c["allotted_value"],
            allotted_unit=c["allotted_unit"],
        )


StepFormSet = formset_factory(
    StepForm,
    formset=type(
        "StepFormSetBase", (RowFormSet,), {"extra_initial": {"allotted_unit": "working_days"}}
    ),
    extra=1,
    can_delete=True,
    max_num=100,
    validate_max=True,
)


def step_initial(definition: Any) -> list[dict[str, Any]]:
    if definition is None:
        return []
    return [
        {
            "position": step.position,
            "name": step.name,
            "role": step.role,
            "allotted_value": step.allotted_value.normalize(),
            "allotted_unit": step.allotted_unit,
        }
        for step in definition.steps.all()
    ]


class AgencyChoiceForm(forms.Form):
    """Pick the agency whose own process to define (a GET form)."""

    agency = forms.ChoiceField(label=pgettext_lazy("one agency", "Cơ quan"))

    def __init__(self, *args: Any, implementing: list, others: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: list[Any] = []
        if implementing:
            groups.append(
                (_("Cơ quan thực hiện thủ tục"), [(a.code, a.name) for a in implementing])
            )
        if others:
            groups.append((_("Cơ quan khác trong tỉnh"), [(a.code, a.name) for a in others]))
        self.fields["agency"].choices = groups
        self.fields["agency"].widget.attrs["class"] = "form-select"

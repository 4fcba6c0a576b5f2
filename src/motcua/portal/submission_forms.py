"""Forms of online submission: where to submit, the e-form (applicant, possibly on behalf of
someone else), the shared data of an interlinked group, and how to receive the result.

Forms only read and check what the citizen typed; ``portal.submission`` stores it and has the
last word at submission (the automatic technical check runs every form again).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.identity import validate_personal_id, validate_tax_code
from motcua.accounts.models import AccountKind
from motcua.dossiers.models import ApplicantType, IdType, ResultDelivery

PHONE_RE = re.compile(r"^(0|\+84)[0-9]{9,10}$")
OTHER_ID_RE = re.compile(r"^[0-9A-Za-z./-]{5,40}$")
FILE_ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png"


class BootstrapForm(forms.Form):
    """Bootstrap classes on every widget, and ``aria-invalid`` / ``aria-describedby`` tying an
    error to its field (screen readers read the message with the field). A subclass that adds
    fields in its ``__init__`` calls ``style_fields()`` again."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}_helptext"

    def full_clean(self) -> None:
        super().full_clean()
        # Errors are known only now: mark the invalid widgets and point them at the message.
        for name in self._errors or {}:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            widget.attrs["aria-invalid"] = "true"
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
            described = widget.attrs.get("aria-describedby", "")
            error_id = f"id_{self.add_prefix(name)}_error"
            if error_id not in described:
                widget.attrs["aria-describedby"] = f"{error_id} {described}".strip()


# --- where ----------------------------------------------------------------------------------
class PlaceForm(BootstrapForm):
    """The sub-case and the centre that receives the dossier (any centre of the province that
    receives the procedure, whatever the applicant's residence)."""

    receiving_agency = forms.ChoiceField(
        label=_("Nơi nộp hồ sơ"),
        help_text=_(
            "Bạn được nộp tại bất kỳ trung tâm phục vụ hành chính công nào của tỉnh, không phụ "
            "thuộc nơi cư trú."
        ),
        error_messages={
            "required": _("Hãy chọn nơi nộp hồ sơ."),
            "invalid_choice": _("Nơi nộp đã chọn không tiếp nhận thủ tục này."),
        },
    )

    def __init__(
        self, *args: Any, centres: list[Any], subcases: list[Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_agency"].choices = [("", _("— Chọn —"))] + [
            (a.code, a.name) for a in centres
        ]
        self._centres = {a.code: a for a in centres}
        if subcases:
            self.fields["subcase_code"] = forms.ChoiceField(
                label=_("Trường hợp"),
                choices=[("", _("Trường hợp chung")), *((s.code, s.name) for s in subcases)],
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
                error_messages={"invalid_choice": _("Trường hợp đã chọn không có.")},
            )
        self.style_fields()

    @property
    def centre(self) -> Any:
        return self._centres[self.cleaned_data["receiving_agency"]]


# --- the e-form -------------------------------------------------------------------------------
def own_identity(user: Any) -> dict[str, Any]:
    """The account's own identity, from its profile: what prefills the e-form and what a
    representative's fields hold when the user submits on behalf of someone else."""
    data: dict[str, Any] = {
        "applicant_type": ApplicantType.CITIZEN,
        "applicant_name": user.get_full_name(),
        "applicant_id_type": IdType.PERSONAL_ID,
        "applicant_id_number": "",
        "applicant_phone": user.phone or "",
        "applicant_email": user.email or "",
        "applicant_address": "",
        "applicant_commune_id": None,
    }
    business = (
        getattr(user, "business_profile", None) if user.kind == AccountKind.BUSINESS else None
    )
    citizen = getattr(user, "citizen_profile", None) if business is None else None
    if business is not None:
        data.update(
            applicant_type=ApplicantType.ENTERPRISE,
            applicant_name=business.name,
            applicant_id_type=IdType.TAX_CODE,
            applicant_id_number=business.tax_code,
            applicant_address=business.address,
            applicant_commune_id=business.commune_id,
        )
    elif citizen is not None:
        data.update(
            applicant_id_number=citizen.national_id,
            applicant_address=citizen.address,
            applicant_commune_id=citizen.commune_id,
        )
    return data


class ApplicantForm(BootstrapForm):
    """Who applies (prefilled from the profile), and whether the account holder submits on
    behalf of another person or organisation (then he is the representative)."""

    on_behalf = forms.BooleanField(
        label=_("Tôi nộp thay cho người khác (được ủy quyền)"),
        required=False,
        help_text=_(
            "Khi nộp thay: nhập thông tin của người (hoặc tổ chức) có yêu cầu; bạn là người được "
            "ủy quyền. Nhớ đính kèm văn bản ủy quyền."
        ),
    )
    applicant_type = forms.TypedChoiceField(
        label=_("Đối tượng"),
        choices=ApplicantType.choices,
        coerce=int,
        error_messages={"invalid_choice": _("Đối tượng không hợp lệ.")},
    )
    applicant_name = forms.CharField(
        label=_("Họ tên người có yêu cầu / tên tổ chức"),
        max_length=255,
        error_messages={"required": _("Hãy nhập họ tên hoặc tên tổ chức.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    applicant_id_type = forms.ChoiceField(
        label=_("Loại giấy tờ"),
        choices=IdType.choices,
        error_messages={"invalid_choice": _("Loại giấy tờ không hợp lệ.")},
    )
    applicant_id_number = forms.CharField(
        label=_("Số giấy tờ"),
        max_length=40,
        error_messages={"required": _("Hãy nhập số giấy tờ.")},
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Thư điện tử không đúng dạng, ví dụ ten@example.vn.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    applicant_address = forms.CharField(
        label=_("Địa chỉ"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    summary = forms.CharField(
        label=_("Nội dung yêu cầu"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Tóm tắt điều bạn đề nghị; để trống thì dùng tên thủ tục."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        self.own = own_identity(user)
        super().__init__(*args, **kwargs)

    def clean_applicant_name(self) -> str:
        return " ".join(self.cleaned_data["applicant_name"].split())

    def clean_applicant_phone(self) -> str:
        phone = re.sub(r"[ .\-]", "", self.cleaned_data["applicant_phone"])
        if phone and not PHONE_RE.match(phone):
            raise ValidationError(
                _("Số điện thoại gồm 10–11 chữ số, bắt đầu bằng 0 hoặc +84, ví dụ 0912345678.")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        id_type, number = data.get("applicant_id_type"), data.get("applicant_id_number", "")
        number = number.strip().upper() if number else ""
        kind = data.get("applicant_type")
        if id_type and number:
            try:
                if id_type == IdType.PERSONAL_ID:
                    validate_personal_id(number)
                elif id_type == IdType.TAX_CODE:
                    validate_tax_code(number)
                elif not OTHER_ID_RE.match(number):
                    raise ValidationError(
                        _("Số giấy tờ gồm 5–40 chữ cái hoặc chữ số (được có dấu chấm, gạch).")
                    )
            except ValidationError as error:
                self.add_error("applicant_id_number", error)
            data["applicant_id_number"] = number
        if kind is not None and id_type:
            if kind == ApplicantType.ENTERPRISE and id_type != IdType.TAX_CODE:
                self.add_error(
                    "applicant_id_type", _("Doanh nghiệp, tổ chức khai bằng mã số thuế.")
                )
            if kind == ApplicantType.CITIZEN and id_type == IdType.TAX_CODE:
                self.add_error(
                    "applicant_id_type",
                    _("Công dân khai bằng số định danh cá nhân, hộ chiếu hoặc giấy tờ khác."),
                )
        own = self.own["applicant_id_number"]
        if data.get("on_behalf"):
            if not own:
                self.add_error(
                    "on_behalf",
                    _(
                        "Tài khoản của bạn chưa có số định danh hoặc mã số thuế nên chưa thể nộp "
                        "thay người khác."
                    ),
                )
            elif number and number == own:
                self.add_error(
                    "applicant_id_number",
                    _("Khi nộp thay, hãy nhập thông tin của người có yêu cầu, không phải của bạn."),
                )
        elif own and number and number != own:
            self.add_error(
                "applicant_id_number",
                _(
                    "Số giấy tờ khác với tài khoản của bạn. Nếu bạn nộp thay người khác, hãy đánh "
                    "dấu “Tôi nộp thay cho người khác”."
                ),
            )
        return data

    def form_data(self) -> dict[str, Any]:
        """What the draft stores: the typed fields, plus the representative (the account
        holder) when submitting on behalf of someone else."""
        data = self.cleaned_data
        stored = {name: data.get(name) for name in self.fields}
        stored["applicant_type"] = int(stored["applicant_type"])
        stored["applicant_commune_id"] = (
            None if data.get("on_behalf") else self.own["applicant_commune_id"]
        )
        if data.get("on_behalf"):
            stored["representative_name"] = self.own["applicant_name"]
            stored["representative_id_number"] = self.own["applicant_id_number"]
            stored["representative_phone"] = self.user.phone or ""
        else:
            stored.update(
                representative_name="", representative_id_number="", representative_phone=""
            )
        return stored


def applicant_initial(user: Any, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The e-form's starting values: what the draft holds, else the profile."""
    if stored:
        return {k: v for k, v in stored.items() if not isinstance(v, dict)}
    return {**own_identity(user), "on_behalf": False, "summary": ""}


# --- shared data of an interlinked group -----------------------------------------------------
class SharedDataForm(BootstrapForm):
    """The group's shared fields (entered once, copied to every member dossier)."""

    def __init__(self, *args: Any, specs: list[dict[str, Any]], **kwargs: Any) -> None:
        self.specs = specs
        super().__init__(*args, **kwargs)
        for spec in specs:
            name = f"shared_{spec['key']}"
            required = bool(spec.get("required", True))
            message = _("Hãy nhập “%(label)s”.") % {"label": spec["label"]}
            if spec.get("type") == "date":
                field: forms.Field = forms.DateField(
                    label=spec["label"],
                    required=required,
                    input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                    error_messages={
                        "required": message,
                        "invalid": _("Ngày không đúng dạng (ngày/tháng/năm)."),
                    },
                )
            else:
                field = forms.CharField(
                    label=spec["label"],
                    required=required,
                    max_length=255,
                    error_messages={"required": message},
                )
            self.fields[name] = field
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        for spec in self.specs:
            value = data.get(f"shared_{spec['key']}")
            if isinstance(value, dt.date) and value > today:
                self.add_error(f"shared_{spec['key']}", _("Ngày không được ở tương lai."))
        return data

    def shared(self) -> dict[str, str]:
        values = {}
        for spec in self.specs:
            value = self.cleaned_data.get(f"shared_{spec['key']}")
            values[spec["key"]] = value.isoformat() if isinstance(value, dt.date) else value or ""
        return values


def shared_initial(stored: dict[str, Any] | None) -> dict[str, Any]:
    return {f"shared_{k}": v for k, v in ((stored or {}).get("shared") or {}).items()}


# --- delivery ----------------------------------------------------------------------------------
class DeliveryForm(BootstrapForm):
    result_delivery = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=ResultDelivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn cách nhận kết quả."),
            "invalid_choice": _("Cách nhận kết quả không hợp lệ."),
        },
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        max_length=255,
        required=False,
        help_text=_("Bắt buộc khi chọn nhận qua bưu chính: số nhà, đường, xã/phường."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        address = " ".join((data.get("delivery_address") or "").split())
        if data.get("result_delivery") == ResultDelivery.POST and not address:
            self.add_error(
                "delivery_address", _("Hãy nhập địa chỉ để bưu điện chuyển kết quả đến.")
            )
        data["delivery_address"] = (
            address if data.get("result_delivery") == ResultDelivery.POST else ""
        )
        return data

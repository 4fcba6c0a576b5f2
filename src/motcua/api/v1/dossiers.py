"""Dossier API for officers: list within their agencies, read, history, and actions.

Every read goes through ``dossiers.selectors`` (a dossier outside the officer's scope answers
404 exactly like a missing one) and every change through ``dossiers.services.perform`` (the
same rules as the back office). Refusals of the service become problems: forbidden → 403,
conflict → 409, invalid → 422.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.paginator import EmptyPage
from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.accounts.identity import mask_if_personal_id
from motcua.api.errors import problem
from motcua.api.permissions import IsVerifiedOfficer
from motcua.catalog.models import Channel
from motcua.dossiers import results as result_docs
from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier, DossierResult, ResultDelivery, Status
from motcua.dossiers.services import CONFLICT, FORBIDDEN, INVALID, DossierError, perform
from motcua.dossiers.transitions import TABLE, Action, Transition

ERROR_STATUS = {FORBIDDEN: 403, CONFLICT: 409, INVALID: 422}
QUEUES = [value for name, value in vars(selectors.Queue).items() if name.isupper()]
ACTIONS = [action.value for action in Action]


# --- representations --------------------------------------------------------------------------


class DossierStatusSerializer(serializers.Serializer):
    code = serializers.IntegerField(min_value=1, max_value=10, help_text="Mã trạng thái quốc gia")
    label = serializers.CharField()


@extend_schema_field(DossierStatusSerializer)
class StatusField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: int) -> dict[str, Any]:
        return {"code": int(value), "label": str(Status(value).label)}


class DossierProcedureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DossierSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    status = StatusField()
    procedure = DossierProcedureSerializer()
    applicant_name = serializers.CharField()
    applicant_id_masked = serializers.SerializerMethodField(
        help_text="Số định danh cá nhân che giữa (022******234); giấy tờ khác giữ nguyên"
    )
    receiving_agency = serializers.CharField(
        source="receiving_agency.code", help_text="Mã định danh trung tâm tiếp nhận"
    )
    competent_agency = serializers.CharField(
        source="competent_agency.code", help_text="Mã định danh cơ quan có thẩm quyền"
    )
    submitted_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="Ngày hẹn trả")
    assignee = serializers.CharField(
        source="assignee.username",
        allow_null=True,
        default=None,
        help_text="Tên đăng nhập của người đang xử lý",
    )
    current_step_name = serializers.CharField()
    step_due_at = serializers.DateTimeField(
        allow_null=True, help_text="Hạn của bước xử lý hiện tại (theo quy trình nội bộ)"
    )

    def get_applicant_id_masked(self, obj: Dossier) -> str:
        return mask_if_personal_id(obj.applicant_id_number)


class DossierComponentSerializer(serializers.Serializer):
    name = serializers.CharField()
    document_id = serializers.IntegerField(
        allow_null=True, help_text="Giấy tờ theo danh mục; null: giấy tờ nhận thêm có lý do"
    )
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    digitized = serializers.BooleanField()
    reused = serializers.BooleanField()
    from_warehouse = serializers.BooleanField()
    page_count = serializers.IntegerField()
    extra_reason = serializers.CharField()


class DossierDeadlineSerializer(serializers.Serializer):
    value = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    unit = serializers.ChoiceField(
        choices=["hours", "working_hours", "days", "working_days", "months"], allow_null=True
    )

    def to_representation(self, obj: Dossier) -> dict[str, Any]:
        return {"value": obj.deadline_value, "unit": obj.deadline_unit or None}


class DossierApologySerializer(serializers.Serializer):
    apologized_at = serializers.DateTimeField()
    original_due_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(source="apology_reason")


class DossierConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="consultation_id của answer_consultation")
    agency = serializers.CharField(source="agency.code", help_text="Cơ quan được xin ý kiến")
    agency_name = serializers.CharField(source="agency.name")
    requested_at = serializers.DateTimeField()
    question = serializers.CharField()
    allotment_days = serializers.IntegerField(help_text="Thời gian trả lời (ngày làm việc)")
    due_at = serializers.DateTimeField(help_text="Hạn trả lời, theo lịch của cơ quan đó")
    answered_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField()


class DossierAllowedActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    label = serializers.CharField()
    needs_note = serializers.BooleanField(help_text="Phải ghi lý do hoặc nội dung (note)")

    def to_representation(self, transition: Transition) -> dict[str, Any]:
        return {
            "action": str(transition.action),
            "label": str(transition.label),
            "needs_note": transition.needs_note,
        }


class DossierSerializer(DossierSummarySerializer):
    channel = serializers.ChoiceField(choices=Channel.values)
    summary = serializers.CharField()
    components = DossierComponentSerializer(many=True)
    deadline = DossierDeadlineSerializer(source="*")
    result_state = serializers.ChoiceField(
        choices=["", "draft", "approved"],
        help_text="'': chưa có; draft: đã trình dự thảo; approved: đã phê duyệt",
    )
    supplement_count = serializers.IntegerField()
    current_step = serializers.IntegerField(
        allow_null=True, help_text="Số thứ tự bước hiện tại trong quy trình nội bộ"
    )
    consultations = DossierConsultationSerializer(
        many=True, help_text="Các lần xin ý kiến cơ quan phối hợp (liên thông)"
    )
    apology = serializers.SerializerMethodField(help_text="null: chưa xin lỗi, hẹn lại")
    revision = serializers.IntegerField(
        help_text="Gửi lại trong expected_revision để phát hiện thay đổi đồng thời"
    )
    result_delivery = serializers.ChoiceField(choices=ResultDelivery.values)
    allowed_actions = serializers.SerializerMethodField(
        help_text=(
            "Các thao tác bảng chuyển trạng thái và vai trò của người dùng hiện tại cho phép "
            "lúc này (điều kiện như “người được giao”, “một lần” do thao tác kiểm tra)"
        )
    )

    @extend_schema_field(DossierApologySerializer(allow_null=True))
    def get_apology(self, obj: Dossier) -> dict[str, Any] | None:
        if obj.apologized_at is None:
            return None
        return DossierApologySerializer(obj).data

    @extend_schema_field(DossierAllowedActionSerializer(many=True))
    def get_allowed_actions(self, obj: Dossier) -> list[dict[str, Any]]:
        actions = selectors.allowed_actions(obj, self.context["request"].user)
        return DossierAllowedActionSerializer([TABLE[a] for a in actions], many=True).data


_ID_NUMBER = re.compile(r"^\d{12}$")


def _present(value: Any) -> Any:
    """Event data as stored, with personal ID numbers masked and moments in Vietnam time."""
    if isinstance(value, dict):
        return {key: _present(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_present(item) for item in value]
    if isinstance(value, str):
        if _ID_NUMBER.match(value.strip()):
            return mask_if_personal_id(value)
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is not None and timezone.is_aware(moment):
            return timezone.localtime(moment).isoformat()
    return value


class DossierEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    action = serializers.CharField(help_text="submit hoặc một thao tác của POST …/actions/")
    from_status = StatusField(allow_null=True)
    to_status = StatusField()
    at = serializers.DateTimeField()
    actor_name = serializers.CharField()
    actor_role = serializers.CharField(help_text="Vai trò đã dùng; rỗng khi công dân nộp")
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)
    note = serializers.CharField()
    data = serializers.SerializerMethodField(
        help_text="Chi tiết theo thao tác (số CCCD được che giữa)"
    )

    def get_data(self, obj: Any) -> dict[str, Any]:
        return _present(obj.data or {})


class DossierPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DossierSummarySerializer(many=True)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details (api/errors.py)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(required=False, help_text="Lỗi theo từng trường")


@extend_schema_field({"type": "string", "format": "binary"})
class UploadField(serializers.FileField):
    """A file sent in a multipart request (the schema says binary, not a URI)."""


class DossierActionSerializer(serializers.Serializer):
    note = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="Lý do hoặc nội dung; bắt buộc với thao tác có needs_note",
    )
    expected_revision = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="revision đã đọc; khác hiện tại thì trả 409 (người khác vừa thay đổi)",
    )
    assignee_id = serializers.IntegerField(
        required=False,
        help_text="assign, forward, return_step, submit_draft, approve: người nhận bước tiếp theo",
    )
    due_at = serializers.DateTimeField(
        required=False,
        help_text=(
            "receive: ngày hẹn trả do cán bộ nhập — bắt buộc khi thời hạn của thủ tục không "
            "tính được (thiếu đơn vị), không được gửi khi tính được; phải sau lúc tiếp nhận"
        ),
    )
    consulted_agency = serializers.CharField(
        required=False, max_length=40, help_text="request_consultation: mã cơ quan được xin ý kiến"
    )
    allotment_days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=60,
        help_text="request_consultation: thời gian trả lời, ngày làm việc",
    )
    consultation_id = serializers.IntegerField(
        required=False,
        help_text="answer_consultation: yêu cầu được trả lời (mặc định: yêu cầu cũ nhất)",
    )
    items = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="request_supplement(_at_reception): các giấy tờ phải bổ sung",
    )
    amount_vnd = serializers.IntegerField(required=False, help_text="require_payment: số tiền")
    new_due_at = serializers.DateTimeField(
        required=False,
        help_text="apologize: ngày hẹn mới (ISO 8601; không có múi giờ thì là giờ Việt Nam)",
    )
    receiver_name = serializers.CharField(required=False, help_text="return_result")
    receiver_id = serializers.CharField(required=False, help_text="return_result")
    result_file = UploadField(
        required=False,
        allow_empty_file=False,
        help_text=(
            "submit_draft (bắt buộc): tệp PDF dự thảo kết quả, gửi dạng multipart/form-data; "
            "kiểm tra theo nội dung (PDF đọc được, không mã hóa, không chứa mã lệnh, trong "
            "giới hạn dung lượng)"
        ),
    )
    result_kind = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text=(
            "submit_draft: loại kết quả, ví dụ “Giấy khai sinh”; để trống khi thủ tục chỉ "
            "công bố một kết quả"
        ),
    )
    result_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=60,
        help_text=(
            "issue_result: số, ký hiệu văn bản do văn thư ghi; để trống thì là "
            "<số vào sổ kết quả>/<năm>/<mã cơ quan>"
        ),
    )


# --- views ------------------------------------------------------------------------------------


class DossierPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_scoped(self, qs: QuerySet[Dossier], request: Request, narrow: bool) -> list:
        """A page of ``qs`` within the officer's scope (``selectors.page``: fast at a million
        dossiers), in DRF's page-number format; a page out of range answers 404."""
        self.request = request
        number = request.query_params.get(self.page_query_param)
        try:
            self.page = selectors.page(
                request.user,
                qs,
                selectors.BY_DUE,
                number,
                self.get_page_size(request),
                narrow=narrow,
                strict=True,
            )
        except EmptyPage as error:
            raise NotFound(
                self.invalid_page_message.format(page_number=number, message=str(error))
            ) from None
        return list(self.page)


def _errors(status_code: int, *more: int) -> dict[Any, Any]:
    return {(code, "application/problem+json"): ProblemSerializer for code in (status_code, *more)}


NOT_FOUND = "Không tìm thấy hồ sơ {code}."
# "+07:00" not percent-encoded in a query string arrives as " 07:00" after a time of day.
_OFFSET_IN_QUERY = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def _due_before(raw: str) -> dt.datetime:
    """An ISO date (midnight at its start) or datetime; without an offset, Vietnam time."""
    raw = _OFFSET_IN_QUERY.sub(r"\1+\2", raw.strip())
    try:
        moment = parse_datetime(raw)
        day = None if moment else parse_date(raw)
    except ValueError:
        moment = day = None
    if moment is None and day is not None:
        moment = dt.datetime.combine(day, dt.time.min)
    if moment is None:
        raise serializers.ValidationError(
            {"due_before": ["Ngày giờ theo ISO 8601, ví dụ 2026-03-10 hoặc 2026-03-10T17:00."]}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _statuses(values: list[str]) -> list[int]:
    codes = []
    for raw in values:
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or int(part) not in Status.values:
                raise serializers.ValidationError(
                    {"status": [f"Trạng thái không hợp lệ: {part}; chọn từ 1 đến 10."]}
                )
            codes.append(int(part))
    return codes


def _filtered(request: Request) -> tuple[QuerySet[Dossier], bool]:
    """The filters of the query string on every dossier (the scope is applied by the page),
    and whether a search narrows them."""
    params = request.query_params
    qs = Dossier.objects.all()
    statuses = _statuses(params.getlist("status"))
    if statuses:
        qs = selectors.with_statuses(qs, statuses)
    if params.get("due_before", "").strip():
        qs = qs.filter(due_at__lt=_due_before(params["due_before"]))
    name = params.get("queue", "").strip()
    if name:
        if name not in QUEUES:
            raise serializers.ValidationError(
                {"queue": [f"Hàng đợi không hợp lệ; chọn một trong {QUEUES}."]}
            )
        qs = selectors.queue(qs, name, request.user)
    condition = selectors.search_filter(params.get("q", ""))
    return (qs, False) if condition is None else (qs.filter(condition), True)


@extend_schema(
    operation_id="dossiers_list",
    summary="Danh sách hồ sơ thuộc phạm vi cơ quan của cán bộ",
    description=(
        "Chỉ cán bộ đã đăng nhập và xác thực hai lớp. Sắp xếp theo ngày hẹn trả (chưa có hẹn "
        "xếp cuối) rồi ngày nộp."
    ),
    parameters=[
        OpenApiParameter(
            "status",
            OpenApiTypes.INT,
            many=True,
            explode=True,
            enum=Status.values,
            description="Mã trạng thái quốc gia 1–10; lặp lại để chọn nhiều (?status=4&status=5)",
        ),
        OpenApiParameter(
            "due_before",
            OpenApiTypes.STR,
            description=(
                "Hẹn trả trước thời điểm này: ngày (tính từ 00:00) hoặc ngày giờ ISO 8601; "
                "không có múi giờ thì là giờ Việt Nam"
            ),
        ),
        OpenApiParameter(
            "q", OpenApiTypes.STR, description="Mã hồ sơ (hoặc phần cuối), tên người nộp, số CCCD"
        ),
        OpenApiParameter("queue", OpenApiTypes.STR, enum=QUEUES, description="Hàng đợi công việc"),
        OpenApiParameter("page", OpenApiTypes.INT),
        OpenApiParameter("page_size", OpenApiTypes.INT, description="Mặc định 20, tối đa 100"),
    ],
    responses={200: DossierPageSerializer, **_errors(400, 403, 404)},
)
@api_view(["GET"])
@permission_classes([IsVerifiedOfficer])
def dossier_list(request: Request) -> Response:
    qs, narrow = _filtered(request)
    paginator = DossierPagination()
    page = paginator.paginate_scoped(qs, request, narrow)
    return paginator.get_paginated_response(DossierSummarySerializer(page, many=True).data)


CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Mã hồ sơ")


def _detail(request: Request, code: str) -> Response:
    dossier = (
        selectors.visible_dossiers(request.user)
        .prefetch_related("components", "consultations__agency")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        return problem(404, NOT_FOUND.format(code=code))
    return Response(DossierSerializer(dossier, context={"request": request}).data)


@extend_schema(
    operation_id="dossiers_retrieve",
    summary="Chi tiết hồ sơ và các thao tác được phép",
    parameters=[CODE],
    responses={200: DossierSerializer, **_errors(403, 404)},
)
@api_view(["GET"])
@permission_classes([IsVerifiedOfficer])
def dossier_retrieve(request: Request, code: str) -> Response:
    return _detail(request, code)


@extend_schema(
    operation_id="dossiers_events",
    summary="Lịch sử xử lý hồ sơ",
    parameters=[CODE],
    responses={200: DossierEventSerializer(many=True), **_errors(403, 404)},
)
@api_view(["GET"])
@permission_classes([IsVerifiedOfficer])
def dossier_events(request: Request, code: str) -> Response:
    dossier = selectors.find_dossier(request.user, code)
    if dossier is None:
        return problem(404, NOT_FOUND.format(code=code))
    events = selectors.timeline(dossier)
    return Response(DossierEventSerializer(events, many=True).data)


ACTION_PARAMS = (
    "assignee_id",
    "items",
    "amount_vnd",
    "new_due_at",
    "receiver_name",
    "receiver_id",
    "due_at",
    "consulted_agency",
    "allotment_days",
    "consultation_id",
    "result_file",
    "result_kind",
    "result_number",
)


@extend_schema(
    operation_id="dossiers_action",
    summary="Thực hiện một thao tác trên hồ sơ",
    description=(
        "Cùng quy tắc với giao diện cán bộ. 403: vai trò không được phép; 409: trạng thái "
        "không cho phép hoặc expected_revision đã cũ; 422: thiếu hoặc sai dữ liệu. Thành công "
        "trả chi tiết hồ sơ sau thao tác. Phiên cookie cần kèm X-CSRFToken. submit_draft "
        "gửi dạng multipart/form-data với tệp PDF dự thảo trong result_file; các thao tác "
        "khác gửi JSON (hoặc multipart)."
    ),
    parameters=[
        CODE,
        OpenApiParameter(
            "action",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            enum=ACTIONS,
            description="Thao tác",
        ),
    ],
    request={
        "application/json": DossierActionSerializer,
        "multipart/form-data": DossierActionSerializer,
    },
    responses={200: DossierSerializer, **_errors(400, 403, 404, 409, 422)},
)
@api_view(["POST"])
@parser_classes([JSONParser, MultiPartParser])
@permission_classes([IsVerifiedOfficer])
def dossier_action(request: Request, code: str, action: str) -> Response:
    if action not in ACTIONS:
        return problem(404, f"Không có thao tác “{action}”.")
    if selectors.find_dossier(request.user, code) is None:
        return problem(404, NOT_FOUND.format(code=code))
    body = DossierActionSerializer(data=request.data)
    if not body.is_valid():
        return problem(422, "Dữ liệu gửi lên không hợp lệ.", body.errors)
    data = body.validated_data
    params = {key: data[key] for key in ACTION_PARAMS if key in data}
    try:
        perform(
            code,
            action,
            request.user,
            note=data["note"],
            expected_revision=data.get("expected_revision"),
            **params,
        )
    except DossierError as error:
        return problem(ERROR_STATUS.get(error.kind, 422), error.message)
    return _detail(request, code)


# --- results --------------------------------------------------------------------------------


class DossierResultFileSerializer(serializers.Serializer):
    name = serializers.CharField(source="original_name", help_text="Tên tệp khi tải lên")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Byte")
    pages = serializers.IntegerField(source="page_count")
    sha256 = serializers.CharField()


class DossierResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(
        allow_null=True,
        help_text="Mã kết quả điện tử <mã hồ sơ>-KQ<n>; null cho tới khi phát hành",
    )
    kind = serializers.CharField(help_text="Loại kết quả, ví dụ Giấy khai sinh")
    state = serializers.ChoiceField(
        choices=DossierResult.State.values,
        help_text=(
            "draft: dự thảo chờ phê duyệt; approved: đã phê duyệt, chờ phát hành; returned: "
            "dự thảo bị trả lại; issued: đã phát hành; revoked: đã thu hồi"
        ),
    )
    state_label = serializers.CharField(source="get_state_display")
    number = serializers.CharField(help_text="Số, ký hiệu văn bản; rỗng cho tới khi phát hành")
    register_number = serializers.IntegerField(
        allow_null=True, help_text="Số thứ tự trong sổ kết quả của cơ quan phát hành"
    )
    register_year = serializers.IntegerField(allow_null=True)
    issuing_agency = serializers.CharField(
        source="issuing_agency.code", allow_null=True, default=None
    )
    drafted_at = serializers.DateTimeField()
    approved_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(help_text="Lý do trả lại dự thảo")
    file = DossierResultFileSerializer(source="*")
    download_url = serializers.SerializerMethodField(help_text="Địa chỉ tải tệp PDF")

    def get_download_url(self, obj: DossierResult) -> str:
        path = reverse(
            "api:dossier-result-file",
            kwargs={"code": obj.dossier.code, "result": obj.code or str(obj.pk)},
        )
        return self.context["request"].build_absolute_uri(path)


RESULT = OpenApiParameter(
    "result",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Mã kết quả (<mã hồ sơ>-KQ<n>) hoặc id (dự thảo chưa có mã)",
)


@extend_schema(
    operation_id="dossiers_results",
    summary="Các kết quả giải quyết của hồ sơ",
    description=(
        "Mọi kết quả, kể cả dự thảo đang chờ và dự thảo bị trả lại (giữ lại trong lịch sử), "
        "theo thứ tự trình. Mã kết quả có khi văn thư phát hành."
    ),
    parameters=[CODE],
    responses={200: DossierResultSerializer(many=True), **_errors(403, 404)},
)
@api_view(["GET"])
@permission_classes([IsVerifiedOfficer])
def dossier_results(request: Request, code: str) -> Response:
    dossier = selectors.find_dossier(request.user, code)
    if dossier is None:
        return problem(404, NOT_FOUND.format(code=code))
    rows = result_docs.of_dossier(dossier).select_related("dossier")
    return Response(DossierResultSerializer(rows, many=True, context={"request": request}).data)


class _AnyAccept(BaseContentNegotiation):
    """The file endpoint answers a PDF whatever the client accepts, and its problems in JSON:
    the client's Accept header (often application/pdf) must not turn them into a 406."""

    def select_parser(self, request: Request, parsers: list) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: list, format_suffix: Any = None):
        return renderers[0], renderers[0].media_type


def _negotiated_by(negotiation: type) -> Any:
    """Like DRF's ``@renderer_classes``: the content negotiation of one function view."""

    def decorate(func: Any) -> Any:
        func.content_negotiation_class = negotiation
        return func

    return decorate


@extend_schema(
    operation_id="dossiers_result_file",
    summary="Tải tệp PDF của một kết quả",
    parameters=[CODE, RESULT],
    responses={(200, "application/pdf"): OpenApiTypes.BINARY, **_errors(403, 404)},
)
@api_view(["GET"])
@permission_classes([IsVerifiedOfficer])
@_negotiated_by(_AnyAccept)
def dossier_result_file(request: Request, code: str, result: str) -> Any:
    dossier = selectors.find_dossier(request.user, code)
    if dossier is None:
        return problem(404, NOT_FOUND.format(code=code))
    found = result_docs.find(dossier, result)
    if found is None:
        return problem(404, f"Hồ sơ {code} không có kết quả {result}.")
    try:
        handle = found.issued_file.open("rb")
    except (FileNotFoundError, OSError):
        return problem(404, f"Không đọc được tệp của kết quả {result}.")
    return FileResponse(
        handle,
        content_type=found.content_type,
        filename=f"{found.code}.pdf" if found.code else found.original_name,
    )

"""Public dossier lookup: ``GET /api/v1/lookup?code=&secret=`` — the same rules and answer as
the portal's ``/tra-cuu/`` (``portal.lookup``): no sign-in, the same rate limit per client
address, one answer for a wrong code and a wrong secret, status and timeline only."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.api.errors import problem
from motcua.core.ratelimit import RateLimited
from motcua.portal import lookup


class LookupStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="Thời điểm")
    title = serializers.CharField(help_text="Việc đã diễn ra, bằng lời")
    by = serializers.CharField(help_text="Bộ phận hoặc cơ quan thực hiện (không có tên cán bộ)")
    details = serializers.ListField(child=serializers.CharField())


class LookupSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã hồ sơ")
    procedure = serializers.CharField(help_text="Tên thủ tục")
    receiving_agency = serializers.CharField()
    competent_agency = serializers.CharField()
    status = serializers.IntegerField(help_text="Mã trạng thái theo Cổng dịch vụ công quốc gia")
    status_label = serializers.CharField(help_text="Trạng thái bằng lời")
    submitted_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="Ngày hẹn trả")
    paused = serializers.BooleanField(help_text="Đang tạm dừng tính thời hạn (chờ bổ sung)")
    timeline = LookupStepSerializer(many=True)


@extend_schema(
    operation_id="dossier_lookup",
    summary="Tra cứu hồ sơ bằng mã hồ sơ và 4 số cuối điện thoại hoặc số giấy tờ",
    description=(
        "Không cần đăng nhập. Giới hạn số lần tra cứu mỗi phút theo địa chỉ máy (429 khi vượt, "
        "kèm Retry-After). Mã sai và 4 số cuối sai nhận cùng một câu trả lời 404. Chỉ trả về "
        "tình trạng và quá trình giải quyết: không có họ tên, số giấy tờ hay tệp."
    ),
    parameters=[
        OpenApiParameter("code", OpenApiTypes.STR, required=True, description="Mã hồ sơ"),
        OpenApiParameter(
            "secret",
            OpenApiTypes.STR,
            required=True,
            description="4 chữ số cuối của số điện thoại hoặc số giấy tờ của người nộp",
        ),
    ],
    responses={
        200: LookupSerializer,
        400: OpenApiResponse(description="Thiếu mã hồ sơ hoặc 4 số cuối không đúng dạng"),
        404: OpenApiResponse(description="Không có hồ sơ khớp mã và 4 số cuối"),
        429: OpenApiResponse(description="Tra cứu quá nhiều lần trong một phút"),
    },
    auth=[],
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def dossier_lookup(request: Request) -> Response:
    try:
        lookup.count_attempt(request._request)
    except RateLimited as limited:
        response = problem(429, lookup.rate_limit_message())
        response["Retry-After"] = str(limited.retry_after)
        return response
    code = lookup.clean_code(request.query_params.get("code", ""))
    secret = (request.query_params.get("secret") or "").strip()
    errors = lookup.check_input(code, secret)
    if errors:
        return problem(400, "Dữ liệu gửi lên không hợp lệ.", errors)
    dossier = lookup.find(code, secret)
    if dossier is None:
        return problem(404, lookup.not_found_message())
    view = lookup.public_view(dossier)
    body = LookupSerializer(
        {
            **view.__dict__,
            "timeline": [
                {"at": s.at, "title": s.title, "by": s.by, "details": s.details}
                for s in view.timeline
            ],
        }
    ).data
    response = Response(body)
    response["Cache-Control"] = "no-store"
    return response

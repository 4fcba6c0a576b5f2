"""Working-time API: the legal due moment of a duration."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.api.errors import problem
from motcua.core.calendars import due_date_from_params
from motcua.core.worktime import WorktimeError


@extend_schema(
    operation_id="calendar_due_date",
    summary="Tính thời điểm hẹn trả theo thời gian làm việc",
    parameters=[
        OpenApiParameter(
            "start",
            OpenApiTypes.DATETIME,
            required=True,
            description="ISO 8601; không có múi giờ thì hiểu là giờ Việt Nam",
        ),
        OpenApiParameter("value", OpenApiTypes.NUMBER, required=True),
        OpenApiParameter(
            "unit",
            OpenApiTypes.STR,
            required=True,
            enum=["hours", "working_hours", "days", "working_days", "months"],
        ),
        OpenApiParameter(
            "cutoff",
            OpenApiTypes.STR,
            description="HH:MM: nhận sau giờ này tính sang ngày làm việc sau",
        ),
        OpenApiParameter(
            "agency", OpenApiTypes.STR, description="Mã định danh cơ quan (lịch làm việc riêng)"
        ),
    ],
    responses={200: inline_serializer("DueDate", {"due_at": serializers.DateTimeField()})},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def due_date(request: Request) -> Response:
    params = request.query_params
    try:
        due = due_date_from_params(
            params.get("start", ""),
            params.get("value", ""),
            params.get("unit", ""),
            params.get("cutoff") or None,
            params.get("agency") or None,
        )
    except WorktimeError as error:
        return problem(400, str(error))
    return Response({"due_at": due.isoformat()})

"""Catalog API: search and read procedures."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.catalog.models import Level, Procedure
from motcua.catalog.selectors import procedure_detail, search_procedures


class DurationSerializer(serializers.Serializer):
    value = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    unit = serializers.ChoiceField(
        choices=["hours", "working_hours", "days", "working_days", "months"], allow_null=True
    )


class FeeSerializer(serializers.Serializer):
    amount_vnd = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()


class ChannelSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=["direct", "online", "postal"])
    subcase = serializers.CharField(allow_null=True)
    duration = DurationSerializer()
    fee = FeeSerializer()
    cutoff = serializers.CharField(allow_null=True, help_text="HH:MM")
    description = serializers.CharField()

    def to_representation(self, obj: Any) -> dict[str, Any]:
        return {
            "channel": obj.channel,
            "subcase": obj.subcase.code if obj.subcase_id else None,
            "duration": {
                "value": obj.duration_value,
                "unit": obj.duration_unit or None,
            },
            "fee": {"amount_vnd": obj.fee_vnd, "text": obj.fee_text},
            "cutoff": obj.cutoff.strftime("%H:%M") if obj.cutoff else None,
            "description": obj.description,
        }


class DocumentSerializer(serializers.Serializer):
    name = serializers.CharField()
    group = serializers.CharField(source="group_title")
    subcase = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    form = serializers.CharField()
    originals = serializers.IntegerField(allow_null=True)
    copies = serializers.IntegerField(allow_null=True)


class LegalBasisSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField()


class SubCaseSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    field = serializers.CharField(source="field.name", allow_null=True, default=None)
    levels = serializers.ListField(child=serializers.ChoiceField(choices=Level.values))
    online_class = serializers.ChoiceField(choices=["full", "partial", "none"])
    status = serializers.ChoiceField(choices=["published", "amended", "repealed"])


class ProcedureSerializer(ProcedureSummarySerializer):
    provincial_code = serializers.CharField()
    procedure_type = serializers.CharField()
    applicants = serializers.ListField(child=serializers.CharField())
    competent_agency = serializers.CharField(source="competent_agency_text")
    implementing_agency = serializers.CharField(source="implementing_agency_text")
    not_online_reason = serializers.CharField()
    decision_number = serializers.CharField()
    effective_date = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()
    subcases = SubCaseSerializer(many=True)
    channels = ChannelSerializer(many=True)
    documents = DocumentSerializer(many=True)
    legal_bases = LegalBasisSerializer(many=True)
    results = ResultSerializer(many=True)
    source_url = serializers.URLField()


class CatalogPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


@extend_schema(
    operation_id="procedures_list",
    summary="Tìm thủ tục hành chính",
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, description="Từ khóa, có dấu hoặc không dấu"),
        OpenApiParameter("field", OpenApiTypes.STR, description="Mã số hoặc tên lĩnh vực"),
        OpenApiParameter("level", OpenApiTypes.STR, enum=Level.values),
        OpenApiParameter("page", OpenApiTypes.INT),
        OpenApiParameter("page_size", OpenApiTypes.INT),
    ],
    responses=ProcedureSummarySerializer(many=True),
)
@api_view(["GET"])
@permission_classes([AllowAny])
def procedure_list(request: Request) -> Response:
    level = request.query_params.get("level") or None
    if level and level not in Level.values:
        raise serializers.ValidationError(
            {"level": [f"Cấp không hợp lệ; chọn một trong {Level.values}."]}
        )
    field = request.query_params.get("field", "").strip()
    qs = search_procedures(request.query_params.get("q", ""), level=level)
    if field:
        qs = qs.filter(field_id=int(field)) if field.isdigit() else qs.filter(field__name=field)
    paginator = CatalogPagination()
    page = paginator.paginate_queryset(qs, request)
    return paginator.get_paginated_response(ProcedureSummarySerializer(page, many=True).data)


@extend_schema(
    operation_id="procedures_retrieve", summary="Chi tiết thủ tục", responses=ProcedureSerializer
)
@api_view(["GET"])
@permission_classes([AllowAny])
def procedure_retrieve(request: Request, code: str) -> Response:
    procedure: Procedure | None = procedure_detail(code)
    if procedure is None:
        raise NotFound(f"Không có thủ tục mã {code}.")
    return Response(ProcedureSerializer(procedure).data)

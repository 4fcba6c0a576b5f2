"""Public verification of electronic results — the same answers as the page
``/xac-thuc-ket-qua/`` (``documents.verification``), no sign-in, the same rate limit per
client address:

* ``GET /api/v1/results/{code}/verification`` — what the register says about a result code
  (revoked results included, with the date and the reason);
* ``POST /api/v1/results/verify`` — a PDF (multipart field ``file``) checked signature by
  signature: integrity, trust, issuing agency, signing time, revocation.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    parser_classes,
    permission_classes,
)
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.api.errors import problem
from motcua.documents import throttle, verification
from motcua.documents.models import SignedDocument


class AgencySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã định danh điện tử của cơ quan")
    name = serializers.CharField()


class RevocationSerializer(serializers.Serializer):
    revoked = serializers.BooleanField(help_text="Kết quả đã bị thu hồi")
    revoked_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True, help_text="Lý do thu hồi")
    certificate_revoked = serializers.BooleanField(
        help_text="Chứng thư số đã ký kết quả bị thu hồi (lộ khóa)"
    )


class CodeVerificationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã kết quả điện tử <mã hồ sơ>-KQ<n>")
    title = serializers.CharField(allow_blank=True, help_text="Tên kết quả")
    status = serializers.ChoiceField(
        choices=["valid", "revoked"], help_text="valid: còn hiệu lực; revoked: đã thu hồi"
    )
    agency = AgencySerializer(help_text="Cơ quan phát hành")
    signer = serializers.CharField(help_text="Người ký")
    signed_at = serializers.DateTimeField(help_text="Thời gian ký")
    sha256 = serializers.CharField(help_text="Mã băm SHA-256 của tệp đã phát hành")
    certificate_subject = serializers.CharField(allow_blank=True)
    certificate_issuer = serializers.CharField(allow_blank=True)
    revocation = RevocationSerializer()


class SignatureSerializer(serializers.Serializer):
    field_name = serializers.CharField()
    signer = serializers.CharField(help_text="Người ký (tên trong chữ ký)")
    certificate_subject = serializers.CharField()
    certificate_issuer = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    agency = AgencySerializer(
        allow_null=True, help_text="Cơ quan có chứng thư đã ký, nếu là cơ quan trong hệ thống"
    )
    result_code = serializers.CharField(allow_blank=True)
    intact = serializers.BooleanField(help_text="Nội dung đã ký và chữ ký khớp nhau")
    modified_after_signing = serializers.BooleanField(
        help_text="Tệp bị thay đổi sau khi ký (ngoài chữ ký khác, điền biểu mẫu, dữ liệu lưu trữ)"
    )
    integrity = serializers.ChoiceField(choices=["intact", "broken"])
    trusted = serializers.BooleanField(help_text="Chứng thư dẫn tới một CA gốc được tin cậy")
    certificate_revoked = serializers.BooleanField()


class FileVerificationSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=[v.value for v in verification.Verdict],
        help_text="valid, revoked, untrusted, broken, unsigned (không phải not_pdf: 422)",
    )
    message = serializers.CharField(help_text="Kết luận bằng lời")
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    signatures = SignatureSerializer(many=True)
    result_code = serializers.CharField(
        allow_null=True, help_text="Mã kết quả trong sổ kết quả điện tử, nếu tìm thấy"
    )
    matches_register = serializers.BooleanField(
        help_text="Tệp trùng khớp từng byte với bản đã phát hành"
    )
    revocation = RevocationSerializer()


def _agency(code: str, name: str) -> dict | None:
    return {"code": code, "name": name} if code else None


def _revocation(document: SignedDocument | None, certificate_revoked: bool) -> dict:
    revoked_at = document.revoked_at if document is not None else None
    return {
        "revoked": revoked_at is not None or certificate_revoked,
        "revoked_at": revoked_at,
        "reason": document.revocation_reason if document is not None else "",
        "certificate_revoked": certificate_revoked,
    }


def _throttled(request: Request) -> Response | None:
    try:
        throttle.count_attempt(request._request)
    except throttle.RateLimited as limited:
        response = problem(429, throttle.message())
        response["Retry-After"] = str(limited.retry_after)
        return response
    return None


@extend_schema(
    operation_id="result_verification",
    summary="Xác thực kết quả điện tử theo mã kết quả",
    description=(
        "Không cần đăng nhập; giới hạn số lần mỗi phút theo địa chỉ máy (429 kèm Retry-After). "
        "Kết quả đã thu hồi vẫn được tìm thấy, kèm thời điểm và lý do thu hồi. Không trả về "
        "nội dung tệp: để kiểm tra một bản đang giữ, gửi tệp tới POST /api/v1/results/verify."
    ),
    responses={
        200: CodeVerificationSerializer,
        404: OpenApiResponse(description="Không có kết quả điện tử mang mã này"),
        429: OpenApiResponse(description="Xác thực quá nhiều lần trong một phút"),
    },
    auth=[],
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def result_verification(request: Request, code: str) -> Response:
    limited = _throttled(request)
    if limited is not None:
        return limited
    found = verification.verify_code(code)
    if found is None:
        return problem(404, "Không có kết quả điện tử mang mã này.")
    document = found.document
    body = CodeVerificationSerializer(
        {
            "code": document.result_code,
            "title": document.title,
            "status": found.verdict.value,
            "agency": {"code": document.agency.code, "name": document.agency.name},
            "signer": document.signer_name,
            "signed_at": document.signed_at,
            "sha256": document.sha256,
            "certificate_subject": found.certificate_subject,
            "certificate_issuer": found.certificate_issuer,
            "revocation": _revocation(document, found.certificate_revoked),
        }
    ).data
    response = Response(body)
    response["Cache-Control"] = "no-store"
    return response


@extend_schema(
    operation_id="result_verify_file",
    summary="Xác thực một tệp PDF kết quả điện tử (chữ ký số, toàn vẹn, thu hồi)",
    description=(
        "Gửi tệp PDF trong trường `file` (multipart/form-data). Mỗi chữ ký số được kiểm tra: "
        "toàn vẹn (một byte bị sửa sau khi ký là `broken`), chứng thư có dẫn tới CA gốc được "
        "tin cậy, cơ quan phát hành, thời gian ký; kết quả được đối chiếu với sổ kết quả điện "
        "tử (đã thu hồi hay chưa). Không cần đăng nhập; giới hạn số lần mỗi phút theo địa chỉ "
        "máy."
    ),
    request={
        "multipart/form-data": inline_serializer(
            "ResultVerifyUpload", {"file": serializers.FileField(help_text="Tệp PDF")}
        )
    },
    responses={
        200: FileVerificationSerializer,
        400: OpenApiResponse(description="Thiếu tệp, tệp rỗng hoặc lớn quá giới hạn"),
        422: OpenApiResponse(description="Tệp không phải PDF đọc được"),
        429: OpenApiResponse(description="Xác thực quá nhiều lần trong một phút"),
    },
    auth=[],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@parser_classes([MultiPartParser])
def verify_file(request: Request) -> Response:
    limited = _throttled(request)
    if limited is not None:
        return limited
    data, error = verification.read_upload(request.FILES.get("file"))
    if error:
        return problem(400, "Dữ liệu gửi lên không hợp lệ.", {"file": [error]})
    report = verification.verify_pdf(data)
    if not report.is_pdf:
        return problem(422, report.message, {"file": [report.message]})
    body = FileVerificationSerializer(
        {
            "verdict": report.verdict.value,
            "message": report.message,
            "sha256": report.sha256,
            "size": report.size,
            "signatures": [
                {
                    "field_name": s.field_name,
                    "signer": s.signer_name or s.signer_common_name,
                    "certificate_subject": s.signer_subject,
                    "certificate_issuer": s.issuer,
                    "signed_at": s.signed_at,
                    "agency": _agency(s.agency_code, s.agency_name),
                    "result_code": s.result_code,
                    "intact": s.intact,
                    "modified_after_signing": s.modified_after_signing,
                    "integrity": "intact" if s.integrity_ok else "broken",
                    "trusted": s.trusted,
                    "certificate_revoked": s.certificate_revoked,
                }
                for s in report.signatures
            ],
            "result_code": report.document.result_code if report.document else None,
            "matches_register": report.matches_register,
            "revocation": _revocation(
                report.document, any(s.certificate_revoked for s in report.signatures)
            ),
        }
    ).data
    response = Response(body)
    response["Cache-Control"] = "no-store"
    return response

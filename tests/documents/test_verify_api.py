"""The verification API: by code, by file, its errors (RFC 9457) and its OpenAPI entry."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from documents_helpers import CODE, append_revision, tamper

from motcua.documents.services import revoke
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/results/verify"


def by_code(code: str) -> str:
    return f"/api/v1/results/{code}/verification"


def post_file(client, data: bytes):
    return client.post(VERIFY, {"file": SimpleUploadedFile("kq.pdf", data, "application/pdf")})


def test_by_code(client, registered):
    response = client.get(by_code(CODE))
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == CODE and body["status"] == "valid"
    assert body["agency"] == {"code": "H22.6688", "name": "Ủy ban nhân dân Phường Hạ Long"}
    assert body["signer"] == "Nguyễn Văn Bình"
    assert body["signed_at"] == "2026-03-05T09:30:15+07:00"
    assert body["sha256"] == registered.sha256
    assert "MotCua Demo Root CA" in body["certificate_issuer"]
    assert body["revocation"] == {
        "revoked": False,
        "revoked_at": None,
        "reason": "",
        "certificate_revoked": False,
    }


def test_by_code_after_revocation(client, registered):
    revoke(CODE, "Cấp nhầm người được khai sinh", get_user("halong.lanhdao"))
    body = client.get(by_code(CODE)).json()
    assert body["status"] == "revoked"
    assert body["revocation"]["revoked"] is True
    assert body["revocation"]["reason"] == "Cấp nhầm người được khai sinh"
    assert body["revocation"]["revoked_at"]


def test_unknown_code_is_a_problem_document(client, db):
    response = client.get(by_code("KHONG-CO-KQ9"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_file_issued(client, registered, signed_pdf):
    response = post_file(client, signed_pdf)
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "valid" and body["result_code"] == CODE
    assert body["matches_register"] is True
    [signature] = body["signatures"]
    assert signature["integrity"] == "intact" and signature["trusted"] is True
    assert signature["agency"]["code"] == "H22.6688"
    assert signature["signer"] == "Nguyễn Văn Bình"
    assert signature["result_code"] == CODE


def test_file_tampered_and_modified(client, registered, signed_pdf):
    body = post_file(client, tamper(signed_pdf)).json()
    assert body["verdict"] == "broken"
    assert body["signatures"][0]["intact"] is False
    body = post_file(client, append_revision(signed_pdf)).json()
    assert body["verdict"] == "broken"
    assert body["signatures"][0]["intact"] is True
    assert body["signatures"][0]["modified_after_signing"] is True
    assert body["matches_register"] is False


def test_file_revoked(client, registered, signed_pdf):
    revoke(CODE, "Cấp nhầm người được khai sinh", get_user("halong.lanhdao"))
    body = post_file(client, signed_pdf).json()
    assert body["verdict"] == "revoked" and body["revocation"]["revoked"] is True


def test_file_errors(client, settings, db, result_pdf):
    response = client.post(VERIFY, {})
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["Chọn tệp PDF cần xác thực."]
    response = post_file(client, b"not a pdf")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert post_file(client, result_pdf).json()["verdict"] == "unsigned"
    response = client.post(VERIFY, {"file": "x"}, content_type="application/json")
    assert response.status_code == 415


def test_rate_limit(client, settings, db):
    settings.MOTCUA_VERIFY_PER_MINUTE = 1
    assert client.get(by_code("A-KQ1")).status_code == 404
    response = post_file(client, b"%PDF-")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_openapi_documents_both_operations(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/results/{code}/verification" in schema
    assert "/api/v1/results/verify" in schema
    assert "result_verify_file" in schema and "multipart/form-data" in schema

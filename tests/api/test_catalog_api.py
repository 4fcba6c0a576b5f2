"""GET /api/v1/procedures and /api/v1/procedures/{code}: the documented JSON shape."""

import pytest

pytestmark = pytest.mark.django_db

UNITS = {"hours", "working_hours", "days", "working_days", "months", None}


def test_search_returns_pages_of_summaries(client):
    response = client.get("/api/v1/procedures", {"q": "khai sihn", "page_size": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] > 5
    assert body["next"]
    assert len(body["results"]) == 5
    first = body["results"][0]
    assert first["code"] == "1.001193"
    assert set(first) >= {"code", "name", "field", "levels", "online_class"}


def test_filters_by_level_and_field_name(client):
    body = client.get("/api/v1/procedures", {"level": "commune", "field": "Hộ tịch"}).json()
    assert body["count"] > 0
    assert all("commune" in p["levels"] and p["field"] == "Hộ tịch" for p in body["results"])


def test_unknown_level_is_a_400_problem(client):
    response = client.get("/api/v1/procedures", {"level": "district"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "level" in response.json()["errors"]


def test_page_out_of_range_is_a_404_problem(client):
    response = client.get("/api/v1/procedures", {"page": 99999})
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_detail_has_every_documented_field(client):
    response = client.get("/api/v1/procedures/1.000178")
    assert response.status_code == 200
    body = response.json()
    for key in ("code", "name", "field", "levels", "online_class", "channels", "documents"):
        assert key in body
    assert {"legal_bases", "results", "source_url"} <= set(body)
    assert body["online_class"] in {"full", "partial", "none"}
    direct = next(c for c in body["channels"] if c["channel"] == "direct")
    assert direct["duration"] == {"value": 60, "unit": "working_days"}
    assert set(direct["fee"]) == {"amount_vnd", "text"}
    assert direct["cutoff"] is None or len(direct["cutoff"]) == 5
    assert all(c["duration"]["unit"] in UNITS for c in body["channels"])
    assert all({"name", "originals", "copies"} <= set(d) for d in body["documents"])
    assert {"code": "68/2013/TT-BCA"}.items() <= next(
        b for b in body["legal_bases"] if b["code"] == "68/2013/TT-BCA"
    ).items()
    assert body["results"] == [
        {"name": "Quyết định giải quyết khiếu nại lần 1, lần 2", "code": "KQ.G01.00262"}
    ]
    assert body["source_url"].startswith("https://dichvucong.gov.vn/")


def test_unknown_code_is_a_404_problem(client):
    response = client.get("/api/v1/procedures/0.000000")
    assert response.status_code == 404
    assert "0.000000" in response.json()["detail"]


def test_detail_uses_a_constant_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/api/v1/procedures/1.001193")


def test_openapi_schema_documents_the_catalog_and_calendar(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/procedures", "/api/v1/procedures/{code}", "/api/v1/calendar/due-date"} <= set(
        paths
    )


def test_interactive_docs_use_vendored_assets(client):
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()

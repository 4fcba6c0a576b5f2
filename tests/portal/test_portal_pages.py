"""Public portal: agency directory, agency pages, error pages, health check and language."""

import datetime as dt

import pytest
from django.utils import timezone

from motcua.organizations.models import Agency, AgencyKind, AgencyLevel, ReceptionPoint

pytestmark = pytest.mark.django_db

DEMO_AGENCIES = 35  # committee, 13 departments, centre, 10 communes × (committee + centre)


def listed_codes(client, **params) -> list[str]:
    """Every agency code the directory lists for ``params``, over all pages."""
    codes: list[str] = []
    page_number = 1
    while True:
        response = client.get("/co-quan/", {**params, "page": page_number})
        assert response.status_code == 200
        page = response.context["page"]
        codes += [agency.code for agency in page.object_list]
        if not page.has_next():
            return codes
        page_number += 1


def make_agency(code: str, **fields) -> Agency:
    values = {
        "code": code,
        "name": f"Sở Thử nghiệm {code}",
        "kind": AgencyKind.DEPARTMENT,
        "level": AgencyLevel.PROVINCE,
        "province": Agency.objects.get(code="H22").province,
        "parent": Agency.objects.get(code="H22"),
        "effective_from": dt.date(2020, 1, 1),
    }
    values.update(fields)
    agency = Agency(**values)
    agency.full_clean()
    agency.save()
    return agency


def test_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "Quảng Ninh" in html
    assert response.context["agency_count"] == DEMO_AGENCIES
    assert response.context["commune_count"] == 54  # Quảng Ninh's communes since 2025
    codes = [a.code for a in response.context["province_agencies"]]
    assert set(codes) == {"H22", "H22.30"} | {f"H22.{g:02d}" for g in range(1, 14)}


def test_directory_lists_every_agency_in_force(client):
    codes = listed_codes(client)
    assert len(codes) == len(set(codes)) == DEMO_AGENCIES
    assert set(codes) == set(
        Agency.objects.filter(province__code=22).values_list("code", flat=True)
    )


def test_directory_is_paginated_by_twenty(client):
    first = client.get("/co-quan/")
    assert first.context["page"].paginator.num_pages == 2
    assert len(first.context["page"].object_list) == 20
    second = client.get("/co-quan/", {"page": 2})
    assert second.status_code == 200
    assert len(second.context["page"].object_list) == DEMO_AGENCIES - 20
    assert 'href="?page=2"' in first.content.decode()
    assert "Trang 2/2" in second.content.decode()
    assert not {a.code for a in first.context["page"].object_list} & {
        a.code for a in second.context["page"].object_list
    }


@pytest.mark.parametrize("page", ["999", "abc", "-1"])
def test_out_of_range_page_still_answers(client, page):
    assert client.get("/co-quan/", {"page": page}).status_code == 200


def test_expired_agency_is_not_listed_and_has_no_page(client):
    past = timezone.localdate() - dt.timedelta(days=1)
    make_agency("H22.90", name="Sở Đã Giải Thể", effective_to=past)
    assert "H22.90" not in listed_codes(client)
    assert "H22.90" not in listed_codes(client, q="Giai The")
    response = client.get("/co-quan/H22.90/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_agency_that_ends_today_is_gone_today(client):
    make_agency("H22.91", effective_to=timezone.localdate())
    assert client.get("/co-quan/H22.91/").status_code == 404
    assert "H22.91" not in listed_codes(client)


def test_future_agency_is_not_listed_yet(client):
    make_agency("H22.92", effective_from=timezone.localdate() + dt.timedelta(days=1))
    assert "H22.92" not in listed_codes(client)
    assert client.get("/co-quan/H22.92/").status_code == 404


def test_agency_in_force_today_is_listed(client):
    make_agency("H22.93", effective_from=timezone.localdate())
    assert "H22.93" in listed_codes(client)
    assert client.get("/co-quan/H22.93/").status_code == 200


def test_agency_of_another_province_is_not_on_this_portal(client):
    hanoi = Agency.objects.get(code="H22").province.__class__.objects.get(
        generation="2025", level="province", code=1
    )
    make_agency("H01", province=hanoi, parent=None, kind=AgencyKind.PROVINCIAL_COMMITTEE)
    assert "H01" not in listed_codes(client)
    assert client.get("/co-quan/H01/").status_code == 404


@pytest.mark.parametrize("query", ["ha long", "Hạ Long", "HA LONG", "hạ long", "Ha Long"])
def test_search_ignores_accents_and_case(client, query):
    codes = listed_codes(client, q=query)
    assert set(codes) == {"H22.6688", "H22.6688.1"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("van don", {"H22.6994", "H22.6994.1"}),
        ("Đặc khu Vân Đồn", {"H22.6994", "H22.6994.1"}),
        ("dac khu", {"H22.6994", "H22.6994.1"}),
        ("Sở Tư pháp", {"H22.03"}),
        ("so tu phap", {"H22.03"}),
        ("khong co co quan nao", set()),
    ],
)
def test_search_by_name_or_commune(client, query, expected):
    assert set(listed_codes(client, q=query)) == expected


def test_search_with_decomposed_unicode_input(client):
    import unicodedata

    query = unicodedata.normalize("NFD", "Hạ Long")
    assert set(listed_codes(client, q=query)) == {"H22.6688", "H22.6688.1"}


def test_search_without_results_says_so(client):
    response = client.get("/co-quan/", {"q": "khong co co quan nao"})
    assert "Không tìm thấy cơ quan nào" in response.content.decode()


@pytest.mark.parametrize(
    ("level", "count"),
    [("commune", 20), ("province", 15), ("", DEMO_AGENCIES), ("huyen", DEMO_AGENCIES)],
)
def test_level_filter(client, level, count):
    codes = listed_codes(client, cap=level)
    assert len(codes) == count
    if level in ("commune", "province"):
        assert set(Agency.objects.filter(code__in=codes).values_list("level", flat=True)) == {level}


def test_level_and_search_together(client):
    assert set(listed_codes(client, cap="commune", q="ha long")) == {"H22.6688", "H22.6688.1"}
    assert listed_codes(client, cap="province", q="ha long") == []


def test_pagination_links_keep_the_filters(client):
    response = client.get("/co-quan/", {"q": "a"})
    assert response.context["page"].has_next()
    assert 'href="?q=a&page=2"' in response.content.decode()
    second = client.get("/co-quan/", {"q": "a", "page": 2})
    assert 'href="?q=a&page=1"' in second.content.decode()


def test_search_text_is_escaped(client):
    response = client.get("/co-quan/", {"q": '<script>alert("x")</script>'})
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_agency_page_shows_the_desk_and_hours(client):
    response = client.get("/co-quan/H22.6688.1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trung tâm Phục vụ hành chính công Phường Hạ Long" in html
    assert "Bộ phận Một cửa Phường Hạ Long" in html


def test_inactive_desk_is_not_shown(client):
    ReceptionPoint.objects.filter(agency__code="H22.6688.1").update(is_active=False)
    html = client.get("/co-quan/H22.6688.1/").content.decode()
    assert "Bộ phận Một cửa Phường Hạ Long" not in html


@pytest.mark.parametrize("code", ["H99", "H22.9999", "khong-co", "H22.6688.1.2"])
def test_unknown_agency_is_a_vietnamese_404(client, code):
    response = client.get(f"/co-quan/{code}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert 'lang="vi"' in html


def test_unknown_url_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# --- Language -------------------------------------------------------------------------------


def test_switching_to_english_keeps_the_home_page_working(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    for url in ("/co-quan/", "/co-quan/H22.6688.1/", "/tai-khoan/dang-nhap/"):
        page = client.get(url)
        assert page.status_code == 200
        assert 'lang="en"' in page.content.decode()


def test_english_cookie_alone_is_enough(client):
    client.cookies["django_language"] = "en"
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_unknown_language_falls_back_to_vietnamese(client):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    response = client.get("/")
    assert '<html lang="vi">' in response.content.decode()


def test_english_404_page(client):
    client.cookies["django_language"] = "en"
    response = client.get("/co-quan/H99/")
    assert response.status_code == 404
    assert 'lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_agency_page_leads_to_the_procedures_it_handles(client):
    html = client.get("/co-quan/H22.6688.1/").content.decode()
    assert "/thu-tuc/?co-quan=H22.6688.1" in html
    listing = client.get("/thu-tuc/", {"co-quan": "H22.6688.1", "q": "khai sinh"}).content.decode()
    assert "Thủ tục đăng ký khai sinh" in listing
    assert "Trung tâm Phục vụ hành chính công Phường Hạ Long" in listing


@pytest.mark.django_db
def test_procedure_page_shows_every_component(client):
    html = client.get("/thu-tuc/1.000178/").content.decode()
    for text in [
        "Cách thức thực hiện",
        "Thành phần hồ sơ",
        "Căn cứ pháp lý",
        "KQ.G01.00262",
        "68/2013/TT-BCA",
        "60",
        "ngày làm việc",
        "Trình tự thực hiện",
    ]:
        assert text in html
    assert client.get("/thu-tuc/0.000000/").status_code == 404

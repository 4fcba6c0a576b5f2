"""Agency isolation: an officer sees only the agencies in his scope, through every back-office
page. Out of scope answers exactly like a missing agency (404), so nothing leaks.

The expected scopes below are written out by hand from the demo data (not computed with the
permission code under test). Every back-office URL that takes an agency ``code`` is checked
automatically, so a new page joins the matrix as soon as it is routed.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from motcua.accounts.models import AccountKind, OfficerMembership, User
from motcua.accounts.roles import Role
from motcua.organizations.models import AdministrativeUnit, Agency, AgencyKind, AgencyLevel
from tests.helpers import PASSWORD, get_agency, get_user

pytestmark = pytest.mark.django_db

HALONG = {"H22.6688", "H22.6688.1"}
HALONG_CENTRE = {"H22.6688.1"}
VANDON = {"H22.6994", "H22.6994.1"}
VANDON_CENTRE = {"H22.6994.1"}
DEPARTMENTS = {f"H22.{group:02d}" for group in range(1, 14)}
COMMUNES = [6688, 6673, 6685, 6793, 6811, 6712, 7093, 7132, 6862, 6994]
PROVINCE = (
    {"H22", "H22.30"}
    | DEPARTMENTS
    | {f"H22.{c}" for c in COMMUNES}
    | {f"H22.{c}.1" for c in COMMUNES}
)
EVERYTHING = None  # superuser: no limit at all

# username -> the agency codes he may see (hand-written from core/demo.py).
SCOPES: dict[str, set[str] | None] = {
    # Commune officers at the People's Committee see it and its centre below it; those at the
    # centre see only the centre.
    "halong.lanhdao": HALONG,
    "halong.truongphong": HALONG,
    "halong.chuyenvien": HALONG,
    "halong.vanthu": HALONG,
    "halong.tiepnhan": HALONG_CENTRE,
    "halong.giamdoc": HALONG_CENTRE,
    "vandon.lanhdao": VANDON,
    "vandon.truongphong": VANDON,
    "vandon.chuyenvien": VANDON,
    "vandon.vanthu": VANDON,
    "vandon.tiepnhan": VANDON_CENTRE,
    "vandon.giamdoc": VANDON_CENTRE,
    # A department sees itself, nothing above, beside or in the communes.
    "sotuphap.lanhdao": {"H22.03"},
    "sotuphap.truongphong": {"H22.03"},
    "sotuphap.chuyenvien": {"H22.03"},
    "sotuphap.vanthu": {"H22.03"},
    "tinh.tiepnhan": {"H22.30"},
    "tinh.giamdoc": {"H22.30"},
    "tinh.danhmuc": {"H22.01"},
    # The auditor at the provincial committee sees the whole province; the superuser all.
    "thanhtra": PROVINCE,
    "quantri": EVERYTHING,
}

# Agencies probed for every officer: both demo communes, a commune without demo officers,
# the province level, and a missing code.
PROBES = [
    "H22",
    "H22.01",
    "H22.03",
    "H22.13",
    "H22.30",
    "H22.6688",
    "H22.6688.1",
    "H22.6994",
    "H22.6994.1",
    "H22.6673",
    "H22.6673.1",
]


def can_see(username: str, code: str) -> bool:
    scope = SCOPES[username]
    return scope is None or code in scope


def code_patterns() -> list[tuple[str, str]]:
    """(route, name) of every back-office URL pattern that takes an agency code."""
    found = []

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "backoffice":
                converters = getattr(entry.pattern, "converters", {})
                if "code" in converters:
                    assert set(converters) == {"code"}, (
                        f"{entry.pattern} takes more than an agency code: extend this matrix"
                    )
                    assert entry.name, f"{entry.pattern} needs a name to be tested"
                    found.append((str(entry.pattern), f"backoffice:{entry.name}"))

    walk(get_resolver(), None)
    return found


CODE_PAGES = code_patterns()


def test_back_office_has_pages_with_an_agency_code():
    assert "backoffice:agency_detail" in {name for _, name in CODE_PAGES}


def all_backoffice_urls(code: str) -> list[str]:
    urls = []

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "backoffice":
                converters = getattr(entry.pattern, "converters", {})
                kwargs = {"code": code} if "code" in converters else {}
                urls.append(reverse(f"backoffice:{entry.name}", kwargs=kwargs))

    walk(get_resolver(), None)
    return urls


MATRIX = [
    pytest.param(username, code, 200 if can_see(username, code) else 404, id=f"{username}-{code}")
    for username in SCOPES
    for code in PROBES
]


@pytest.mark.parametrize(("username", "code", "status"), MATRIX)
def test_agency_pages_respect_the_officer_scope(otp_client, username, code, status):
    client = otp_client(username)
    for route, name in CODE_PAGES:
        url = reverse(name, kwargs={"code": code})
        response = client.get(url)
        assert response.status_code == status, f"{username} on {url} ({route})"
        if status == 200:
            assert response.context["agency"].code == code
        else:
            assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.parametrize("username", ["halong.lanhdao", "vandon.tiepnhan", "sotuphap.vanthu"])
def test_out_of_scope_looks_exactly_like_a_missing_agency(otp_client, username):
    client = otp_client(username)
    foreign = "H22.6688" if username.startswith("vandon") else "H22.6994"

    def page(code: str) -> str:
        html = client.get(reverse("backoffice:agency_detail", kwargs={"code": code})).content
        return re.sub(r'value="[^"]*"', "", html.decode())

    assert page(foreign) == page("H22.9999")


@pytest.mark.parametrize("username", list(SCOPES))
def test_agency_list_shows_exactly_the_scope(otp_client, username):
    client = otp_client(username)
    codes: set[str] = set()
    page_number = 1
    while True:
        response = client.get("/can-bo/co-quan/", {"page": page_number})
        assert response.status_code == 200
        page = response.context["page"]
        codes |= {agency.code for agency in page.object_list}
        if not page.has_next():
            break
        page_number += 1
    scope = SCOPES[username]
    if scope is None:
        assert codes == set(Agency.objects.values_list("code", flat=True))
    else:
        assert codes == scope
    dashboard = client.get("/can-bo/")
    assert dashboard.context["agency_count"] == len(codes)


@pytest.mark.parametrize(
    ("username", "query", "expected"),
    [
        ("halong.lanhdao", "Van Don", set()),
        ("halong.lanhdao", "Vân Đồn", set()),
        ("halong.lanhdao", "H22.6994", set()),
        ("halong.lanhdao", "6994", set()),
        ("halong.tiepnhan", "Van Don", set()),
        ("halong.lanhdao", "ha long", HALONG),
        ("halong.lanhdao", "Hạ Long", HALONG),
        ("vandon.lanhdao", "Ha Long", set()),
        ("vandon.lanhdao", "van don", VANDON),
        ("vandon.lanhdao", "Đặc khu", VANDON),
        ("sotuphap.lanhdao", "Van Don", set()),
        ("sotuphap.lanhdao", "tu phap", {"H22.03"}),
        ("thanhtra", "Van Don", VANDON),
        ("quantri", "van don", VANDON),
    ],
)
def test_agency_search_never_crosses_the_scope(otp_client, username, query, expected):
    client = otp_client(username)
    response = client.get("/can-bo/co-quan/", {"q": query})
    assert response.status_code == 200
    codes = {agency.code for agency in response.context["page"].object_list}
    assert codes == expected
    html = response.content.decode()
    for code in (VANDON | HALONG) - expected:
        assert f"/can-bo/co-quan/{code}/" not in html


def test_children_listed_on_a_page_are_only_visible_ones(otp_client):
    client = otp_client("halong.lanhdao")
    response = client.get("/can-bo/co-quan/H22.6688/")
    assert [a.code for a in response.context["children"]] == ["H22.6688.1"]
    client = otp_client("thanhtra")
    response = client.get("/can-bo/co-quan/H22/")
    children = {a.code for a in response.context["children"]}
    assert children == PROVINCE - {"H22"} - {f"H22.{c}.1" for c in COMMUNES}


# --- Staff lists ----------------------------------------------------------------------------

STAFF_HEADING = '<h2 class="h5 mt-4">Cán bộ</h2>'


@pytest.mark.parametrize(
    ("username", "code", "shown", "names"),
    [
        # Reception officer and specialists: no staff list at all.
        ("halong.tiepnhan", "H22.6688.1", False, ["Trần Văn Hùng"]),
        ("halong.chuyenvien", "H22.6688", False, ["Vũ Minh Tuấn", "Đỗ Thu Trang"]),
        ("halong.chuyenvien", "H22.6688.1", False, ["Nguyễn Thị Lan"]),
        ("halong.vanthu", "H22.6688", False, ["Lê Thị Hằng"]),
        ("sotuphap.chuyenvien", "H22.03", False, ["Mai Xuân Bình"]),
        ("tinh.tiepnhan", "H22.30", False, ["Tạ Quang Huy"]),
        # Leaders, directors, administrators and the auditor see who works there.
        ("halong.lanhdao", "H22.6688", True, ["Lê Thị Hằng", "Phạm Quốc Việt", "Đỗ Thu Trang"]),
        ("halong.lanhdao", "H22.6688.1", True, ["Nguyễn Thị Lan", "Trần Văn Hùng"]),
        ("halong.truongphong", "H22.6688", True, ["Lê Thị Hằng", "Vũ Minh Tuấn"]),
        ("halong.giamdoc", "H22.6688.1", True, ["Nguyễn Thị Lan"]),
        ("vandon.lanhdao", "H22.6994", True, ["Ngô Thị Huyền", "Lý Văn Sơn"]),
        ("sotuphap.lanhdao", "H22.03", True, ["Phan Thị Ngọc", "Trịnh Văn Khoa", "Cao Thị Yến"]),
        ("tinh.giamdoc", "H22.30", True, ["Lương Thị Hoa"]),
        ("thanhtra", "H22.6994.1", True, ["Hoàng Thị Mai", "Bùi Đức Thắng"]),
        ("thanhtra", "H22.03", True, ["Phan Thị Ngọc"]),
        ("quantri", "H22.6688", True, ["Lê Thị Hằng"]),
    ],
)
def test_staff_list_only_for_leading_roles(otp_client, username, code, shown, names):
    client = otp_client(username)
    response = client.get(f"/can-bo/co-quan/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["show_staff"] is shown
    assert (STAFF_HEADING in html) is shown
    for name in names:
        assert (name in html) is shown, name


def test_staff_list_leaves_out_ended_memberships(otp_client):
    OfficerMembership.objects.filter(user__username="halong.chuyenvien").update(is_active=False)
    html = otp_client("halong.lanhdao").get("/can-bo/co-quan/H22.6688/").content.decode()
    assert "Lê Thị Hằng" not in html
    assert "Phạm Quốc Việt" in html


# --- Memberships that end, other provinces, non-superuser administrators ---------------------


def test_ended_membership_ends_the_access(otp_client):
    OfficerMembership.objects.filter(user__username="halong.lanhdao").update(is_active=False)
    client = otp_client("halong.lanhdao")
    assert client.get("/can-bo/co-quan/H22.6688/").status_code == 404
    assert client.get("/can-bo/").context["agency_count"] == 0


def test_expired_membership_ends_the_access(otp_client):
    import datetime as dt

    from django.utils import timezone

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    OfficerMembership.objects.filter(user__username="vandon.lanhdao").update(valid_until=yesterday)
    client = otp_client("vandon.lanhdao")
    assert client.get("/can-bo/co-quan/H22.6994/").status_code == 404
    OfficerMembership.objects.filter(user__username="vandon.lanhdao").update(
        valid_until=timezone.localdate()
    )
    client = otp_client("vandon.lanhdao")
    assert client.get("/can-bo/co-quan/H22.6994/").status_code == 200  # valid through today


@pytest.fixture
def hanoi_agency() -> Agency:
    hanoi = AdministrativeUnit.objects.get(generation="2025", level="province", code=1)
    return Agency.objects.create(
        code="H01",
        name="Ủy ban nhân dân thành phố Hà Nội",
        kind=AgencyKind.PROVINCIAL_COMMITTEE,
        level=AgencyLevel.PROVINCE,
        province=hanoi,
    )


@pytest.mark.parametrize(
    ("username", "status"),
    [("thanhtra", 404), ("halong.lanhdao", 404), ("sotuphap.lanhdao", 404), ("quantri", 200)],
)
def test_other_provinces_are_out_of_scope(otp_client, hanoi_agency, username, status):
    client = otp_client(username)
    assert client.get("/can-bo/co-quan/H01/").status_code == status


def test_system_admin_sees_his_province_only(otp_client, hanoi_agency):
    admin = User.objects.create_user(
        "quantri.stp", password=PASSWORD, kind=AccountKind.OFFICER, full_name="Quản trị Sở"
    )
    OfficerMembership.objects.create(
        user=admin, agency=get_agency("H22.03"), role=Role.SYSTEM_ADMIN
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=admin, name="TOTP", confirmed=True)
    client = otp_client("quantri.stp")
    assert client.get("/can-bo/co-quan/H22.6994.1/").status_code == 200
    assert client.get("/can-bo/co-quan/H22/").status_code == 200
    assert client.get("/can-bo/co-quan/H01/").status_code == 404
    assert client.get("/can-bo/").context["agency_count"] == len(PROVINCE)
    assert "Lý Văn Sơn" in client.get("/can-bo/co-quan/H22.6994/").content.decode()


def test_officer_without_membership_sees_nothing(otp_client):
    user = User.objects.create_user("canbo.chua", password=PASSWORD, kind=AccountKind.OFFICER)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    client = otp_client("canbo.chua")
    assert client.get("/can-bo/").status_code == 200
    assert client.get("/can-bo/co-quan/").context["page"].paginator.count == 0
    for code in PROBES:
        assert client.get(f"/can-bo/co-quan/{code}/").status_code == 404


# --- Every back-office page is behind the gate ----------------------------------------------


@pytest.mark.parametrize("url", all_backoffice_urls("H22.6688"))
def test_every_back_office_page_needs_a_verified_officer(url):
    anonymous = Client()
    response = anonymous.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")

    citizen = Client()
    citizen.force_login(get_user("congdan1"))
    assert citizen.get(url).status_code == 403

    unverified = Client()
    unverified.force_login(get_user("halong.lanhdao"))
    response = unverified.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/xac-thuc-hai-lop/?next=")

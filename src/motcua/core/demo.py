"""Demo data: one real province (Quảng Ninh, code 22) with its departments, its service centre,
ten real communes, demo officers for every role, two citizens and one business.

Agency identifiers here follow the structure of Decision 20/2020/QĐ-TTg but are derived from the
statistics-office codes (province 22 → ``H22``, commune 6688 → ``H22.6688``); a deployment
loads the province's official list instead. Everything is idempotent: running it again updates
the same rows and resets the demo passwords, TOTP secrets and backup codes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.models import (
    AccountKind,
    BusinessProfile,
    CitizenProfile,
    OfficerMembership,
    User,
)
from motcua.accounts.roles import Role
from motcua.organizations.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    AgencyLevel,
    Generation,
    ReceptionPoint,
    UnitLevel,
)

DEMO_PASSWORD = "MotCua@2026"  # noqa: S105 — printed on purpose: demo accounts only
PROVINCE_CODE = 22
REFORM_DAY = dt.date(2025, 7, 1)

# Departments (sở) of a province after the 2025 reorganisation, with their two-digit group.
DEPARTMENTS = [
    ("01", "Văn phòng Ủy ban nhân dân", "VP UBND"),
    ("02", "Sở Nội vụ", "SNV"),
    ("03", "Sở Tư pháp", "STP"),
    ("04", "Sở Tài chính", "STC"),
    ("05", "Sở Công Thương", "SCT"),
    ("06", "Sở Nông nghiệp và Môi trường", "SNNMT"),
    ("07", "Sở Xây dựng", "SXD"),
    ("08", "Sở Khoa học và Công nghệ", "SKHCN"),
    ("09", "Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("10", "Sở Y tế", "SYT"),
    ("11", "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    ("12", "Sở Dân tộc và Tôn giáo", "SDTTG"),
    ("13", "Thanh tra", "TT"),
]
CENTRE_GROUP = "30"

# Ten real communes of Quảng Ninh after 01/07/2025 (statistics-office codes).
COMMUNES = [6688, 6673, 6685, 6793, 6811, 6712, 7093, 7132, 6862, 6994]
# Demo officers work in two communes and one department.
OFFICER_COMMUNES = {6688: "halong", 6994: "vandon"}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    description: str
    totp_secret: str | None
    backup_codes: tuple[str, ...]


def _deterministic(seed: str, length: int) -> bytes:
    return hashlib.sha256(f"motcua-demo:{seed}".encode()).digest()[:length]


def demo_totp_key(username: str) -> bytes:
    return _deterministic(f"totp:{username}", 20)


def demo_backup_codes(username: str) -> tuple[str, ...]:
    raw = _deterministic(f"static:{username}", 15)
    return tuple(f"{int.from_bytes(raw[i : i + 5], 'big') % 10**8:08d}" for i in range(0, 15, 5))


def _unit(level: str, code: int) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(generation=Generation.CURRENT, level=level, code=code)


def _agency(code: str, **fields: object) -> Agency:
    agency, _ = Agency.objects.update_or_create(code=code, defaults=fields)
    agency.full_clean()
    return agency


def _desk(
    agency: Agency, name: str, address: str, commune: AdministrativeUnit | None, **hours: object
) -> None:
    point, _ = ReceptionPoint.objects.update_or_create(
        agency=agency, name=name, defaults={"address": address, "commune": commune, **hours}
    )
    point.full_clean()


def _short(commune: AdministrativeUnit) -> str:
    for prefix in ("Phường ", "Xã ", "Đặc khu "):
        if commune.name.startswith(prefix):
            return commune.name[len(prefix) :]
    return commune.name


def seed_agencies() -> dict[str, Agency]:
    province = _unit(UnitLevel.PROVINCE, PROVINCE_CODE)
    prefix = f"H{PROVINCE_CODE}"
    common = {"province": province, "effective_from": REFORM_DAY, "effective_to": None}
    agencies: dict[str, Agency] = {}
    committee = _agency(
        prefix,
        name=f"Ủy ban nhân dân {province.name}",
        short_name="UBND",
        kind=AgencyKind.PROVINCIAL_COMMITTEE,
        level=AgencyLevel.PROVINCE,
        parent=None,
        commune=None,
        **common,
    )
    agencies["province"] = committee
    for group, name, short in DEPARTMENTS:
        agencies[short] = _agency(
            f"{prefix}.{group}",
            name=name if name != "Văn phòng Ủy ban nhân dân" else f"{name} {province.name}",
            short_name=short,
            kind=AgencyKind.DEPARTMENT,
            level=AgencyLevel.PROVINCE,
            parent=committee,
            commune=None,
            **common,
        )
    centre = _agency(
        f"{prefix}.{CENTRE_GROUP}",
        name=f"Trung tâm Phục vụ hành chính công {province.name}",
        short_name="TTPVHCC",
        kind=AgencyKind.PROVINCIAL_CENTRE,
        level=AgencyLevel.PROVINCE,
        parent=committee,
        commune=None,
        **common,
    )
    agencies["centre"] = centre
    seat = _unit(UnitLevel.COMMUNE, 6685)  # Phường Hồng Gai
    _desk(
        centre,
        "Quầy tiếp nhận và trả kết quả — Trung tâm Phục vụ hành chính công",
        "Tầng 1, Trụ sở Liên cơ quan số 3, phường Hồng Gai",
        seat,
        saturday_morning=True,
    )
    for code in COMMUNES:
        commune = _unit(UnitLevel.COMMUNE, code)
        base = f"{prefix}.{code}"
        ubnd = _agency(
            base,
            name=f"Ủy ban nhân dân {commune.name}",
            short_name=f"UBND {_short(commune)}",
            kind=AgencyKind.COMMUNE_COMMITTEE,
            level=AgencyLevel.COMMUNE,
            parent=committee,
            commune=commune,
            **common,
        )
        commune_centre = _agency(
            f"{base}.1",
            name=f"Trung tâm Phục vụ hành chính công {commune.name}",
            short_name=f"TTPVHCC {_short(commune)}",
            kind=AgencyKind.COMMUNE_CENTRE,
            level=AgencyLevel.COMMUNE,
            parent=ubnd,
            commune=commune,
            **common,
        )
        _desk(
            commune_centre,
            f"Bộ phận Một cửa {commune.name}",
            f"Trụ sở Ủy ban nhân dân {commune.name}",
            commune,
        )
        agencies[f"ubnd:{code}"] = ubnd
        agencies[f"centre:{code}"] = commune_centre
    return agencies


def _set_demo_user(username: str, full_name: str, kind: str, **extra: object) -> User:
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={"full_name": full_name, "kind": kind, "is_active": True, **extra},
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _set_second_factor(user: User) -> None:
    key = demo_totp_key(user.username).hex()
    TOTPDevice.objects.filter(user=user).exclude(name="TOTP demo").delete()
    TOTPDevice.objects.update_or_create(
        user=user, name="TOTP demo", defaults={"key": key, "confirmed": True, "last_t": -1}
    )
    static, _ = StaticDevice.objects.get_or_create(
        user=user, name="Mã dự phòng", defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    StaticToken.objects.bulk_create(
        [StaticToken(device=static, token=code) for code in demo_backup_codes(user.username)]
    )


def _officer(
    username: str, full_name: str, agency: Agency, role: str, title: str, **extra: object
) -> None:
    user = _set_demo_user(username, full_name, AccountKind.OFFICER, **extra)
    OfficerMembership.objects.update_or_create(
        user=user, agency=agency, role=role, defaults={"title": title, "is_active": True}
    )
    _set_second_factor(user)


COMMUNE_STAFF = [
    ("tiepnhan", "centre", Role.RECEPTION_OFFICER, "Công chức Bộ phận Một cửa"),
    ("giamdoc", "centre", Role.CENTRE_DIRECTOR, "Giám đốc Trung tâm"),
    ("chuyenvien", "ubnd", Role.SPECIALIST, "Công chức Văn phòng – Thống kê"),
    ("truongphong", "ubnd", Role.UNIT_LEADER, "Trưởng phòng Văn hóa – Xã hội"),
    ("lanhdao", "ubnd", Role.AGENCY_LEADER, "Phó Chủ tịch UBND"),
    ("vanthu", "ubnd", Role.RECORDS_CLERK, "Văn thư"),
]
OFFICER_NAMES = {
    "halong": [
        "Nguyễn Thị Lan",
        "Trần Văn Hùng",
        "Lê Thị Hằng",
        "Phạm Quốc Việt",
        "Vũ Minh Tuấn",
        "Đỗ Thu Trang",
    ],
    "vandon": [
        "Hoàng Thị Mai",
        "Bùi Đức Thắng",
        "Ngô Thị Huyền",
        "Đặng Văn Long",
        "Dương Thị Thảo",
        "Lý Văn Sơn",
    ],
}


# Provincial officers: (username, full name, agency key in seed_agencies(), role, title).
PROVINCIAL_OFFICERS = [
    ("sotuphap.chuyenvien", "Phan Thị Ngọc", "STP", Role.SPECIALIST,
     "Chuyên viên Phòng Hành chính tư pháp"),
    ("sotuphap.truongphong", "Trịnh Văn Khoa", "STP", Role.UNIT_LEADER,
     "Trưởng phòng Hành chính tư pháp"),
    ("sotuphap.lanhdao", "Mai Xuân Bình", "STP", Role.AGENCY_LEADER, "Phó Giám đốc Sở"),
    ("sotuphap.vanthu", "Cao Thị Yến", "STP", Role.RECORDS_CLERK, "Văn thư Sở"),
    ("tinh.tiepnhan", "Lương Thị Hoa", "centre", Role.RECEPTION_OFFICER,
     "Công chức tiếp nhận (quầy Sở Tư pháp)"),
    ("tinh.giamdoc", "Tạ Quang Huy", "centre", Role.CENTRE_DIRECTOR, "Giám đốc Trung tâm"),
    ("tinh.danhmuc", "Kiều Thị Phương", "VP UBND", Role.CATALOG_MANAGER, "Phòng Kiểm soát TTHC"),
    ("thanhtra", "Hà Văn Dũng", "province", Role.AUDITOR, "Thanh tra viên"),
    ("quantri", "Quản trị hệ thống", "province", Role.SYSTEM_ADMIN, "Quản trị hệ thống"),
]  # fmt: skip
SUPERUSERS = {"quantri"}

# Citizens: username, name, e-mail, phone, then the profile.
CITIZENS = [
    ("congdan1", "Nguyễn Văn An", "an.nguyen@example.vn", "0912345678",
     {"national_id": "022090001234", "date_of_birth": dt.date(1990, 5, 12), "sex": "M",
      "address": "Số 12 đường Trần Hưng Đạo", "commune": 6688}),
    ("congdan2", "Trần Thị Bình", "binh.tran@example.vn", "0987654321",
     {"national_id": "022195004321", "date_of_birth": dt.date(1995, 9, 3), "sex": "F",
      "address": "Thôn 3, đặc khu Vân Đồn", "commune": 6994}),
]  # fmt: skip
BUSINESSES = [
    ("doanhnghiep1", "Công ty TNHH Du lịch Vịnh Xanh", "lienhe@vinhxanh.example.vn",
     {"tax_code": "5701234566", "name": "Công ty TNHH Du lịch Vịnh Xanh",
      "legal_representative": "Lê Minh Quân", "address": "Số 8 đường Hạ Long, phường Bãi Cháy",
      "commune": 6673}),
]  # fmt: skip


def _commune_officers() -> list[tuple[str, str, str, str, str]]:
    """(username, name, agency key, role, title) for the staff of the two demo communes."""
    rows = []
    for code, slug in OFFICER_COMMUNES.items():
        for (suffix, where, role, title), name in zip(
            COMMUNE_STAFF, OFFICER_NAMES[slug], strict=True
        ):
            rows.append((f"{slug}.{suffix}", name, f"{where}:{code}", role, title))
    return rows


def _profile_fields(fields: dict[str, object]) -> dict[str, object]:
    return {**fields, "commune": _unit(UnitLevel.COMMUNE, int(fields["commune"]))}


def seed_people(agencies: dict[str, Agency]) -> None:
    for username, name, key, role, title in _commune_officers() + PROVINCIAL_OFFICERS:
        admin = username in SUPERUSERS
        _officer(username, name, agencies[key], role, title, is_staff=admin, is_superuser=admin)
    for username, name, email, phone, profile in CITIZENS:
        user = _set_demo_user(username, name, AccountKind.CITIZEN, email=email, phone=phone)
        citizen, _ = CitizenProfile.objects.update_or_create(
            user=user, defaults=_profile_fields(profile)
        )
        citizen.full_clean()
    for username, name, email, profile in BUSINESSES:
        user = _set_demo_user(username, name, AccountKind.BUSINESS, email=email)
        business, _ = BusinessProfile.objects.update_or_create(
            user=user, defaults=_profile_fields(profile)
        )
        business.full_clean()


@transaction.atomic
def seed() -> dict[str, Agency]:
    agencies = seed_agencies()
    seed_people(agencies)
    from motcua.portal.groups import seed_demo_groups  # the interlinked birth group

    seed_demo_groups()
    return agencies


def demo_accounts() -> list[DemoAccount]:
    """Every demo account with what a newcomer needs to sign in."""
    rows = []
    users = User.objects.filter(username__in=_demo_usernames()).prefetch_related(
        "memberships__agency"
    )
    for user in sorted(users, key=lambda u: (u.kind != AccountKind.OFFICER, u.username)):
        if user.kind == AccountKind.OFFICER:
            desc = "; ".join(
                f"{m.get_role_display()} — {m.agency.name}" for m in user.memberships.all()
            )
            secret = base64.b32encode(demo_totp_key(user.username)).decode()
            codes = demo_backup_codes(user.username)
        else:
            desc = user.get_kind_display()
            secret, codes = None, ()
        rows.append(DemoAccount(user.username, user.full_name, desc, secret, codes))
    return rows


def _demo_usernames() -> list[str]:
    officers = [row[0] for row in _commune_officers() + PROVINCIAL_OFFICERS]
    return officers + [row[0] for row in CITIZENS] + [row[0] for row in BUSINESSES]

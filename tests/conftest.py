"""Helpers shared by the unit and integration tests (the session data comes from the root
conftest: real administrative units and the demo province)."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.core import demo

PASSWORD = demo.DEMO_PASSWORD
LOGIN_URL = "/tai-khoan/dang-nhap/"
OTP_VERIFY_URL = "/tai-khoan/xac-thuc-hai-lop/"
OTP_SETUP_URL = "/tai-khoan/thiet-lap-xac-thuc-hai-lop/"


def get_user(username: str):
    from motcua.accounts.models import User

    return User.objects.get(username=username)


def get_agency(code: str):
    from motcua.organizations.models import Agency

    return Agency.objects.get(code=code)


def post_login(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})


@pytest.fixture
def audit_since():
    """Return a function listing the audit entries appended since the fixture was requested."""
    from motcua.core.models import SecurityEvent

    last = SecurityEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def since(kind: str | None = None) -> list:
        qs = SecurityEvent.objects.filter(seq__gt=last).order_by("seq")
        if kind is not None:
            qs = qs.filter(kind=kind)
        return list(qs)

    return since


@pytest.fixture
def new_officer():
    """Create an officer with one membership and no second-factor device."""
    from motcua.accounts.models import AccountKind, OfficerMembership, User
    from motcua.accounts.roles import Role

    def make(
        username: str = "canbo.moi",
        agency_code: str = "H22.6688.1",
        role: str = Role.RECEPTION_OFFICER,
        **extra: object,
    ) -> User:
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            kind=AccountKind.OFFICER,
            full_name="Cán bộ Mới Tuyển",
            **extra,
        )
        OfficerMembership.objects.create(user=user, agency=get_agency(agency_code), role=role)
        return user

    return make

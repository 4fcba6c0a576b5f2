"""Fixtures shared by the tests (the session data comes from the root conftest: the real
administrative units and the demo province)."""

from __future__ import annotations

import pytest

from tests.helpers import PASSWORD, get_agency


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

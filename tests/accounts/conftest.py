"""The local OpenID provider for the national identity tests (one process per test session)."""

from __future__ import annotations

import pytest

from tests.accounts.oidc_provider import configure, running_provider

CALLBACK = "http://testserver/tai-khoan/dinh-danh/ve/"


@pytest.fixture(scope="session")
def oidc_provider():
    with running_provider([CALLBACK]) as provider:
        yield provider


@pytest.fixture
def national(settings, oidc_provider):
    """Our settings pointed at the running provider (the test client's host is testserver)."""
    configure(settings, oidc_provider)
    return oidc_provider

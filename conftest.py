"""Shared test set-up: one PostgreSQL test database with the real administrative units and the
demo province loaded once per session, and helpers to sign officers in with a second factor."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.helpers import CATALOG_FILE


def pytest_configure(config: pytest.Config) -> None:
    # Argon2 is deliberately slow; tests that need the real hasher read motcua.settings directly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# A few real procedures the browser tests look for, plus the start of the file.
E2E_PROCEDURES = {"1.001193", "1.003583", "2.000528", "1.004884", "3.000346", "1.000178"}


def catalog_records(limit: int | None = None, codes: set[str] | frozenset[str] = frozenset()):
    """Real records of the national catalog: the first ``limit`` ones plus those in ``codes``."""
    import json

    with CATALOG_FILE.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            record = json.loads(line)
            if limit is None or number < limit or record["ma_thu_tuc"] in codes:
                yield record


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: F811 — extends pytest-django's
    """Load the real units, the demo data and the whole national catalog once; every `db`
    test sees them and rolls back."""
    from motcua.catalog.importer import import_records
    from motcua.catalog.services import link_implementations
    from motcua.core import demo
    from motcua.organizations.selectors import home_province
    from motcua.organizations.services import import_administrative_units

    with django_db_blocker.unblock():
        import_administrative_units(include_legacy=True)
        demo.seed()
        import_records(catalog_records())
        link_implementations(home_province())


@pytest.fixture
def transactional_demo_data(transactional_db):
    """Transactional tests (live server) empty the tables afterwards, so they seed themselves."""
    from motcua.catalog.importer import import_records
    from motcua.catalog.services import link_implementations
    from motcua.core import demo
    from motcua.organizations.selectors import home_province
    from motcua.organizations.services import import_administrative_units

    import_administrative_units(include_legacy=False)
    demo.seed()
    import_records(catalog_records(limit=150, codes=E2E_PROCEDURES))
    link_implementations(home_province())


@pytest.fixture
def otp_client(client):
    """Return a function that signs a user in on the test client with a verified second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.models import User

    def sign_in(username: str):
        user = User.objects.get(username=username)
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: test transactions roll back, so cached reads of
    another test's data would otherwise leak into this one."""
    from django.core.cache import cache

    cache.clear()
    yield

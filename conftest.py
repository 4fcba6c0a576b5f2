"""Shared test set-up: one PostgreSQL test database with the real administrative units and the
demo province loaded once per session, and helpers to sign officers in with a second factor."""

from __future__ import annotations

import pytest
from django.conf import settings


def pytest_configure(config: pytest.Config) -> None:
    # Argon2 is deliberately slow; tests that need the real hasher read motcua.settings directly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: F811 — extends pytest-django's
    """Load the real units and the demo data once; every `db` test sees them and rolls back."""
    from motcua.core import demo
    from motcua.organizations.services import import_administrative_units

    with django_db_blocker.unblock():
        import_administrative_units(include_legacy=True)
        demo.seed()


@pytest.fixture
def transactional_demo_data(transactional_db):
    """Transactional tests (live server) empty the tables afterwards, so they seed themselves."""
    from motcua.core import demo
    from motcua.organizations.services import import_administrative_units

    import_administrative_units(include_legacy=False)
    demo.seed()


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

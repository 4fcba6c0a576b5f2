"""The database is PostgreSQL with the extensions the search features rely on."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_runs_on_postgresql_15_or_newer():
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 150000


def test_unaccent_and_trigram_extensions_are_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unaccent('Thủ tục đăng ký khai sinh'), similarity('khai sinh', 'khai sihn')"
        )
        folded, similarity = cursor.fetchone()
    assert folded == "Thu tuc dang ky khai sinh"
    assert similarity > 0.3

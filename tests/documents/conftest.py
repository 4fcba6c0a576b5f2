"""Fixtures of the signing and verification tests: a PKI folder of their own (never the
developer's var/pki), the demo PKI for two agencies, a Vietnamese result PDF and that PDF
signed by the commune's People's Committee."""

from __future__ import annotations

import datetime as dt

import pytest
from documents_helpers import CODE, SIGNER, result_pdf_bytes

from tests.helpers import get_agency

AGENCY = "H22.6688"  # Ủy ban nhân dân Phường Hạ Long (halong.lanhdao leads it)
OTHER_AGENCY = "H22.6994"


@pytest.fixture(scope="session")
def session_pki_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(autouse=True)
def _pki_dir(settings, session_pki_dir):
    settings.MOTCUA_PKI_DIR = session_pki_dir


@pytest.fixture
def demo_pki(db):
    from motcua.documents import pki

    return pki.init_demo_pki([AGENCY, OTHER_AGENCY])


@pytest.fixture
def agency(db):
    return get_agency(AGENCY)


@pytest.fixture(scope="session")
def result_pdf():
    return result_pdf_bytes()


@pytest.fixture
def signed_at():
    return dt.datetime(2026, 3, 5, 9, 30, 15, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture
def signed_pdf(demo_pki, agency, result_pdf, signed_at):
    from motcua.documents.signing import sign_result, verification_url

    return sign_result(
        result_pdf,
        agency=agency,
        result_code=CODE,
        signer_name=SIGNER,
        signed_at=signed_at,
        verify_url=verification_url(CODE),
    )


@pytest.fixture
def registered(signed_pdf, agency, signed_at):
    from motcua.documents.services import register_signed

    return register_signed(
        CODE, agency, signed_pdf, SIGNER, signed_at, title="Giấy chứng nhận đăng ký khai sinh"
    )

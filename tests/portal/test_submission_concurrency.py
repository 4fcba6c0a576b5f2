"""Two submissions of one draft at the same moment (a double click, a retry after a timeout,
two tabs) on real PostgreSQL connections: exactly one dossier."""

from __future__ import annotations

import threading

import pytest

from tests.portal.conftest import BIRTH, HALONG_CENTRE, own_form_data, pdf_bytes, upload

ATTEMPTS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_draft_create_one_dossier(transactional_demo_data):
    from django.db import connections

    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier
    from motcua.organizations.models import Agency
    from motcua.portal import submission as svc
    from tests.helpers import get_user

    user = get_user("congdan1")
    procedure = Procedure.objects.get(code=BIRTH)
    draft = svc.start_draft(user, procedure, Agency.objects.get(code=HALONG_CENTRE))
    draft = svc.save_form(draft, own_form_data(user))
    svc.add_upload(draft, f"doc-{svc.documents_of(procedure)[0].pk}", upload(pdf_bytes(), "a.pdf"))
    draft.refresh_from_db()
    token = str(draft.token)

    barrier = threading.Barrier(ATTEMPTS)
    results: list[int] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(svc.submit_draft(draft.pk, user, token).dossier_id)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(results) == ATTEMPTS
    assert len(set(results)) == 1
    assert Dossier.objects.count() == 1
    assert Dossier.objects.get().components.get().files.count() == 1

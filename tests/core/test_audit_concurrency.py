"""Several processes appending to the security log at once still build one unbroken chain."""

import multiprocessing

import pytest

from motcua.core import audit
from motcua.core.models import SecurityEvent, SecurityEventKind

WORKERS = 4
PER_WORKER = 25


def _append_many(worker: int) -> None:
    from django.db import connections

    connections.close_all()  # never share the parent's socket
    for i in range(PER_WORKER):
        audit.record(SecurityEventKind.LOGIN_FAILED, subject=f"worker-{worker}-{i}")
    connections.close_all()


# Fork is what lets the children inherit the test database settings; they touch nothing of
# the parent but open their own connections, so the threads of the parent do not matter.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_from_several_processes_keep_the_chain():
    from django.db import connections

    before = SecurityEvent.objects.count()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_append_many, args=(w,)) for w in range(WORKERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    assert SecurityEvent.objects.count() == before + WORKERS * PER_WORKER
    report = audit.verify()
    assert report.ok, report.reason
    assert report.checked == before + WORKERS * PER_WORKER

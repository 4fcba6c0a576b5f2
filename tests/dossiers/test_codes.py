"""Dossier codes: format, parsing, per-agency daily counters without duplicates."""

import datetime as dt
import multiprocessing

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers.codes import format_code, parse_code

agency_codes = st.from_regex(r"H[0-9]{2}(\.[0-9]{1,4}){0,2}", fullmatch=True)


@given(agency_codes, st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)), st.integers(1, 10**6))
def test_format_and_parse_round_trip(agency, day, sequence):
    code = format_code(agency, day, sequence)
    parsed = parse_code(code)
    assert parsed is not None
    assert (parsed.agency_code, parsed.day, parsed.sequence) == (agency, day, sequence)
    assert str(parsed) == code


def test_the_documented_shape():
    assert format_code("H22.6688.1", dt.date(2026, 2, 13), 1) == "H22.6688.1-260213-0001"
    assert format_code("H22.30", dt.date(2026, 2, 13), 12345) == "H22.30-260213-12345"


@pytest.mark.parametrize(
    "code",
    ["", "H22-260213", "H22-261332-0001", "H22-260213-0000", "h22-260213-0001", "H22-260213-01"],
)
def test_malformed_codes_do_not_parse(code):
    assert parse_code(code) is None


@pytest.mark.django_db
def test_codes_count_per_agency_and_day(new_dossier):
    from tests.dossiers.conftest import MONDAY

    first = new_dossier(at=MONDAY)
    second = new_dossier(at=MONDAY + dt.timedelta(hours=2))
    next_day = new_dossier(at=MONDAY + dt.timedelta(days=1))
    assert first.code.startswith("H22.6688.1-260302-")
    assert parse_code(second.code).sequence == parse_code(first.code).sequence + 1
    assert parse_code(next_day.code).day == dt.date(2026, 3, 3)
    assert parse_code(next_day.code).sequence == 1


WORKERS = 4
PER_WORKER = 500


def _submit_many(worker: int, queue) -> None:
    from django.db import connections

    from motcua.dossiers.services import submit
    from tests.dossiers.conftest import MONDAY, birth_submission

    connections.close_all()
    codes = []
    try:
        for i in range(PER_WORKER):
            at = MONDAY + dt.timedelta(seconds=i)
            codes.append(submit(birth_submission(), at=at).code)
        queue.put(codes)
    finally:
        connections.close_all()


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
@pytest.mark.django_db(transaction=True)
def test_two_thousand_dossiers_from_several_processes_get_unique_codes(transactional_demo_data):
    from django.db import connections

    from motcua.dossiers.models import Dossier

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=_submit_many, args=(w, queue)) for w in range(WORKERS)]
    for process in processes:
        process.start()
    results = [queue.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    codes = [code for batch in results for code in batch]
    assert len(codes) == WORKERS * PER_WORKER
    assert len(set(codes)) == len(codes)
    sequences = sorted(parse_code(c).sequence for c in codes)
    assert sequences == list(range(1, len(codes) + 1))
    assert Dossier.objects.count() == len(codes)

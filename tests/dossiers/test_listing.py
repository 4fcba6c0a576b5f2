"""Pages of dossiers in an officer's scope (``selectors.page`` / ``window`` / ``queue_counts``).

The fast path reads a page as a union of per-agency branches on partial indexes; these tests
pin that it answers exactly what the plain query — scope as an OR, ordered, sliced — answers,
for every kind of officer, queue, order and page, on a few thousand generated dossiers with
dossiers received in one commune and resolved in another, and a consulted agency.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.paginator import EmptyPage
from django.db.models import Q
from django.utils import timezone

from bench.generate_dossiers import generate
from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier, DossierConsultation, Status
from motcua.dossiers.selectors import (
    BY_DUE,
    BY_SUBMISSION,
    NEWEST_FIRST,
    Queue,
    page,
    queue,
    queue_counts,
    search_filter,
    visible_dossiers,
    window,
    with_statuses,
)
from motcua.organizations.models import Agency
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

OFFICERS = ["halong.lanhdao", "halong.tiepnhan", "vandon.lanhdao", "tinh.giamdoc", "quantri"]
QUEUES = [None] + [v for k, v in vars(Queue).items() if k.isupper()]


@pytest.fixture
def dossiers():
    generate(3000, seed=7)
    halong, vandon = Agency.objects.get(code="H22.6688"), Agency.objects.get(code="H22.6994")
    halong_desk = Agency.objects.get(code="H22.6688.1")
    # Received in one commune, resolved in another (the two-tier reform: any centre receives).
    moved = list(Dossier.objects.filter(receiving_agency=halong_desk).values_list("pk", flat=True))
    Dossier.objects.filter(pk__in=moved[:40]).update(competent_agency=vandon)
    # Withdrawn dossiers are not open work, whatever their status.
    Dossier.objects.filter(pk__in=moved[40:50]).update(withdrawn_at=timezone.now())
    # Hạ Long consulted on a dossier of another commune.
    elsewhere = Dossier.objects.exclude(receiving_agency__code__startswith="H22.6688").first()
    DossierConsultation.objects.create(
        dossier=elsewhere,
        agency=halong,
        requested_by=get_user("vandon.lanhdao"),
        requested_at=timezone.now(),
        question="Xin ý kiến về nơi cư trú",
        allotment_days=3,
        due_at=timezone.now() + dt.timedelta(days=3),
    )
    return elsewhere


def plain(user, qs, ordering):
    """The reference: the scope as one OR, ordered by the same keys."""
    scoped = visible_dossiers(user).filter(pk__in=qs.values("pk"))
    return list(scoped.order_by(*ordering).values_list("pk", flat=True))


def ids(rows):
    return [d.pk for d in rows]


@pytest.mark.parametrize("username", OFFICERS)
def test_every_queue_and_order_pages_like_the_plain_query(dossiers, username):
    user = get_user(username)
    now = timezone.now()
    for name, ordering in itertools.product(QUEUES, [BY_DUE, BY_SUBMISSION, NEWEST_FIRST]):
        qs = (
            Dossier.objects.all() if name is None else queue(Dossier.objects.all(), name, user, now)
        )
        expected = plain(user, qs, ordering)
        for offset, limit in [(0, 20), (20, 20), (max(len(expected) - 5, 0), 20)]:
            rows, total = window(user, qs, ordering, offset, limit)
            assert total == len(expected), (name, username)
            assert ids(rows) == expected[offset : offset + limit], (name, offset, username)


def test_many_agencies_in_scope_use_one_branch_per_column(dossiers, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_BRANCHES", 1)
    user = get_user("halong.lanhdao")
    qs = queue(Dossier.objects.all(), Queue.ALL_OPEN, user)
    rows, total = window(user, qs, BY_DUE, 0, 50)
    expected = plain(user, qs, BY_DUE)
    assert (ids(rows), total) == (expected[:50], len(expected))


def test_scope_includes_dossiers_received_or_resolved_or_consulted_there(dossiers):
    halong = get_user("halong.lanhdao")
    everything = {d for (d,) in Dossier.objects.values_list("pk")}
    mine = set(ids(window(halong, Dossier.objects.all(), BY_DUE, 0, 10_000)[0]))
    expected = set(
        Dossier.objects.filter(
            Q(receiving_agency__code__startswith="H22.6688")
            | Q(competent_agency__code__startswith="H22.6688")
            | Q(pk=dossiers.pk)
        ).values_list("pk", flat=True)
    )
    assert mine == expected and dossiers.pk in mine and mine < everything
    # The other commune sees the dossiers it resolves though Hạ Long received them.
    vandon = set(
        ids(window(get_user("vandon.lanhdao"), Dossier.objects.all(), BY_DUE, 0, 10_000)[0])
    )
    assert Dossier.objects.filter(
        receiving_agency__code="H22.6688.1", competent_agency__code="H22.6994"
    ).count() == len(vandon & mine) - (1 if dossiers.pk in vandon else 0)


@pytest.mark.parametrize("username", ["halong.lanhdao", "quantri"])
def test_tab_counts_are_the_queue_counts(dossiers, username):
    user = get_user(username)
    now = timezone.now()
    counts = queue_counts(user, Dossier.objects.all(), QUEUES, now, cap=100_000)
    for name in QUEUES:
        qs = (
            Dossier.objects.all() if name is None else queue(Dossier.objects.all(), name, user, now)
        )
        assert counts[name] == len(plain(user, qs, BY_DUE)), name
        # The page of a tab reuses the tab's counts per part instead of counting again.
        known = page(user, qs, BY_DUE, 2, 10, cap=100_000, part_counts=counts.parts.get(name))
        counted = page(user, qs, BY_DUE, 2, 10, cap=100_000)
        assert (ids(known), known.paginator.count) == (ids(counted), counted.paginator.count)


def test_counts_and_pages_are_capped_when_asked(dossiers):
    user = get_user("halong.lanhdao")
    counts = queue_counts(user, Dossier.objects.all(), [None, Queue.ALL_OPEN], cap=10)
    assert counts[None] == 11  # "more than 10"
    assert counts[Queue.ALL_OPEN] > 11  # the open queues are counted exactly
    first = page(user, Dossier.objects.all(), NEWEST_FIRST, 1, 4, cap=10)
    assert first.more and first.paginator.count == 10 and first.paginator.num_pages == 3
    last = page(user, Dossier.objects.all(), NEWEST_FIRST, 99, 4, cap=10)
    assert last.number == 3 and len(last) == 2


def test_pages_out_of_range(dossiers):
    user = get_user("halong.lanhdao")
    qs = with_statuses(Dossier.objects.all(), [Status.PROCESSING])
    total = len(plain(user, qs, BY_DUE))
    last = (total + 19) // 20
    assert page(user, qs, BY_DUE, "abc", 20).number == 1
    assert page(user, qs, BY_DUE, last + 5, 20).number == last
    nothing = page(user, Dossier.objects.filter(code="none"), BY_DUE, 3, 20)
    assert (nothing.number, list(nothing), nothing.paginator.count) == (1, [], 0)
    with pytest.raises(EmptyPage):
        page(user, qs, BY_DUE, last + 1, 20, strict=True)
    with pytest.raises(EmptyPage):
        page(user, qs, BY_DUE, "0", 20, strict=True)


def test_status_filters_on_open_statuses_keep_withdrawn_out_only_when_open():
    def where(statuses):
        return str(with_statuses(Dossier.objects.all(), statuses).query).split(" WHERE ")[1]

    assert "withdrawn_at" in where([4, 5])
    assert "withdrawn_at" not in where([7])
    assert "withdrawn_at" not in where([4, 10])


@pytest.mark.parametrize(
    ("query", "meaning"),
    [
        ("H22.6688.1-251120-0012", Q(code="H22.6688.1-251120-0012")),
        (" h22.6688.1-251120-0012 ", Q(code="H22.6688.1-251120-0012")),
        ("022090001234", Q(applicant_id_number="022090001234")),
        ("123456789", Q(applicant_id_number="123456789")),
        ("0012", Q(code__endswith="0012")),
        ("251120-0012", Q(code__contains="251120-0012") | Q(applicant_id_number="251120-0012")),
        ("C1234567", Q(code__contains="C1234567") | Q(applicant_id_number="C1234567")),
        ("Nguyễn  Văn An", Q(applicant_search__contains="nguyen van an")),
    ],
)
def test_search_box_queries_by_their_shape(query, meaning):
    assert search_filter(query) == meaning


def test_empty_search_is_no_filter():
    assert search_filter("   ") is None


def test_searches_page_like_the_plain_query(dossiers):
    user = get_user("halong.lanhdao")
    sample = Dossier.objects.filter(receiving_agency__code="H22.6688.1").first()
    surname = sample.applicant_search.split()[0]
    for query in [sample.code, sample.applicant_id_number, sample.code[-4:], surname]:
        qs = Dossier.objects.filter(search_filter(query))
        expected = plain(user, qs, BY_DUE)
        rows, total = window(user, qs, BY_DUE, 0, 20, narrow=True)
        assert (ids(rows), total) == (expected[:20], len(expected)), query
        assert sample.pk in expected
        if len(expected) > 20:
            rows, total = window(user, qs, BY_DUE, 20, 20, narrow=True)
            assert (ids(rows), total) == (expected[20:40], len(expected))
    rows, total = window(user, Dossier.objects.filter(code="nothing"), BY_DUE, 20, 20, narrow=True)
    assert (rows, total) == ([], 0)

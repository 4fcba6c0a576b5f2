"""Reads of dossiers: what an officer may see, work queues and search."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.expressions import OrderBy
from django.utils import timezone

from motcua.core import worktime
from motcua.core.calendars import calendar_for
from motcua.core.permissions import roles_for, scope_agency_ids
from motcua.core.text import fold
from motcua.dossiers.models import (
    CLOSED_STATUSES,
    Dossier,
    DossierConsultation,
    DossierEvent,
    Status,
)
from motcua.dossiers.transitions import TABLE, Action, acts_at_receiving_agency

# Open dossiers: the work of the back office. The same expression, with the statuses in this
# order, is the condition of the partial indexes of the work queues (models.Dossier.Meta): the
# planner uses a partial index only when it can prove the query implies its condition.
CLOSED = tuple(sorted(CLOSED_STATUSES))
OPEN = ~Q(status__in=CLOSED) & Q(withdrawn_at__isnull=True)

LIST_CAP = 10_000  # the work list counts every dossier up to this, then says "more than"

# Orders of the lists: by due moment (no appointment last), then first come first served.
BY_DUE = (F("due_at").asc(nulls_last=True), F("submitted_at").asc(), F("id").asc())
BY_SUBMISSION = (F("submitted_at").asc(), F("id").asc())
NEWEST_FIRST = (F("submitted_at").desc(), F("id").desc())


def with_statuses(qs: QuerySet[Dossier], statuses: Sequence[int]) -> QuerySet[Dossier]:
    """Filter to national statuses; when they are all statuses of open work, say so too, so
    that the partial indexes of open dossiers answer."""
    qs = qs.filter(status__in=sorted(set(statuses)))
    if not set(statuses) & (CLOSED_STATUSES | {Status.WITHDRAWAL}):
        qs = qs.filter(OPEN)
    return qs


def _consulted(scope: set[int] | list[int]) -> Q:
    """Dossiers on which an agency of the scope was asked for its opinion (liên thông): its
    officers read them, to answer and afterwards."""
    asked = DossierConsultation.objects.filter(agency_id__in=scope).values("dossier_id")
    return Q(pk__in=asked)


def _in_scope(scope: set[int]) -> Q:
    return Q(receiving_agency_id__in=scope) | Q(competent_agency_id__in=scope) | _consulted(scope)


def visible_dossiers(user: Any) -> QuerySet[Dossier]:
    """Dossiers received by or resolved at an agency in the officer's scope (nothing else:
    another agency's or citizen's dossier answers 404 everywhere)."""
    scope = scope_agency_ids(user)
    qs = Dossier.objects.select_related(
        "procedure", "receiving_agency", "competent_agency", "assignee"
    )
    if scope is None:
        return qs
    return qs.filter(_in_scope(scope))


def find_dossier(user: Any, code: str) -> Dossier | None:
    return visible_dossiers(user).filter(code=code).first()


FULL_CODE = re.compile(r"^[A-Z][0-9A-Z.]*-\d{6}-\d{4,}$")


def search_filter(query: str) -> Q | None:
    """What a search box query means, by its shape, so that each query runs on the one index
    that answers it (a full code on the unique index, an ID number on its btree, a piece of a
    code or a name on their trigram indexes) instead of OR-ing three searches:

    - a whole dossier code (``H22.6688.1-251120-0012``) → that dossier;
    - digits only: five or more → an ID number (CCCD 12, CMND 9 digits) exactly; fewer → the
      end of a code (the day's sequence, ``0012``);
    - one word with digits (``251120-0012``, ``H22.6688.1``, a passport ``C1234567``) → a code
      containing it or that exact ID number;
    - anything else → the applicant's name, without accents, containing it.
    ``None`` when the query is empty."""
    query = " ".join(query.split())[:100]
    if not query:
        return None
    upper = query.upper()
    if FULL_CODE.match(upper):
        return Q(code=upper)
    if query.isdigit():
        return Q(applicant_id_number=query) if len(query) >= 5 else Q(code__endswith=query)
    if " " not in query and any(c.isdigit() for c in query):
        return Q(code__contains=upper) | Q(applicant_id_number=query)
    return Q(applicant_search__contains=fold(query))


def search(qs: QuerySet[Dossier], query: str) -> QuerySet[Dossier]:
    """By code (whole or part), applicant name without accents, or the exact ID number."""
    condition = search_filter(query)
    return qs if condition is None else qs.filter(condition)


class Queue:
    """Named work queues of the back office."""

    MINE = "mine"
    TO_RECEIVE = "to-receive"
    TO_ASSIGN = "to-assign"
    DUE_TODAY = "due-today"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    SUPPLEMENT = "supplement"
    TO_RETURN = "to-return"
    ALL_OPEN = "open"


def queue_condition(name: str, user: Any, now: dt.datetime | None = None) -> Q:
    """The condition of one work queue: open dossiers (``OPEN``) and what the queue adds."""
    return OPEN & _among_open(name, user, now)


def _among_open(name: str, user: Any, now: dt.datetime | None = None) -> Q:
    """Which open dossiers one work queue holds (only columns of the open-dossier indexes).
    Due-soon means due within one working day."""
    now = now or timezone.now()
    today_end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    by_status = {
        Queue.TO_RECEIVE: Status.SUBMITTED,
        Queue.TO_ASSIGN: Status.RECEIVED,
        Queue.SUPPLEMENT: Status.SUPPLEMENT,
        Queue.TO_RETURN: Status.RESOLVED,
    }
    if name == Queue.MINE:
        return Q(assignee_id=getattr(user, "pk", None))
    if name in by_status:
        return Q(status=by_status[name])
    # A dossier waiting for the citizen's supplement has its clock stopped: not at risk.
    running = Q(resolved_at__isnull=True) & ~Q(status=Status.SUPPLEMENT)
    if name == Queue.OVERDUE:
        return running & Q(due_at__lt=now)
    if name == Queue.DUE_TODAY:
        return running & Q(due_at__gte=now, due_at__lte=today_end)
    if name == Queue.DUE_SOON:
        horizon = worktime.add(now, 1, "working_days", calendar_for(None))
        return running & Q(due_at__gte=now, due_at__lte=horizon)
    return Q()


def queue(qs: QuerySet[Dossier], name: str, user: Any, now: dt.datetime | None = None) -> QuerySet:
    """Filter ``qs`` to one work queue."""
    return qs.filter(queue_condition(name, user, now))


class QueueCounts(dict):
    """Queue name → count; ``parts``: the counts of each part of the scope (see ``window``),
    which the page of the selected queue reuses instead of counting again."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.parts: dict[str | None, list[int]] = {}


def queue_counts(
    user: Any,
    qs: QuerySet[Dossier],
    names: Sequence[str | None],
    now: dt.datetime | None = None,
    *,
    cap: int = LIST_CAP,
    narrow: bool = False,
) -> QueueCounts:
    """How many dossiers of ``qs`` in ``user``'s scope each queue holds (``None``: every
    dossier, counted up to ``cap + 1``), for the tabs of the work list: one aggregate over the
    open dossiers of each part of the scope (an index-only scan), not one count per tab.
    ``narrow`` (a search): one aggregate over the matches."""
    now = now or timezone.now()
    scope = scope_agency_ids(user)
    conditions = {i: _among_open(name, user, now) for i, name in enumerate(names) if name}
    if narrow:
        scoped = qs if scope is None else qs.filter(_in_scope(scope))
        sums = scoped.order_by().aggregate(
            all=Count("id"),
            **{f"q{i}": Count("id", filter=OPEN & c) for i, c in conditions.items()},
        )
        return QueueCounts(
            {name: sums[f"q{i}"] if name else sums["all"] for i, name in enumerate(names)}
        )
    if scope is None:
        parts = [qs]
    else:
        parts = [part for part, _split in _parts(qs, scope, _consulted_ids(user, scope))]
    counts = QueueCounts(dict.fromkeys(names, 0))
    for part in parts:
        sums = part.filter(OPEN).aggregate(
            **{f"q{i}": Count("id", filter=c or None) for i, c in conditions.items()}
        )
        for i, name in enumerate(names):
            found = sums[f"q{i}"] if name else part.order_by()[: cap + 1].count()
            counts[name] += found
            counts.parts.setdefault(name, []).append(found)
    if None in counts:
        counts[None] = min(counts[None], cap + 1)
    return counts


# --- pages of dossiers in scope -------------------------------------------------------------
# An officer's scope is a set of agencies and a dossier is his when it was received by one of
# them *or* is resolved by one of them. PostgreSQL cannot walk an index in due-date order for an
# OR of two columns: it would fetch and sort every open dossier of the scope (tens of thousands
# at a million dossiers) to show twenty. So a page is read as the disjoint union of simple
# branches — competent agency = a, for each a in the scope; received at r and resolved outside
# the scope, for each r — each walked in order on a (partial) index and cut at the page's end,
# merged by PostgreSQL; the count adds up the same branches (index-only scans). A search box
# query is selective: it runs as one query with the count as a window over the matches.

MAX_BRANCHES = 24  # agencies in scope beyond which a part is read as one branch
RELATED = ("procedure", "receiving_agency", "competent_agency", "assignee")


def _consulted_ids(user: Any, scope: set[int]) -> list[int]:
    """The dossiers an agency of the scope was consulted on, read once per request (few)."""
    cached = getattr(user, "_motcua_consulted", None)
    if cached is None:
        cached = sorted(
            set(
                DossierConsultation.objects.filter(agency_id__in=scope).values_list(
                    "dossier_id", flat=True
                )
            )
        )
        user._motcua_consulted = cached
    return cached


def _parts(
    qs: QuerySet[Dossier], scope: set[int], consulted: list[int]
) -> list[tuple[QuerySet, list[QuerySet]]]:
    """The disjoint parts of the scope, each with its per-agency branches: resolved by an
    agency of the scope; received by one of them and resolved elsewhere; neither, but an
    agency of the scope was consulted (a few dossiers: one branch)."""
    ids = sorted(scope)
    outside = qs.exclude(competent_agency_id__in=ids)
    parts = [
        (qs.filter(competent_agency_id__in=ids), "competent_agency_id"),
        (outside.filter(receiving_agency_id__in=ids), "receiving_agency_id"),
    ]
    if len(ids) > MAX_BRANCHES:
        result = [(part, [part]) for part, _column in parts]
    else:
        result = [(part, [part.filter(**{c: a}) for a in ids]) for part, c in parts]
    if consulted:
        asked = outside.exclude(receiving_agency_id__in=ids).filter(pk__in=consulted)
        result.append((asked, [asked]))
    return result


def window(
    user: Any,
    qs: QuerySet[Dossier],
    ordering: Sequence[OrderBy],
    offset: int,
    limit: int,
    *,
    narrow: bool = False,
    cap: int | None = None,
    part_counts: list[int] | None = None,
) -> tuple[list[Dossier], int]:
    """Dossiers ``offset`` to ``offset + limit`` of ``qs`` (unscoped, unordered) within
    ``user``'s scope, and how many there are in all (with ``cap``: up to ``cap + 1``).
    ``narrow``: ``qs`` has a selective condition (a search), so it is read in one query, the
    count being a window over it. ``part_counts``: the parts' counts, already known
    (``queue_counts(...).parts``)."""

    def count(part: QuerySet) -> int:
        return part.count() if cap is None else part.order_by()[: cap + 1].count()

    scope = scope_agency_ids(user)
    if narrow or scope is None:
        scoped = qs if scope is None else qs.filter(_in_scope(scope))
        if not narrow:
            total = count(scoped)
            rows = list(
                scoped.select_related(*RELATED).order_by(*ordering)[offset : offset + limit]
            )
            return rows, total
        rows = list(
            scoped.select_related(*RELATED)
            .annotate(total=Window(Count("id")))
            .order_by(*ordering)[offset : offset + limit]
        )
        total = rows[0].total if rows else (scoped.count() if offset else 0)
        return rows, total if cap is None else min(total, cap + 1)
    branches, total = [], 0
    parts = _parts(qs, scope, _consulted_ids(user, scope))
    known = part_counts if part_counts is not None and len(part_counts) == len(parts) else None
    for i, (part, split) in enumerate(parts):
        found = (
            known[i] if known else count(part)
        )  # an index-only scan of a partial index for the work queues
        total += found
        if found:  # an empty part adds no branch (and no risk of a long walk for nothing)
            branches += split
    if cap is not None:
        total = min(total, cap + 1)
    if offset >= total:
        return [], total
    columns = [o.expression.name for o in ordering]
    walks = [b.order_by(*ordering).values_list(*columns)[: offset + limit] for b in branches]
    merged = (
        walks[0].union(*walks[1:], all=True).order_by(*ordering) if len(walks) > 1 else walks[0]
    )
    ids = [row[columns.index("id")] for row in merged[offset : offset + limit]]
    found = Dossier.objects.select_related(*RELATED).in_bulk(ids)
    return [found[i] for i in ids if i in found], total


class _Counted(Paginator):
    """A paginator whose count is already known (``window`` gives it with the rows)."""

    def __init__(self, total: int, per_page: int) -> None:
        super().__init__([], per_page)
        self.__dict__["count"] = total


def page(
    user: Any,
    qs: QuerySet[Dossier],
    ordering: Sequence[OrderBy],
    number: Any,
    per_page: int,
    *,
    narrow: bool = False,
    strict: bool = False,
    cap: int | None = None,
    part_counts: list[int] | None = None,
) -> Page:
    """Page ``number`` (1-based) as a Django ``Page``. Out of range: the last page, or
    ``EmptyPage`` when ``strict`` (the API answers 404); not a number: page 1 (or
    ``EmptyPage``). With ``cap``, at most ``cap`` dossiers are paged and ``page.more`` says
    whether there are more (refine the search to reach them)."""
    try:
        number = int(number or 1)
        if number < 1:
            raise ValueError
    except (TypeError, ValueError):
        if strict:
            raise EmptyPage("invalid page") from None
        number = 1

    def read(number: int) -> tuple[list[Dossier], int]:
        offset = (number - 1) * per_page
        rows, total = window(
            user, qs, ordering, offset, per_page, narrow=narrow, cap=cap, part_counts=part_counts
        )
        return (rows if cap is None else rows[: max(cap - offset, 0)]), total

    rows, total = read(number)
    more = cap is not None and total > cap
    paginator = _Counted(min(total, cap) if more else total, per_page)
    if not rows and number > 1:
        if strict:
            raise EmptyPage("no such page")
        number = paginator.num_pages  # beyond the end: the last page (page 1 when empty)
        rows = read(number)[0] if total else []
    result = Page(rows, number, paginator)
    result.more = more
    return result


def timeline(dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor", "agency").order_by("seq")


def allowed_actions(dossier: Dossier, user: Any) -> list[Action]:
    """The actions ``user`` may take on ``dossier`` now, by the transition table and the roles
    he holds at the receiving centre and at the competent agency (guards such as "only the
    assignee" or "once" are left to the service, which explains a refusal)."""
    if dossier.withdrawn_at or not getattr(user, "is_authenticated", False):
        return []
    # Local imports: this function's own needs, kept apart from the module's (answering a
    # consultation is taken at the consulted agency, not at the dossier's two agencies).
    from motcua.dossiers.models import DossierConsultation
    from motcua.dossiers.transitions import acts_at_consulted_agency

    held = {
        True: roles_for(user, dossier.receiving_agency_id),
        False: roles_for(user, dossier.competent_agency_id),
    }
    consulted: set[str] | None = None
    actions = []
    for action, transition in TABLE.items():
        if dossier.status not in transition.sources:
            continue
        if acts_at_consulted_agency(action):
            if consulted is None:
                waiting = DossierConsultation.objects.filter(
                    dossier=dossier, answered_at__isnull=True
                ).values_list("agency_id", flat=True)
                consulted = set().union(*(roles_for(user, a) for a in set(waiting)))
            if consulted & transition.roles:
                actions.append(action)
            continue
        if any(role in held[acts_at_receiving_agency(role)] for role in transition.roles):
            actions.append(action)
    return actions

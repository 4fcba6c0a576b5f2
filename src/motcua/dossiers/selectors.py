"""Reads of dossiers: what an officer may see, work queues and search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core import worktime
from motcua.core.calendars import calendar_for
from motcua.core.permissions import roles_for, scope_agency_ids
from motcua.core.text import fold
from motcua.dossiers.models import CLOSED_STATUSES, Dossier, DossierEvent, Status
from motcua.dossiers.transitions import TABLE, Action, acts_at_receiving_agency


def visible_dossiers(user: Any) -> QuerySet[Dossier]:
    """Dossiers received by or resolved at an agency in the officer's scope (nothing else:
    another agency's or citizen's dossier answers 404 everywhere)."""
    scope = scope_agency_ids(user)
    qs = Dossier.objects.select_related(
        "procedure", "receiving_agency", "competent_agency", "assignee"
    )
    if scope is None:
        return qs
    return qs.filter(Q(receiving_agency_id__in=scope) | Q(competent_agency_id__in=scope))


def find_dossier(user: Any, code: str) -> Dossier | None:
    return visible_dossiers(user).filter(code=code).first()


def search(qs: QuerySet[Dossier], query: str) -> QuerySet[Dossier]:
    """By code (or its end), applicant name without accents, or the exact ID number."""
    query = " ".join(query.split())[:100]
    if not query:
        return qs
    # Every branch is answered by an index (trigram GIN on code and on the folded name, btree
    # on the ID number), so PostgreSQL combines them instead of scanning every dossier.
    return qs.filter(
        Q(code__endswith=query.upper())
        | Q(applicant_search__contains=fold(query))
        | Q(applicant_id_number=query)
    )


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


def queue(qs: QuerySet[Dossier], name: str, user: Any, now: dt.datetime | None = None) -> QuerySet:
    """Filter ``qs`` to one work queue. Due-soon means due within one working day."""
    now = now or timezone.now()
    open_qs = qs.exclude(status__in=CLOSED_STATUSES).filter(withdrawn_at__isnull=True)
    today_end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    if name == Queue.MINE:
        return open_qs.filter(assignee=user)
    if name == Queue.TO_RECEIVE:
        return open_qs.filter(status=Status.SUBMITTED)
    if name == Queue.TO_ASSIGN:
        return open_qs.filter(status=Status.RECEIVED)
    if name == Queue.SUPPLEMENT:
        return open_qs.filter(status=Status.SUPPLEMENT)
    if name == Queue.TO_RETURN:
        return open_qs.filter(status=Status.RESOLVED)
    # A dossier waiting for the citizen's supplement has its clock stopped: not at risk.
    running = open_qs.filter(resolved_at__isnull=True).exclude(status=Status.SUPPLEMENT)
    if name == Queue.OVERDUE:
        return running.filter(due_at__lt=now)
    if name == Queue.DUE_TODAY:
        return running.filter(due_at__gte=now, due_at__lte=today_end)
    if name == Queue.DUE_SOON:
        horizon = worktime.add(now, 1, "working_days", calendar_for(None))
        return running.filter(due_at__gte=now, due_at__lte=horizon)
    return open_qs


def timeline(dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor", "agency").order_by("seq")


def allowed_actions(dossier: Dossier, user: Any) -> list[Action]:
    """The actions ``user`` may take on ``dossier`` now, by the transition table and the roles
    he holds at the receiving centre and at the competent agency (guards such as "only the
    assignee" or "once" are left to the service, which explains a refusal)."""
    if dossier.withdrawn_at or not getattr(user, "is_authenticated", False):
        return []
    held = {
        True: roles_for(user, dossier.receiving_agency_id),
        False: roles_for(user, dossier.competent_agency_id),
    }
    actions = []
    for action, transition in TABLE.items():
        if dossier.status not in transition.sources:
            continue
        if any(role in held[acts_at_receiving_agency(role)] for role in transition.roles):
            actions.append(action)
    return actions

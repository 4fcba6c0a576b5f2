"""Reads of the catalog: search, browse, detail."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length

from motcua.catalog.models import (
    DocumentComponent,
    Procedure,
    ProcedureChannel,
    ProcedureField,
    ProcedureImplementation,
    ProcedureStatus,
    SubCase,
)
from motcua.catalog.services import search_name
from motcua.organizations.models import AdministrativeUnit

MAX_QUERY_LENGTH = 200
LIST_DEFERRED = (
    "source",
    "parse_status",
    "steps_text",
    "conditions_text",
    "related_procedures_text",
    "reception_address_text",
)


def normalise_query(query: str) -> str:
    return " ".join(search_name(query[:MAX_QUERY_LENGTH]).split())


def search_procedures(
    query: str = "",
    *,
    field_id: int | None = None,
    level: str | None = None,
    agency_id: int | None = None,
    include_repealed: bool = False,
) -> QuerySet[Procedure]:
    """Procedures matching ``query``, accent-insensitive and typo-tolerant.

    Names containing every word come first (exact name, then prefix, then the rest); only when
    no name has them are the words taken for typos and matched by trigram word similarity.
    """
    # Lists never show the long texts nor the source record (tens of kilobytes a row).
    qs = Procedure.objects.select_related("field").defer(*LIST_DEFERRED)
    if not include_repealed:
        qs = qs.exclude(status=ProcedureStatus.REPEALED)
    if field_id:
        qs = qs.filter(field_id=field_id)
    if level:
        qs = qs.filter(levels__contains=[level])
    if agency_id:
        qs = qs.filter(
            implementations__agency_id=agency_id, implementations__is_active=True
        ).distinct()
    term = normalise_query(query)
    if not term:
        return qs.order_by("name")
    matches = qs.filter(_whole_words(term))
    if matches.exists():
        # Exact name, then names starting with the query, then the rest; shorter (more
        # specific) names first within a rank.
        rank = Case(
            When(search_name=term, then=Value(0)),
            When(search_name__startswith=term, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return matches.annotate(rank=rank).order_by("rank", Length("search_name"), "name")
    # No name has the words: take them for typos. The %> operator (threshold
    # pg_trgm.word_similarity_threshold, 0.6) is answered by the trigram index; only its
    # matches are scored. Word similarity plus whole-name similarity puts the closest and
    # shortest first ("đăng ký khai sinh" before "liên thông … đăng ký khai sinh, …").
    closeness = TrigramWordSimilarity(term, "search_name") + TrigramSimilarity("search_name", term)
    return (
        qs.filter(search_name__trigram_word_similar=term)
        .annotate(rank=Value(3, output_field=IntegerField()), closeness=closeness)
        .order_by("-closeness", Length("search_name"), "name")
    )


def _whole_words(term: str) -> Q:
    """Every word of the query as a whole word of the name, the last one as a prefix (the
    citizen may still be typing it). PostgreSQL regular expressions; the trigram index
    answers them."""
    words = term.split()
    condition = Q()
    for index, word in enumerate(words):
        end = "" if index == len(words) - 1 else r"\M"
        condition &= Q(search_name__regex=rf"\m{re.escape(word)}{end}")
    return condition


def procedure_detail(code: str) -> Procedure | None:
    """One procedure with everything its page and API show, in a fixed number of queries."""
    return (
        Procedure.objects.select_related("field")
        .prefetch_related(
            Prefetch("channels", queryset=ProcedureChannel.objects.select_related("subcase")),
            Prefetch("documents", queryset=DocumentComponent.objects.select_related("subcase")),
            "legal_bases",
            "results",
            "subcases",
        )
        .filter(code=code)
        .first()
    )


FIELDS_CACHE_KEY = "catalog:fields-with-counts"
FIELDS_VERSION_KEY = "catalog:fields-version"
FIELDS_CACHE_SECONDS = 300


def fields_version() -> str:
    """A token that changes with every catalog write in this process: templates that cache
    the rendered field list vary on it."""
    return cache.get_or_set(FIELDS_VERSION_KEY, lambda: uuid.uuid4().hex, None)


def fields_with_counts() -> list[ProcedureField]:
    """Fields that have procedures in force, with how many, for browsing.

    Shown on every search page and cheap to be a little stale: cached for five minutes and
    dropped by every catalog write in this process (other processes catch up on expiry).
    """
    fields = cache.get(FIELDS_CACHE_KEY)
    if fields is None:
        fields = list(
            ProcedureField.objects.annotate(
                count=Count("procedures", filter=~Q(procedures__status=ProcedureStatus.REPEALED))
            )
            .filter(count__gt=0)
            .order_by("name")
        )
        cache.set(FIELDS_CACHE_KEY, fields, FIELDS_CACHE_SECONDS)
    return fields


@dataclass(frozen=True)
class DocumentGroupView:
    title: str
    subcase: SubCase | None
    documents: list[DocumentComponent]


def group_documents(documents: Iterable[DocumentComponent]) -> list[DocumentGroupView]:
    """Documents in their published groups ("Giấy tờ phải nộp", a sub-case…), in order."""
    groups: list[DocumentGroupView] = []
    for document in documents:
        key = (document.group_title, document.subcase_id)
        if not groups or (groups[-1].title, getattr(groups[-1].subcase, "pk", None)) != key:
            groups.append(DocumentGroupView(document.group_title, document.subcase, []))
        groups[-1].documents.append(document)
    return groups


def implementing_agencies(
    procedure: Procedure, province: AdministrativeUnit | None
) -> list[ProcedureImplementation]:
    """Where in our province the procedure is received and resolved."""
    if province is None:
        return []
    return list(
        procedure.implementations.filter(is_active=True, agency__province=province)
        .select_related("agency", "agency__commune")
        .order_by("role", "agency__level", "agency__name")
    )

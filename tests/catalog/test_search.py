"""Accent-insensitive, typo-tolerant search over the real catalog, exact and prefix first."""

import pytest

from motcua.catalog.models import Level
from motcua.catalog.selectors import normalise_query, search_procedures

pytestmark = pytest.mark.django_db


def top(query, n=1, **filters):
    return [p.name for p in search_procedures(query, **filters)[:n]]


@pytest.mark.parametrize(
    "query",
    [
        "dang ky khai sinh",
        "Đăng ký khai sinh",
        "ĐĂNG KÝ KHAI SINH",
        "thủ tục đăng ký khai sinh",
        "khai sihn",
        "dang ki khai sinh",
    ],
)
def test_birth_registration_comes_first(query):
    assert top(query) == ["Thủ tục đăng ký khai sinh"]


def test_prefix_matches_rank_before_mere_containment():
    names = top("cap ho chieu", 2)
    assert all(name.startswith("Cấp hộ chiếu") for name in names)


def test_every_word_matches_before_typo_matches():
    results = list(search_procedures("giay phep lai xe")[:10])
    assert all(r.rank <= 2 for r in results)
    assert "Cấp giấy phép lái xe" in [r.name for r in results]


def test_filters_by_level_and_field():
    commune = search_procedures("khai sinh", level=Level.COMMUNE)
    assert commune.exists()
    assert all(Level.COMMUNE in p.levels for p in commune[:50])
    first = commune.first()
    by_field = search_procedures("", field_id=first.field_id)
    assert by_field.exists()
    assert all(p.field_id == first.field_id for p in by_field[:50])


def test_no_match_is_an_empty_result_not_an_error():
    assert not search_procedures("zzqxj wvvk").exists()


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "'; DROP TABLE x; --", "a" * 5000])
def test_odd_queries_are_harmless(query):
    list(search_procedures(query)[:5])


def test_normalise_query_folds_and_trims():
    assert normalise_query("  Thủ tục   Đăng ký ") == "dang ky"

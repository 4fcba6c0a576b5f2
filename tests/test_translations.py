"""The English catalog must translate every Vietnamese string, and the compiled .mo must match."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "src" / "motcua" / "locale" / "en" / "LC_MESSAGES"


def test_every_english_entry_is_translated_and_not_fuzzy():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert len(po) > 100
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalog_matches_the_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) is not None, (
            f"{entry.msgid!r} is not in django.mo: run `make messages`"
        )


@pytest.mark.django_db
def test_english_pages_are_translated(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        html = client.get("/").content.decode()
    finally:
        # The locale middleware leaves English active in this thread; later tests expect Vietnamese.
        translation.activate("vi")
    assert 'lang="en"' in html
    assert "Public Service Portal" in html
    assert "Find where to apply" in html


@pytest.mark.django_db
def test_vietnamese_by_default_even_for_an_english_browser(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in html
    assert "Tìm nơi nộp hồ sơ" in html

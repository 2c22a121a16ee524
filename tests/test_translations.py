"""English is complete: every Vietnamese source string has a translation, compiled and in use.

CI runs `makemessages` before the tests, so a string added to the code without a translation
shows up here as untranslated.
"""

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}|</?strong>")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(LOCALE / "django.po"))


def test_every_string_is_translated_and_none_is_fuzzy(catalogue):
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert not catalogue.metadata_is_fuzzy


def test_translations_keep_their_placeholders(catalogue):
    for entry in catalogue:
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            assert sorted(PLACEHOLDER.findall(translation)) == sorted(
                PLACEHOLDER.findall(entry.msgid)
            ), entry.msgid


def test_the_compiled_catalogue_is_up_to_date(catalogue):
    compiled = {
        e.msgid: (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(LOCALE / "django.mo"))
    }
    for entry in catalogue.translated_entries():
        assert compiled.get(entry.msgid) == (entry.msgstr, entry.msgstr_plural), (
            f"{entry.msgid!r}: run `make messages` to recompile"
        )

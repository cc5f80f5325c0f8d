"""The Chinese catalogue: complete, reviewed, compiled, and consistent in its placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from kefu.org.roles import ROLES

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(LOCALE / "django.po"))


def entry_name(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def translations(entries: list[polib.POEntry] | polib.POFile | polib.MOFile) -> dict:
    """(context, msgid) → msgstr, or the tuple of plural forms."""
    table: dict[tuple[str | None, str], object] = {}
    for entry in entries:
        if getattr(entry, "obsolete", False):
            continue
        if entry.msgid_plural:
            value: object = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        table[(entry.msgctxt, entry.msgid)] = value
    return table


def test_the_catalogue_is_not_empty(po: polib.POFile) -> None:
    assert len(po) > 50


def test_every_message_is_translated(po: polib.POFile) -> None:
    missing = [entry_name(e) for e in po.untranslated_entries()]
    assert missing == []


def test_no_translation_is_marked_fuzzy(po: polib.POFile) -> None:
    """A fuzzy entry is a guess by makemessages; gettext ignores it, so users would see English."""
    assert [entry_name(e) for e in po.fuzzy_entries()] == []


def test_every_plural_form_is_translated(po: polib.POFile) -> None:
    for entry in po:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry_name(entry)


def test_translations_keep_the_placeholders_of_the_original(po: polib.POFile) -> None:
    """A lost or misspelt %(name)s breaks the page at render time."""
    for entry in po:
        if entry.obsolete or not entry.msgstr:
            continue
        assert set(PLACEHOLDER.findall(entry.msgid)) == set(PLACEHOLDER.findall(entry.msgstr)), (
            entry_name(entry)
        )


def test_the_compiled_catalogue_matches_the_source(po: polib.POFile) -> None:
    """django.mo must be recompiled (make messages) whenever django.po changes."""
    mo = polib.mofile(str(LOCALE / "django.mo"))
    expected = translations(po)
    compiled = translations(mo)
    compiled.pop((None, ""), None)  # the header
    expected.pop((None, ""), None)
    assert compiled == expected


def test_every_role_has_a_chinese_name_and_duties() -> None:
    chinese = re.compile(r"[\u4e00-\u9fff]")
    with translation.override("zh-hans"):
        for role in ROLES:
            assert chinese.search(str(role.name)), role.code
            assert chinese.search(str(role.duties)), role.code

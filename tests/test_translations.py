"""The Simplified Chinese catalogues of every app: complete, compiled, with their placeholders.

Django merges all apps' catalogues into one, so a message translated two ways in two apps
would show whichever app comes first; the catalogues must agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import duli

PACKAGE = Path(duli.__file__).parent
CATALOGUES = sorted(PACKAGE.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w+\}")
TAG = re.compile(r"</?\w+")


def app_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def load(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="zh_Hans")


def messages(catalog: Catalog) -> Iterator[Message]:
    return (m for m in catalog if m.id)


def singular(value: str | tuple[str, ...] | list[str]) -> str:
    return value if isinstance(value, str) else value[0]


def text(context: str | bytes | None) -> str | None:
    """Babel's mo reader leaves a message context as bytes."""
    return context.decode() if isinstance(context, bytes) else context


def test_the_apps_people_see_have_chinese_catalogues():
    apps = {app_of(p) for p in CATALOGUES}

    assert {
        "core",
        "checkout",
        "orders",
        "payments",
        "inventory",
        "shipping",
        "tax",
        "storefront",
        "dashboard",
        "customers",
    } <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=app_of)
def test_every_message_is_translated_and_checked(path):
    untranslated = [
        m.id for m in messages(load(path)) if not singular(m.string) or "fuzzy" in m.flags
    ]

    assert untranslated == []


@pytest.mark.parametrize("path", CATALOGUES, ids=app_of)
def test_translations_keep_every_placeholder_and_tag(path):
    wrong = []
    for m in messages(load(path)):
        target = singular(m.string)
        for source in [m.id] if isinstance(m.id, str) else m.id:
            same_placeholders = set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(target))
            same_tags = sorted(TAG.findall(source)) == sorted(TAG.findall(target))
            if not (same_placeholders and same_tags):
                wrong.append((source, target))

    assert wrong == []


@pytest.mark.parametrize("path", CATALOGUES, ids=app_of)
def test_the_compiled_catalogue_matches_its_source(path):
    with path.with_suffix(".mo").open("rb") as f:
        compiled = {
            (text(m.context), singular(m.id)): singular(m.string) for m in read_mo(f) if m.id
        }

    source = {(m.context, singular(m.id)): singular(m.string) for m in messages(load(path))}

    assert compiled == source, "run compilemessages"


def test_a_message_has_the_same_translation_in_every_app():
    seen: dict[tuple[str | None, str], tuple[str, str]] = {}
    clashes = []
    for path in CATALOGUES:
        for m in messages(load(path)):
            key = (m.context, singular(m.id))
            value = singular(m.string)
            if key in seen and seen[key][1] != value:
                clashes.append((key, seen[key], (app_of(path), value)))
            seen.setdefault(key, (app_of(path), value))

    assert clashes == []

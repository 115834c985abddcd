"""Language in the storefront URL: English at `/…`, other languages at `/<code>/…`.

Every language has its own address, so pages are cacheable per URL, search engines get
hreflang alternates, and a shared link opens in the language it was shared in.

Django's `i18n_patterns` would do this only from the root URLconf and would take the
language from the browser when the path has none; `LanguagePrefixPattern` lives inside
the storefront's own URLconf and takes the language from the path alone, so `/` is
always English (the `x-default`) whatever the browser sends. Views are wrapped by
`duli.storefront.cache.storefront_page`, which activates the path's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation


def _prefixed_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def language_from_path(path: str) -> str:
    """The language a storefront path is in: its first segment when that names one."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in _prefixed_languages() else settings.LANGUAGE_CODE


class LanguagePrefixPattern:
    """A URL prefix that is empty for the default language and `<code>/` for others.

    Matching accepts any configured language's prefix (the view then activates it);
    reversing uses the active language, like Django's `LocalePrefixPattern`.
    """

    def __init__(self) -> None:
        self.converters: dict[str, Any] = {}

    @property
    def regex(self) -> re.Pattern[str]:
        # Only reverse() reads this; Django caches reverse tables per active language.
        return re.compile(re.escape(self.language_prefix))

    @property
    def language_prefix(self) -> str:
        code = translation.get_language() or settings.LANGUAGE_CODE
        return "" if code not in _prefixed_languages() else f"{code}/"

    def match(self, path: str) -> tuple[str, tuple[()], dict[str, Any]] | None:
        for code in _prefixed_languages():
            if path.startswith(f"{code}/"):
                return path.removeprefix(f"{code}/"), (), {}
        return path, (), {}

    def check(self) -> list[Any]:
        return []

    def describe(self) -> str:
        return f"'{self}'"

    def __str__(self) -> str:
        return self.language_prefix


@dataclass(frozen=True, slots=True)
class Alternate:
    code: str  # Django language code ("zh-hans")
    name: str  # as the language names itself ("简体中文")
    url: str  # the same page in that language (path and query)
    is_current: bool


def page_alternates(request: HttpRequest, languages: list[tuple[str, str]]) -> list[Alternate]:
    """The current page's address in each of `languages`, keeping the query string."""
    match = getattr(request, "resolver_match", None)
    current = translation.get_language() or settings.LANGUAGE_CODE
    query = request.META.get("QUERY_STRING", "")
    result = []
    for code, name in languages:
        url = ""
        if match is not None and match.view_name:
            with translation.override(code):
                try:
                    url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
                except NoReverseMatch:
                    url = ""
        if not url:
            with translation.override(code):
                url = reverse("storefront:home")
        if query:
            url = f"{url}?{query}"
        result.append(Alternate(code=code, name=name, url=url, is_current=code == current))
    return result

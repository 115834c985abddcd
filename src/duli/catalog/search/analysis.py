"""Turning text into search tokens, the same way for documents and queries.

Both backends index the output of `analyse_document` and search with `analyse_query`, so
"creme" finds "Crème" and Chinese works without a language-specific tokenizer:

* text is NFKC-normalised (full-width "ＤＲＥＳＳ" → "dress"), case-folded, and accents on
  Latin, Greek and Cyrillic letters are dropped;
* words are runs of letters and digits; punctuation splits them ("ABC-123" → "abc", "123");
* a run of CJK characters (no spaces between words in Chinese or Japanese) becomes its
  overlapping bigrams plus its last character ("夏季碎花连衣裙" → "夏季 季碎 碎花 花连 连衣
  衣裙 裙"). A query of two or more CJK characters becomes a phrase of its bigrams, so
  "连衣裙" matches "连衣 衣裙" adjacent, and "衬衫" is one exact token; a single character is
  a prefix of some token, because every character starts a bigram or is the trailing one.

This is the bigram scheme Lucene's CJKAnalyzer uses. It beats FTS5's trigram tokenizer and
pg_trgm for Chinese because two-character words — most Chinese words — are matched through
the index instead of a table scan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CJK = (
    "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002ebef"
)
_TOKEN = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
_FOLDABLE_BASE = 0x0530  # accents are dropped from Latin, Greek and Cyrillic letters only

MAX_QUERY_TERMS = 12
MAX_QUERY_CHARS = 200


def normalise(text: str) -> str:
    """Case-fold, unify compatibility forms and drop accents from European letters."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text  # nothing to fold; most of a catalogue, and the reindex's hot path
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed == text and not any(unicodedata.combining(ch) for ch in text):
        return text  # no accents to drop (Chinese text, for one)
    kept: list[str] = []
    base = 0
    for ch in decomposed:
        if unicodedata.category(ch) == "Mn" and base < _FOLDABLE_BASE:
            continue  # é → e, but Japanese voicing marks (が) stay
        if unicodedata.category(ch) != "Mn":
            base = ord(ch)
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


def _cjk_tokens(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def analyse_document(text: str) -> str:
    """The index form of `text`: its tokens joined by spaces."""
    out: list[str] = []
    for cjk, word in _TOKEN.findall(normalise(text)):
        out.extend(_cjk_tokens(cjk) if cjk else [word])
    return " ".join(out)


@dataclass(frozen=True, slots=True)
class Term:
    """One required part of a query: a single token (matched as a prefix when `prefix`)
    or a phrase of adjacent tokens (CJK bigrams)."""

    tokens: tuple[str, ...]
    prefix: bool


@dataclass(frozen=True, slots=True)
class AnalysedQuery:
    raw: str  # the shopper's text, trimmed (used for exact SKU matches)
    terms: tuple[Term, ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms


def analyse_query(query: str) -> AnalysedQuery:
    """Every term must match (AND). Words match as prefixes, so results appear while the
    shopper is still typing ("dre" finds "dress")."""
    raw = " ".join(query.split())[:MAX_QUERY_CHARS]
    terms: list[Term] = []
    for cjk, word in _TOKEN.findall(normalise(raw)):
        if cjk and len(cjk) > 1:
            term = Term(tuple(cjk[i : i + 2] for i in range(len(cjk) - 1)), prefix=False)
        else:
            term = Term((cjk or word,), prefix=True)
        if term not in terms:
            terms.append(term)
    return AnalysedQuery(raw=raw, terms=tuple(terms[:MAX_QUERY_TERMS]))

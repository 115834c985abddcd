"""Summaries of py-spy's collapsed stacks ("frame;frame;frame count" per line). Pure."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# A sample whose innermost frame is one of these is a thread waiting for work, not serving.
_IDLE = ("wait (threading", "select (selectors", "poll (selectors", "accept (", "sleep (")
# Only samples inside a request count (not the arbiter, heartbeat or idle pool threads).
_IN_REQUEST = ("get_response", "WSGIHandler.__call__")
_SITE = re.compile(r"\s*\((?:/[^()]*?/(?:site-packages|src|lib/python3\.\d+)/)")


def short_frame(frame: str) -> str:
    """`func (/long/.../site-packages/django/x.py:12)` → `func (django/x.py:12)`."""
    return _SITE.sub(" (", frame)


@dataclass(frozen=True, slots=True)
class Summary:
    samples: int
    inclusive: list[tuple[str, float]]  # (frame, share of request samples), biggest first
    own: list[tuple[str, float]]  # innermost frames


def summarise(lines: Iterable[str], *, top: int = 40) -> Summary:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = [short_frame(f) for f in stack.split(";")]
        if frames[-1].startswith(_IDLE) or not any(k in f for f in frames for k in _IN_REQUEST):
            continue
        count = int(count_text)
        total += count
        for frame in dict.fromkeys(frames):  # a recursive frame counts once per sample
            inclusive[frame] += count
        own[frames[-1]] += count
    if not total:
        return Summary(0, [], [])
    return Summary(
        samples=total,
        inclusive=[(f, n / total) for f, n in inclusive.most_common(top)],
        own=[(f, n / total) for f, n in own.most_common(top)],
    )


def summary_text(summary: Summary, *, only: tuple[str, ...] = ("duli/", "django/")) -> str:
    """Where request time goes: the project's and Django's frames by inclusive share, then
    the innermost frames (what the CPU was actually doing)."""
    lines = [f"{summary.samples} samples inside requests", "", "inclusive (duli/ and django/):"]
    lines += [f"  {share:6.1%}  {f}" for f, share in summary.inclusive if any(o in f for o in only)]
    lines += ["", "innermost frames:"]
    lines += [f"  {share:6.1%}  {f}" for f, share in summary.own[:20]]
    return "\n".join(lines)

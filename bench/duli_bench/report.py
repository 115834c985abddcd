"""Targets, the Markdown table and the rewrite of docs/benchmarks.md. Pure functions only."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote

# House targets (issue item 10). Change them here and in docs/benchmarks.md together.
RATIO_TARGET = 0.50  # product and category pages reach at least half the ceiling's req/s
P99_TARGET_MS = 50.0  # at 32 connections
P99_AT_CONNECTIONS = 32
SEARCH_P95_TARGET_MS = 50.0  # on a 100,000-product catalogue
SEARCH_TARGET_PRODUCTS = 100_000

RATIO_SCENARIOS = ("category", "product")
P99_SCENARIOS = ("home", "category", "product")

RESULTS_START = "<!-- bench:results:start -->"
RESULTS_END = "<!-- bench:results:end -->"

Scenario = Mapping[str, Any]
Run = Mapping[str, Any]


def ceiling_rps(scenarios: Sequence[Scenario]) -> float | None:
    """The ceiling's req/s: the mean of its runs (at the start and, when measured, at the end
    of the run, so drift while the run went on is shared fairly by every scenario)."""
    values = [
        s["rps"]
        for s in scenarios
        if s["name"].startswith("ceiling") and not s.get("error") and s.get("rps")
    ]
    return sum(values) / len(values) if values else None


def with_ratios(scenarios: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each scenario with `ratio` = its req/s over the ceiling's req/s in the same run."""
    ceiling = ceiling_rps(scenarios)
    return [
        {**s, "ratio": s["rps"] / ceiling if ceiling and s.get("rps") is not None else None}
        for s in scenarios
    ]


def ceiling_drift(scenarios: Sequence[Scenario]) -> float | None:
    """How far the ceiling moved between the start and the end of the run (0.1 = 10 %)."""
    by_name = {s["name"]: s for s in scenarios if not s.get("error")}
    start, end = by_name.get("ceiling"), by_name.get("ceiling-end")
    if not (start and end and start.get("rps")):
        return None
    return abs(end["rps"] - start["rps"]) / start["rps"]


def evaluate(run: Run) -> list[dict[str, Any]]:
    """Pass/fail of every target that applies to this run; `passed` is None when it does not
    apply (another connection count, a smaller catalogue) or the scenario did not run."""
    by_name = {s["name"]: s for s in run["scenarios"]}
    connections = run["load"]["connections"]
    products = run["catalogue"]["products"]
    checks: list[dict[str, Any]] = []

    for name in RATIO_SCENARIOS:
        s = by_name.get(name)
        ratio = s.get("ratio") if s and not s.get("error") else None
        checks.append(
            {
                "check": f"{name} ≥ {RATIO_TARGET:.0%} of ceiling req/s",
                "value": f"{ratio:.0%}" if ratio is not None else "not run",
                "passed": None if ratio is None else ratio >= RATIO_TARGET,
            }
        )
    for name in P99_SCENARIOS:
        s = by_name.get(name)
        p99 = s.get("p99_ms") if s and not s.get("error") else None
        at_target_load = connections == P99_AT_CONNECTIONS
        note = "" if at_target_load else f" (ran at {connections} conns)"
        checks.append(
            {
                "check": f"{name} p99 < {P99_TARGET_MS:.0f} ms at {P99_AT_CONNECTIONS} connections",
                "value": (f"{p99:.1f} ms" if p99 is not None else "not run") + note,
                "passed": p99 < P99_TARGET_MS if p99 is not None and at_target_load else None,
            }
        )
    s = by_name.get("search")
    p95 = s.get("p95_ms") if s and not s.get("error") else None
    big = products >= SEARCH_TARGET_PRODUCTS
    checks.append(
        {
            "check": f"search p95 < {SEARCH_P95_TARGET_MS:.0f} ms on "
            f"{SEARCH_TARGET_PRODUCTS:,} products",
            "value": (f"{p95:.1f} ms" if p95 is not None else "not run")
            + ("" if big else f" (catalogue has {products:,}: target not applicable)"),
            "passed": (p95 < SEARCH_P95_TARGET_MS) if (p95 is not None and big) else None,
        }
    )
    return checks


def _ms(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "—"


def _verdict(passed: bool | None) -> str:
    return {True: "pass", False: "**FAIL**", None: "n/a"}[passed]


def _cache_text(s: Scenario) -> str:
    if s.get("unique_urls"):
        return "bypassed"
    hits = s.get("cache_hits_in_preflight")
    if not hits or s.get("cache_marked") == 0:
        return "—"  # not a page the storefront's page cache handles
    got, total = hits.split("/")
    return "hit" if got == total != "0" else "miss" if got == "0" else f"hit {hits}"


def scenario_table(scenarios: Sequence[Scenario]) -> str:
    """The per-scenario Markdown table: req/s, latency percentiles (ms), ratio to the
    ceiling, server CPU per request and whether the page cache answered."""
    rows = [
        "| scenario | URLs | page cache | req/s | p50 ms | p90 ms | p95 ms | p99 ms "
        "| vs ceiling | server CPU ms/req | errors |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in scenarios:
        if s.get("error"):
            rows.append(
                f"| {s['name']} | {len(s.get('urls', []))} | — | — | — | — | — | — | — | — "
                f"| {s['error']} |"
            )
            continue
        ratio = s.get("ratio")
        rows.append(
            f"| {s['name']} | {len(s.get('urls', []))} | {_cache_text(s)} | {s['rps']:,.0f} "
            f"| {_ms(s['p50_ms'])} | {_ms(s['p90_ms'])} | {_ms(s.get('p95_ms'))} "
            f"| {_ms(s['p99_ms'])} | {f'{ratio:.0%}' if ratio is not None else '—'} "
            f"| {_cpu(s.get('cpu_ms_per_request'))} | {s.get('errors', 0)} |"
        )
    return "\n".join(rows)


def _cpu(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "—"


def checks_table(checks: Sequence[Mapping[str, Any]]) -> str:
    rows = ["| target | measured | result |", "| --- | --- | --- |"]
    rows += [f"| {c['check']} | {c['value']} | {_verdict(c['passed'])} |" for c in checks]
    return "\n".join(rows)


def run_title(run: Run) -> str:
    cat = run["catalogue"]
    cache = run["page_cache_seconds"]
    cache_text = f"page cache {cache} s" if cache else "page cache off"
    return f"{cat['label']} catalogue ({cat['products']:,} products) on {cat['db']} — {cache_text}"


def run_markdown(run: Run) -> str:
    """One run as a Markdown section: setup, the scenario table and the target checks."""
    m, srv, load, cat = run["machine"], run["server"], run["load"], run["catalogue"]
    lines = [
        f"### {run_title(run)}",
        "",
        f"Measured {run['started_at']} (`{run['command']}`).",
        "",
        f"- Machine: {m['cores']} cores, {m['cpu']}, {m['memory_gib']} GiB; "
        f"Python {m['python']}, Django {m['django']}; {cat['db_version']}"
        + (
            f"; 1-minute load average {m['load_average_before']} before the run."
            if "load_average_before" in m
            else "."
        ),
        f"- Server: {srv['description']}.",
        f"- Load: {load['tool']}, {load['threads']} threads, {load['connections']} connections, "
        f"{load['duration_s']} s per scenario after {load['warmup_s']} s warm-up, "
        "same machine (the load generator shares the cores with the server).",
        f"- Catalogue: {cat['products']:,} products, {cat['categories']:,} categories, "
        f"{cat['variants']:,} variants.",
        "- Anonymous page cache: "
        + (
            f"on, {run['page_cache_seconds']} s (the default)"
            if run["page_cache_seconds"]
            else "off (`DULI_PAGE_CACHE_SECONDS=0`): raw render cost"
        )
        + f". Search cached: {run.get('search_cached', 'unknown')}.",
        "",
        scenario_table(run["scenarios"]),
        "",
        *_drift_line(run["scenarios"]),
        checks_table(run["checks"]),
        *_single_client_lines(run.get("search_single_client") or []),
    ]
    if run.get("notes"):
        lines += ["", *[f"- {n}" for n in run["notes"]]]
    return "\n".join(lines)


def _single_client_lines(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each search query timed alone (one client, uncached): which queries are slow."""
    if not rows:
        return []
    cells = []
    for r in rows:
        query = unquote(r["path"].split("q=", 1)[-1])
        cells.append(f"`{query}` {r['ms']:,.0f}" if r.get("ms") is not None else f"`{query}` —")
    slow = [r for r in rows if r.get("ms") is None and r.get("note")]
    lines = ["", "Search queries timed alone (one client, uncached), ms: " + ", ".join(cells) + "."]
    if slow:
        lines[-1] += " " + "; ".join(sorted({r["note"] for r in slow})) + "."
    return lines


def _drift_line(scenarios: Sequence[Scenario]) -> list[str]:
    drift = ceiling_drift(scenarios)
    if drift is None:
        return []
    return [
        f"The ceiling moved {drift:.0%} between the start and the end of the run; ratios use "
        "the mean of the two.",
        "",
    ]


def _block_markers(key: str) -> tuple[str, str]:
    return f"<!-- bench:run:{key}:start -->", f"<!-- bench:run:{key}:end -->"


def docs_with_run(doc: str, key: str, section: str) -> str:
    """`doc` with the block for run `key` replaced by `section` (or added at the end of the
    results part). Everything outside that block is kept byte for byte."""
    if RESULTS_START not in doc or RESULTS_END not in doc:
        doc = doc.rstrip("\n") + f"\n\n## Latest results\n\n{RESULTS_START}\n{RESULTS_END}\n"
    start, end = _block_markers(key)
    block = f"{start}\n{section.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), flags=re.DOTALL)
    if pattern.search(doc):
        return pattern.sub(lambda _m: block, doc, count=1)
    head, tail = doc.split(RESULTS_END, 1)
    return f"{head.rstrip()}\n\n{block}\n\n{RESULTS_END}{tail}"

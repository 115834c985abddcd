"""Duli's storefront benchmark: a real server process, real HTTP load from wrk on 127.0.0.1.

    .venv/bin/python bench/run.py                                  # demo shop on SQLite
    .venv/bin/python bench/run.py --products 100000                # 100,000 products
    .venv/bin/python bench/run.py --products 100000 --db postgres  # the same on PostgreSQL
    .venv/bin/python bench/run.py --page-cache-seconds 0           # raw render cost

Each scenario is one bounded wrk run; every figure is reported as a ratio to the ceiling (a
bare Django view in the same server, settings and run). Writes bench/results/<time>.json,
prints a Markdown table and, with --write-docs, updates docs/benchmarks.md. See that file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from duli_bench import harness as h
from duli_bench import report

RESULTS_DIR = h.BENCH_DIR / "results"
DOCS = h.ROOT / "docs" / "benchmarks.md"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--products",
        type=int,
        default=None,
        help="synthetic catalogue size (default: the demo shop)",
    )
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of load per scenario")
    p.add_argument(
        "--warmup", type=float, default=3.0, help="seconds of unmeasured load before each scenario"
    )
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--server", choices=["gunicorn", "granian"], default="gunicorn")
    p.add_argument(
        "--workers", type=int, default=None, help="server processes (default: one per core)"
    )
    p.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    p.add_argument(
        "--page-cache-seconds",
        type=int,
        default=None,
        help="DULI_PAGE_CACHE_SECONDS for the server (default: Duli's default, cache on)",
    )
    p.add_argument(
        "--scenarios",
        default="ceiling,home,category,product,search",
        help="comma-separated subset, in order",
    )
    p.add_argument(
        "--data-root",
        type=Path,
        default=Path("/tmp/duli-bench"),
        help="where prepared catalogues live",
    )
    p.add_argument(
        "--pg-db", default=None, help="PostgreSQL database name (default duli_bench_h_<size>)"
    )
    p.add_argument(
        "--fresh", action="store_true", help="rebuild the catalogue even if one is prepared"
    )
    p.add_argument(
        "--timeout", type=float, default=3600.0, help="hard limit for the whole run, seconds"
    )
    p.add_argument(
        "--write-docs", action="store_true", help="update this run's block in docs/benchmarks.md"
    )
    p.add_argument(
        "--max-load",
        type=float,
        default=0.5,
        help="1-minute load average under which the machine counts as quiet (default 0.5)",
    )
    p.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        help="seconds to wait for a quiet machine before measuring (default: do not wait)",
    )
    p.add_argument(
        "--search-budget",
        type=float,
        default=120.0,
        help="seconds for timing each search query alone, one client (0: skip)",
    )
    p.add_argument("--no-save", action="store_true", help="do not write bench/results/<time>.json")
    return p.parse_args(argv)


def _settle_or_restart(srv: h.Server, *, name: str, deadline: h.Deadline, notes: list[str]) -> None:
    """Make sure no request of the previous load is still being served."""
    try:
        waited = h.settle(srv.base, deadline=deadline)
    except h.BenchError:
        notes.append(
            f"{name}: the server was still serving earlier requests after 60 s, so it was "
            "restarted (an empty page cache then refills during the warm-up)"
        )
        srv.restart()
        return
    if waited > 2:
        notes.append(f"{name}: waited {waited:.0f} s for requests left from before")


def _measure_scenario(
    name: str,
    paths: list[str],
    *,
    srv: h.Server,
    wrk: str,
    args: argparse.Namespace,
    deadline: h.Deadline,
    notes: list[str],
) -> dict[str, Any]:
    _settle_or_restart(srv, name=name, deadline=deadline, notes=notes)
    check = h.preflight(srv.base, paths)
    kind = name.removesuffix("-end")
    if check.problems:
        notes.append(f"{name}: left out of the rotation: " + "; ".join(check.problems[:5]))
    if not check.ok:
        print(f"--- {name}: skipped, no URL answered 200 {check.problems[:3]}", file=sys.stderr)
        return {"name": name, "urls": paths, "error": "no URL answered 200"}
    # Search is measured uncached: every request carries a unique parameter, so a page
    # cache keyed on the full URL can never answer it.
    unique = "_bench" if kind == "search" else None
    load = {
        "duration": args.duration,
        "connections": args.connections,
        "threads": args.wrk_threads,
        "deadline": deadline,
        "unique_param": unique,
    }
    print(f"--- {name}: warm-up {args.warmup:.0f} s, {len(check.ok)} URL(s)", file=sys.stderr)
    if args.warmup > 0:
        h.run_wrk(wrk, srv.base, check.ok, **{**load, "duration": args.warmup})
        _settle_or_restart(srv, name=f"{name} (after warm-up)", deadline=deadline, notes=notes)
    cpu_before = srv.cpu_seconds()
    result = h.run_wrk(wrk, srv.base, check.ok, **load)
    cpu = srv.cpu_seconds() - cpu_before
    if not result.requests:
        print(f"    no response within {args.duration:.0f} s", file=sys.stderr)
        return {
            "name": name,
            "urls": check.ok,
            "error": f"no response within {args.duration:.0f} s at {args.connections} conns",
        }
    row = {
        "name": name,
        "urls": check.ok,
        **result.as_dict(),
        "errors": result.error_count,
        "cpu_ms_per_request": 1000 * cpu / result.requests if result.requests else None,
        "cache_hits_in_preflight": f"{check.cache_hits}/{len(check.ok)}",
        "cache_marked": check.cache_marked,
        "unique_urls": bool(unique),
    }
    print(
        f"    {result.rps:,.0f} req/s  p50 {result.p50_ms:.1f} ms  p99 {result.p99_ms:.1f} ms  "
        f"server CPU {row['cpu_ms_per_request'] or 0:.2f} ms/req  errors {result.error_count}",
        file=sys.stderr,
    )
    return row


def measure(args: argparse.Namespace, deadline: h.Deadline) -> dict[str, Any]:
    wrk = h.ensure_wrk()
    cat = h.Catalogue(
        db=args.db, products=args.products, data_root=args.data_root, pg_db=args.pg_db
    )
    env, found = h.prepared(
        cat, page_cache_seconds=args.page_cache_seconds, fresh=args.fresh, deadline=deadline
    )

    spec = h.ServerSpec(
        kind=args.server, workers=args.workers or os.cpu_count() or 2, threads=args.threads
    )
    server_version = h.tool_version([str(h.PYTHON.parent / args.server), "--version"])
    wanted = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    if wanted and wanted[0] == "ceiling" and len(wanted) > 1:
        wanted.append("ceiling-end")  # the ceiling again at the end shows drift in the run
    paths = h.scenario_paths(found)
    unknown = [w for w in wanted if w.removesuffix("-end") not in paths]
    if unknown:
        raise h.BenchError(f"unknown scenario(s): {', '.join(unknown)}")

    load_before = h.wait_quiet(max_load=args.max_load, wait=args.wait_quiet, deadline=deadline)
    started = dt.datetime.now(dt.UTC)
    log = RESULTS_DIR / "logs" / f"{started:%Y%m%dT%H%M%SZ}-server.log"
    scenarios: list[dict[str, Any]] = []
    notes: list[str] = []
    with h.server(spec, env=env, log=log, deadline=deadline) as srv:
        for name in wanted:
            scenarios.append(
                _measure_scenario(
                    name,
                    paths[name.removesuffix("-end")],
                    srv=srv,
                    wrk=wrk,
                    args=args,
                    deadline=deadline,
                    notes=notes,
                )
            )
        single: list[dict[str, Any]] = []
        if "search" in wanted and args.search_budget > 0:
            _settle_or_restart(srv, name="search, one client", deadline=deadline, notes=notes)
            print("--- search, one client at a time", file=sys.stderr)
            single = h.single_client_latency(
                srv.base, paths["search"], budget=args.search_budget, deadline=deadline
            )
    load_after = h.load_average()
    search = next((s for s in scenarios if s["name"] == "search" and not s.get("error")), None)
    if load_before > args.max_load:
        notes.append(
            f"the machine was busy with other work (1-minute load average {load_before:.2f} "
            f"at the start, {load_after:.2f} at the end, on {os.cpu_count()} cores): req/s "
            "and latencies are pessimistic; the CPU ms per request column is the steadier figure"
        )

    cache_key = "cache" if args.page_cache_seconds is None or args.page_cache_seconds else "nocache"
    run: dict[str, Any] = {
        "key": f"{cat.db}-{cat.label}-{cache_key}"
        + ("" if args.server == "gunicorn" else f"-{args.server}"),
        "started_at": started.strftime("%Y-%m-%d %H:%M UTC"),
        "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": ".venv/bin/python bench/run.py " + shlex.join(sys.argv[1:]),
        "machine": {
            **h.machine_info(),
            "django": found["django"],
            "load_average_before": round(load_before, 2),
            "load_average_after": round(load_after, 2),
        },
        "server": {
            "kind": spec.kind,
            "workers": spec.workers,
            "threads": spec.threads,
            "version": server_version,
            "description": spec.describe(server_version),
        },
        "load": {
            "tool": h.tool_version([wrk, "--version"]).split(" [")[0].replace(" debian/", " "),
            "threads": args.wrk_threads,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
        },
        "catalogue": {
            "label": "demo" if cat.products is None else "synthetic",
            "db": cat.db,
            "db_version": found["db_version"],
            "products": found["counts"]["products"],
            "categories": found["counts"]["categories"],
            "variants": found["counts"]["variants"],
        },
        "page_cache_seconds": found["page_cache_seconds"],
        "search_cached": (
            "unknown"
            if search is None
            else "no"
            if search["cache_hits_in_preflight"].startswith("0/")
            else "yes, so each measured search URL was made unique (`_bench` parameter)"
        ),
        "scenarios": report.with_ratios(scenarios),
        "search_single_client": single,
        "notes": notes,
    }
    run["checks"] = report.evaluate(run)
    return run


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    deadline = h.Deadline(args.timeout)

    def _stop(signum: int, _frame: object) -> None:
        # Turn SIGTERM/SIGALRM into an exception so every `finally` kills its process group.
        raise h.BenchError(f"stopped by signal {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGALRM, _stop)
    signal.alarm(int(args.timeout) + 30)  # the backstop if a step ignores the deadline
    try:
        run = measure(args, deadline)
    except h.BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)

    section = report.run_markdown(run)
    print(section)
    if not args.no_save:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"{time.strftime('%Y%m%dT%H%M%S')}-{run['key']}.json"
        out.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
        print(f"\nsaved {out.relative_to(h.ROOT)}", file=sys.stderr)
    if args.write_docs:
        doc = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
        DOCS.write_text(report.docs_with_run(doc, run["key"], section))
        print(f"updated {DOCS.relative_to(h.ROOT)} ({run['key']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The flash sale: many shoppers check out the same few units at the same moment, over real
HTTP, against the production server.

    .venv/bin/python bench/flash_sale.py --db sqlite
    .venv/bin/python bench/flash_sale.py --db postgres --write-docs
    .venv/bin/python bench/flash_sale.py --db postgres --shoppers 400 --units 50

Builds a fresh database (SQLite in a temporary data directory, or the PostgreSQL database
`duli_flash` on 127.0.0.1, dropped and created), migrates it, seeds a shop selling one
variant with exactly `--units` units, starts gunicorn (gthread, DEBUG off, tasks queued in
the database and not run), then releases `--shoppers` shoppers at once — one httpx client
and cookie jar each, asyncio, in this process — each running the whole checkout
(`bench/duli_bench/flash.py`). Afterwards it audits the database
(`bench/duli_bench/flash_shop.py`) and profiles one checkout in-process (queries and ms per
step).

Exits 1 when the invariant fails: exactly `--units` orders, stock on hand = reserved =
units, no ledger row out of bounds, every other shopper told it sold out, no error.
Writes bench/results/flash-<time>-<db>.json; `--write-docs` updates this database's block
in the "Flash sale" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from duli_bench import flash
from duli_bench import harness as h

RESULTS_DIR = h.BENCH_DIR / "results"
DOCS = h.ROOT / "docs" / "benchmarks.md"
PG_BASE = "postgres://postgres@127.0.0.1:5432"
TARGET_CHECKOUTS_PER_SECOND = 100.0
SECTION_START = "<!-- bench:flash-sale:start -->"
SECTION_END = "<!-- bench:flash-sale:end -->"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--shoppers", type=int, default=200)
    p.add_argument("--units", type=int, default=20)
    p.add_argument("--pg-db", default="duli_flash", help="PostgreSQL database (dropped first)")
    p.add_argument(
        "--workers", type=int, default=None, help="server processes (default: one per core)"
    )
    p.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    p.add_argument(
        "--load-timeout", type=float, default=300.0, help="limit for the shoppers, seconds"
    )
    p.add_argument(
        "--timeout", type=float, default=1200.0, help="hard limit for the whole run, seconds"
    )
    p.add_argument("--max-load", type=float, default=0.5)
    p.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        help="seconds to wait for a quiet machine before measuring (default: do not wait)",
    )
    p.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    p.add_argument("--write-docs", action="store_true")
    p.add_argument("--no-save", action="store_true")
    args = p.parse_args(argv)
    if args.units < 1 or args.shoppers < args.units:
        p.error("--units must be at least 1 and --shoppers at least --units")
    return args


def _django(module_args: list[str], *, env: dict[str, str], deadline: h.Deadline, what: str) -> Any:
    out = h.run_checked([str(h.PYTHON), "-m", *module_args], env=env, deadline=deadline, what=what)
    return json.loads(out.strip().splitlines()[-1])


def _prepare(args: argparse.Namespace, data_dir: Path, deadline: h.Deadline) -> dict[str, str]:
    if args.db == "postgres":
        url = f"{PG_BASE}/{args.pg_db}"
        psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc"]
        env0 = h.clean_env({})
        for sql in (
            f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)',
            f'CREATE DATABASE "{args.pg_db}"',
        ):
            h.run_checked([*psql, sql], env=env0, deadline=deadline, what="psql")
    else:
        url = f"sqlite:///{data_dir / 'duli.sqlite3'}"
    env = flash.server_env(database_url=url, data_dir=data_dir)
    print(f"==> migrating a fresh {args.db} database", file=sys.stderr)
    h.run_checked(
        [str(h.PYTHON), "-m", "duli.manage", "migrate", "--noinput", "-v0"],
        env=env,
        deadline=deadline,
        what="migrate",
    )
    h.collectstatic(env=env, deadline=deadline)
    return env


def _server_log_problems(log: Path) -> list[str]:
    if not log.exists():
        return []
    text = log.read_text(errors="replace")
    return [
        line.strip()[:200]
        for line in text.splitlines()
        if re.search(r"Traceback|\bERROR\b|CRITICAL|WORKER TIMEOUT", line)
    ][:20]


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def measure(args: argparse.Namespace, deadline: h.Deadline) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"duli-flash-{args.db}-"))
    try:
        env = _prepare(args, data_dir, deadline)
        seeded = _django(
            ["duli_bench.flash_shop", "seed", "--units", str(args.units)],
            env=env,
            deadline=deadline,
            what="seed",
        )
        spec = h.ServerSpec(
            kind="gunicorn", workers=args.workers or os.cpu_count() or 2, threads=args.threads
        )
        version = h.tool_version([str(h.PYTHON.parent / "gunicorn"), "--version"])
        load_before = h.wait_quiet(max_load=args.max_load, wait=args.wait_quiet, deadline=deadline)
        started = dt.datetime.now(dt.UTC)
        log = RESULTS_DIR / "logs" / f"{started:%Y%m%dT%H%M%SZ}-flash-{args.db}-server.log"
        with h.server(spec, env=env, log=log, deadline=deadline) as srv:
            load = flash.FlashLoad(
                target=flash.Target(srv.base),
                variant_id=seeded["variant_id"],
                shipping_method_id=seeded["shipping_method_id"],
                shoppers=args.shoppers,
                timeout=min(args.load_timeout, deadline.remaining() - 60),
            )
            print(
                f"--- {args.shoppers} shoppers for {args.units} units on {args.db}",
                file=sys.stderr,
            )
            cpu_before, client_before = srv.cpu_seconds(), time.process_time()
            machine_before = _cpu_ticks()
            result = flash.run_load(load)
            machine_after = _cpu_ticks()
            server_cpu = srv.cpu_seconds() - cpu_before
            client_cpu = time.process_time() - client_before
        busy, total = (a - b for a, b in zip(machine_after, machine_before, strict=True))
        load_after = h.load_average()
        summary = result.summary()
        audit = _django(
            ["duli_bench.flash_shop", "audit", "--variant", str(seeded["variant_id"])],
            env=env,
            deadline=deadline,
            what="audit",
        )
        problems = flash.invariant_problems(summary, audit, units=args.units)
        profile = _django(
            [
                "duli_bench.flash_shop",
                "profile",
                "--shipping-method",
                str(seeded["shipping_method_id"]),
            ],
            env={**env, "DULI_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"},
            deadline=deadline,
            what="profile",
        )
        db_version = _django(
            ["duli_bench.discover"], env=env, deadline=deadline, what="discover"
        ).get("db_version", "?")
    finally:
        if args.keep:
            print(f"==> kept {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)

    requests = summary["requests"] or 1
    finished = args.shoppers - summary["outcomes"]["error"]
    return {
        "key": f"flash-{args.db}",
        "started_at": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": ".venv/bin/python bench/flash_sale.py " + shlex.join(sys.argv[1:]),
        "machine": {
            **h.machine_info(),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(load_after, 2),
        },
        "db": args.db,
        "db_version": db_version,
        "server": {
            "workers": spec.workers,
            "threads": spec.threads,
            "description": spec.describe(version),
        },
        "shoppers": args.shoppers,
        "units": args.units,
        **summary,
        "server_cpu_seconds": round(server_cpu, 2),
        "server_cpu_ms_per_request": round(1000 * server_cpu / requests, 2),
        "server_cpu_ms_per_checkout": round(1000 * server_cpu / max(finished, 1), 1),
        "client_cpu_seconds": round(client_cpu, 2),
        "machine_cpu_busy": round(busy / total, 3) if total else None,
        "server_log_problems": _server_log_problems(log),
        "audit": audit,
        "profile": profile,
        "target_checkouts_per_second": TARGET_CHECKOUTS_PER_SECOND,
        "invariant_problems": problems,
        "journeys": flash.journeys_json(result),
    }


# --------------------------------------------------------------------------- report


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def run_markdown(run: dict[str, Any]) -> str:
    m, o = run["machine"], run["outcomes"]
    target_met = (run["checkouts_per_second"] or 0) >= run["target_checkouts_per_second"]
    held = not run["invariant_problems"]
    lines = [
        f"### {run['shoppers']} shoppers, {run['units']} units, "
        f"{'PostgreSQL' if run['db'] == 'postgres' else 'SQLite'}",
        "",
        f"{run['started_at']}; {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
        f"Python {m['python']}, {run['db_version']}; {run['server']['description']}; 1-minute "
        f"load average {m['load_average_before']} before, {m['load_average_after']} after. "
        f"`{run['command']}`",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| orders made | **{o['ordered']}** of {run['units']} units |",
        f"| stock after (on hand / reserved) | {run['audit']['stock']['on_hand']} / "
        f"{run['audit']['stock']['reserved']} |",
        f"| told sold out at add-to-cart / during the steps / at placement | "
        f"{o['sold_out_add']} / {o['sold_out_steps']} / {o['sold_out_place']} |",
        f"| other errors | {o['error']} |",
        f"| invariant | {'**held**' if held else '**FAILED**: ' + '; '.join(run['invariant_problems'])} |",
        f"| wall time, release → last response | {run['wall_seconds']:.1f} s |",
        f"| **checkouts/s** (finished journeys ÷ wall time) | **{run['checkouts_per_second']}** |",
        f"| placements/s (place requests ÷ first sent → last answered) | "
        f"{run['placements_per_second']} ({run['placements']} placements) |",
        f"| place-order request p50 / p95 / p99 / max | {_ms(run['place_ms']['p50'])} / "
        f"{_ms(run['place_ms']['p95'])} / {_ms(run['place_ms']['p99'])} / "
        f"{_ms(run['place_ms']['max'])} ms |",
        f"| requests/s overall | {run['requests_per_second']} ({run['requests']} requests) |",
        f"| server CPU per request / per finished journey | "
        f"{run['server_cpu_ms_per_request']} ms / "
        f"{run['server_cpu_ms_per_checkout']} ms |",
        f"| load generator CPU (same machine) | {run['client_cpu_seconds']} s |",
        f"| all cores busy during the load (server, database, load generator, others) | "
        f"{_pct(run['machine_cpu_busy'])} |",
        f"| target ≥ {run['target_checkouts_per_second']:.0f} checkouts/s"
        f"{' (applies to PostgreSQL)' if run['db'] == 'sqlite' else ''} | "
        f"{'met' if target_met else '**not met**'} |",
    ]
    prof = run["profile"]
    lines += [
        "",
        "One journey's requests in-process (Django test client, same database, warm, median "
        "of 3; CPU is this process's, SQL the time inside queries):",
        "",
        "| request | status | queries | writes | ms | CPU ms | SQL ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *(
            f"| {p['step']} | {p['status']} | {p['queries']} | {p['writes']} | {p['ms']:.1f} "
            f"| {p['cpu_ms']:.1f} | {p['sql_ms']:.1f} |"
            for p in prof
        ),
        f"| **journey** | | {sum(p['queries'] for p in prof)} | "
        f"{sum(p['writes'] for p in prof)} | {sum(p['ms'] for p in prof):.1f} | "
        f"{sum(p['cpu_ms'] for p in prof):.1f} | {sum(p['sql_ms'] for p in prof):.1f} |",
    ]
    if run["server_log_problems"]:
        lines += ["", "Server log: " + "; ".join(f"`{p}`" for p in run["server_log_problems"][:5])]
    if m["load_average_before"] > 1.0:
        lines += [
            "",
            f"The machine was busy with other work (load {m['load_average_before']} on "
            f"{m['cores']} cores): throughput is pessimistic; CPU per request is the steadier "
            "figure.",
        ]
    return "\n".join(lines)


SECTION_INTRO = f"""## Flash sale

{SECTION_START}
`bench/flash_sale.py` puts many shoppers on one product with a few units, all released at the
same moment, each running the whole checkout over real HTTP against the production server
(gunicorn gthread, DEBUG off): the cart count (which hands out the CSRF cookie, as a
product page's script does), add to cart, information, shipping, payment page, place
order, then the page it lands on (the thank-you page, or the cart saying it sold
out). One httpx client and cookie jar per shopper, asyncio, in a second process on the same
machine. The database is built fresh for each run.

```sh
.venv/bin/python bench/flash_sale.py --db sqlite --write-docs
.venv/bin/python bench/flash_sale.py --db postgres --write-docs   # database duli_flash
```

Options: `--shoppers 200`, `--units 20`, `--db sqlite|postgres`, `--pg-db duli_flash`
(dropped and created), `--workers` (default one per core), `--threads 4`,
`--load-timeout 300` (for the shoppers), `--timeout 1200` (the whole run),
`--wait-quiet SECONDS` and `--max-load 0.5`, `--keep` (keep the temporary data directory),
`--write-docs`, `--no-save`. Results go to `bench/results/<time>-flash-<db>.json` with
every shopper's journey, and the server log to `bench/results/logs/`.

It fails (exit 1) unless exactly `--units` orders are made, stock ends with on hand =
reserved = units, no ledger row has a negative `on_hand_after` or `reserved_after` above
it, and every other shopper was told it sold out. Checkouts/s counts finished journeys
(ordered or told sold out) over the wall time from the release to the last response;
placements/s counts place-order requests over the time from the first one sent to the last
answered. **Target: ≥ 100 checkouts/s on PostgreSQL.** `tests/bench/test_flash_sale.py`
runs the same load generator (40 shoppers, 5 units) in the suite, and
`tests/concurrency/test_crash.py` SIGKILLs the server in the middle of such a sale.

<!-- bench:flash:analysis:start -->
<!-- bench:flash:analysis:end -->

<!-- bench:flash:sqlite:start -->
<!-- bench:flash:sqlite:end -->

<!-- bench:flash:postgres:start -->
<!-- bench:flash:postgres:end -->
{SECTION_END}

"""


def docs_with_flash(doc: str, db: str, section: str) -> str:
    """`doc` with this database's flash-sale block replaced; the section is added before
    "## Latest results" when missing. Nothing outside the block changes."""
    if SECTION_START not in doc:
        anchor = "## Latest results"
        if anchor in doc:
            head, tail = doc.split(anchor, 1)
            doc = f"{head}{SECTION_INTRO}{anchor}{tail}"
        else:
            doc = doc.rstrip("\n") + "\n\n" + SECTION_INTRO
    start, end = f"<!-- bench:flash:{db}:start -->", f"<!-- bench:flash:{db}:end -->"
    block = f"{start}\n{section.strip()}\n{end}"
    if start not in doc:
        doc = doc.replace(SECTION_END, f"{block}\n{SECTION_END}", 1)
        return doc
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), flags=re.DOTALL)
    return pattern.sub(lambda _m: block, doc, count=1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    deadline = h.Deadline(args.timeout)

    def _stop(signum: int, _frame: object) -> None:
        raise h.BenchError(f"stopped by signal {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGALRM, _stop)
    signal.alarm(int(args.timeout) + 30)
    try:
        run = measure(args, deadline)
    except h.BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    finally:
        signal.alarm(0)

    section = run_markdown(run)
    print(section)
    for error in run["errors"][:10]:
        print(
            f"  error: shopper {error['shopper']} at {error['step']}: HTTP {error['status']} "
            f"{error['detail'][:200]}",
            file=sys.stderr,
        )
    if not args.no_save:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"{time.strftime('%Y%m%dT%H%M%S')}-{run['key']}.json"
        out.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
        print(f"\nsaved {out.relative_to(h.ROOT)}", file=sys.stderr)
    if args.write_docs:
        doc = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
        DOCS.write_text(docs_with_flash(doc, args.db, section))
        print(f"updated {DOCS.relative_to(h.ROOT)} (flash sale, {args.db})", file=sys.stderr)
    if run["invariant_problems"]:
        print(
            "FLASH SALE INVARIANT FAILED:\n  " + "\n  ".join(run["invariant_problems"]),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

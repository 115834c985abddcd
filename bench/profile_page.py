"""Where a storefront page spends its time: py-spy samples one server worker under load.

    .venv/bin/python -m pip install py-spy        # once; not a project dependency
    .venv/bin/python bench/profile_page.py --scenario product
    .venv/bin/python bench/profile_page.py --scenario search --products 100000 --db postgres

The server runs one gunicorn gthread worker with 4 threads (so one process holds every
sample), the page cache is off unless --page-cache-seconds says otherwise, and wrk keeps
4 connections busy for the sampling time. Writes the raw collapsed stacks (feed them to
flamegraph.pl or speedscope) and a text summary to bench/results/profiles/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from duli_bench import harness as h
from duli_bench.profile import summarise, summary_text

OUT_DIR = h.BENCH_DIR / "results" / "profiles"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--scenario", choices=["ceiling", "home", "category", "product", "search"], required=True
    )
    p.add_argument("--products", type=int, default=None)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--pg-db", default=None)
    p.add_argument("--data-root", type=Path, default=Path("/tmp/duli-bench"))
    p.add_argument("--page-cache-seconds", type=int, default=0)
    p.add_argument("--duration", type=int, default=10, help="seconds of sampling")
    p.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    p.add_argument("--timeout", type=float, default=1800.0)
    p.add_argument(
        "--gil", action="store_true", help="sample only the thread holding the GIL (Python CPU)"
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    deadline = h.Deadline(args.timeout)
    py_spy = h.PYTHON.parent / "py-spy"
    if not py_spy.exists():
        print("py-spy is missing: `.venv/bin/python -m pip install py-spy`", file=sys.stderr)
        return 1
    wrk = h.ensure_wrk()
    cat = h.Catalogue(
        db=args.db, products=args.products, data_root=args.data_root, pg_db=args.pg_db
    )
    try:
        env, found = h.prepared(
            cat, page_cache_seconds=args.page_cache_seconds, fresh=False, deadline=deadline
        )
        stamp = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{cat.db}-{cat.label}-{args.scenario}"
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        raw = OUT_DIR / f"{stamp}.collapsed"
        spec = h.ServerSpec(kind="gunicorn", workers=1, threads=4)
        log = OUT_DIR / f"{stamp}-server.log"
        with h.server(spec, env=env, log=log, deadline=deadline) as srv:
            check = h.preflight(srv.base, h.scenario_paths(found)[args.scenario])
            if not check.ok:
                raise h.BenchError(f"no URL answered 200: {check.problems[:3]}")
            unique = "_bench" if args.scenario == "search" else None
            load = functools.partial(
                h.run_wrk,
                wrk,
                srv.base,
                check.ok,
                connections=4,
                threads=1,
                deadline=deadline,
                unique_param=unique,
            )
            load(duration=2)  # warm-up
            worker = subprocess.check_output(["pgrep", "-P", str(srv.pgid)], text=True).split()[0]
            sampler = subprocess.Popen(
                [str(py_spy), "record", "--pid", worker, "--duration", str(args.duration),
                 "--rate", str(args.rate), "--format", "raw", "--output", str(raw),
                 "--nonblocking", *(["--gil"] if args.gil else [])],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
            try:
                result = load(duration=args.duration + 1)
                sampler.wait(timeout=60)
            finally:
                if sampler.poll() is None:
                    h.kill_group(sampler)
    except h.BenchError as exc:
        print(f"profile: {exc}", file=sys.stderr)
        return 1

    text = (
        f"{args.scenario} on {cat.db} ({found['counts']['products']:,} products), page cache "
        f"{args.page_cache_seconds or 'off'}; 1 worker × 4 threads, 4 connections: "
        f"{result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms\n\n"
        + summary_text(summarise(raw.read_text().splitlines()))
    )
    (OUT_DIR / f"{stamp}.txt").write_text(text + "\n")
    print(text)
    print(f"\nsaved {raw.relative_to(h.ROOT)} and its .txt summary", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

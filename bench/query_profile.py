"""The SQL one storefront page runs, slowest first, on a prepared benchmark catalogue.

    .venv/bin/python bench/query_profile.py /categories/dresses/ --products 100000
    .venv/bin/python bench/query_profile.py "/search/?q=dress" --products 100000 --db postgres

Uses the catalogue `bench/run.py` prepared (run that first), renders the page in-process
with Django's test client and the page cache off, once to warm up and then `--repeat`
times, and prints each query of the last rendering with its time. A tool for finding
where a slow page's time goes; it measures nothing for the report.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from duli_bench import harness as h


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("path")
    p.add_argument("--products", type=int, default=None)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--pg-db", default=None)
    p.add_argument("--data-root", type=Path, default=Path("/tmp/duli-bench"))
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--width", type=int, default=400, help="characters of SQL to show")
    p.add_argument("--explain", type=int, default=0, help="print the plan of the N slowest")
    args = p.parse_args(argv)

    cat = h.Catalogue(
        db=args.db, products=args.products, data_root=args.data_root, pg_db=args.pg_db
    )
    if not (cat.data_dir / "bench-prepared.json").exists():
        print(f"no catalogue prepared in {cat.data_dir}: run bench/run.py first", file=sys.stderr)
        return 1
    os.environ.update(
        {
            **cat.env(),
            "DULI_PAGE_CACHE_SECONDS": "0",
            "DULI_ALLOWED_HOSTS": "testserver",
            "DJANGO_SETTINGS_MODULE": h.BENCH_SETTINGS,
        }
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    queries: list[tuple[float, str, Any]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - start, sql, params))

    status = client.get(args.path).status_code
    totals = []
    for _ in range(args.repeat):
        queries.clear()
        with connection.execute_wrapper(timed):
            start = time.perf_counter()
            client.get(args.path)
            totals.append(time.perf_counter() - start)
    sql_ms = sum(q[0] for q in queries) * 1000
    best = min(totals) * 1000
    print(
        f"{args.path} on {cat.db}-{cat.label}: HTTP {status}, best of {args.repeat}: "
        f"{best:.1f} ms, {len(queries)} queries taking {sql_ms:.1f} ms "
        f"(Python {max(0.0, best - sql_ms):.1f} ms)"
    )
    slowest = sorted(queries, key=lambda q: q[0], reverse=True)
    for duration, sql, _params in slowest[: args.top]:
        print(f"{duration * 1000:9.2f} ms  {sql[: args.width]}")
    for duration, sql, params in slowest[: args.explain]:
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        with connection.cursor() as cursor:
            cursor.execute(explain + sql, params)
            plan = "\n".join("  " + " ".join(str(c) for c in row) for row in cursor.fetchall())
        print(f"\n--- plan of the {duration * 1000:.0f} ms query:\n{sql}\n{plan}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

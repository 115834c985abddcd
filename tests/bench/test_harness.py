"""The benchmark harness's pure parts: reading wrk's output and writing the report.
Nothing here times anything; bench/run.py does the measuring."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from duli_bench import report
from duli_bench.profile import summarise
from duli_bench.wrk import duration_ms, encode_path, lua_script, parse_wrk_output

WRK_PLAIN = """\
Running 10s test @ http://127.0.0.1:8000/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.25ms    2.11ms   1.02s    85.00%
    Req/Sec     1.57k   120.00     1.80k    70.00%
  Latency Distribution
     50%  812.00us
     75%   11.00ms
     90%   12.50ms
     99%    1.02s
  31234 requests in 10.01s, 10.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 5
  Non-2xx or 3xx responses: 3
Requests/sec:   3120.45
Transfer/sec:      1.00MB
"""

WRK_WITH_HOOK = (
    WRK_PLAIN + 'DULI_BENCH_JSON {"requests":30000,"duration_us":10000000,"bytes":1,'
    '"errors":{"connect":0,"read":1,"write":0,"status":4,"timeout":0},'
    '"latency_us":{"mean":9500.5,"max":40000,"p50":9000,"p75":10000,'
    '"p90":12000,"p95":15500,"p99":30250}}\n'
)


def test_plain_wrk_output_gives_throughput_and_percentiles_in_ms():
    result = parse_wrk_output(WRK_PLAIN)
    assert (result.requests, result.duration_s, result.rps) == (31234, 10.01, 3120.45)
    assert (result.p50_ms, result.p75_ms, result.p90_ms, result.p99_ms) == (
        pytest.approx(0.812),
        11.0,
        12.5,
        1020.0,
    )
    assert result.p95_ms is None


def test_plain_wrk_output_counts_socket_errors_and_bad_statuses():
    result = parse_wrk_output(WRK_PLAIN)
    assert result.socket_errors == {"connect": 0, "read": 2, "write": 0, "timeout": 5}
    assert result.non_2xx_3xx == 3
    assert result.error_count == 10


def test_lua_hook_line_wins_over_the_table_and_adds_p95():
    result = parse_wrk_output(WRK_WITH_HOOK)
    assert result.requests == 30000
    assert result.rps == 3000.0
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (9.0, 15.5, 30.25)
    assert result.error_count == 5


def test_output_without_a_result_is_an_error():
    with pytest.raises(ValueError, match="no result"):
        parse_wrk_output("unable to connect to 127.0.0.1:1 Connection refused\n")


@pytest.mark.parametrize(
    ("text", "ms"), [("850.00us", 0.85), ("3.50ms", 3.5), ("1.20s", 1200.0), ("2.00m", 120000.0)]
)
def test_wrk_durations_convert_to_milliseconds(text, ms):
    assert duration_ms(text) == pytest.approx(ms)


def test_chinese_query_is_percent_encoded_for_the_request_line():
    assert encode_path("/search/?q=连衣裙") == "/search/?q=%E8%BF%9E%E8%A1%A3%E8%A3%99"


def test_lua_script_lists_every_path_and_prints_p95():
    script = lua_script(["/", "/search/?q=连衣裙"])
    assert '"/search/?q=%E8%BF%9E%E8%A1%A3%E8%A3%99"' in script
    assert "latency:percentile(95)" in script
    assert "string.find(path" not in script


def test_lua_script_can_make_every_request_url_unique():
    script = lua_script(["/search/?q=x"], unique_param="_bench")
    assert "string.find(path" in script
    assert '"&_bench="' in script


def test_lua_script_refuses_an_empty_rotation():
    with pytest.raises(ValueError):
        lua_script([])


def _scenario(name: str, rps: float, p99: float = 20.0, p95: float | None = None) -> dict:
    return {
        "name": name,
        "urls": ["/"],
        "rps": rps,
        "p50_ms": 5.0,
        "p90_ms": 9.0,
        "p95_ms": p95,
        "p99_ms": p99,
        "errors": 0,
    }


def _run(
    scenarios: list[dict], *, products: int = 100_000, connections: int = 32
) -> dict[str, Any]:
    run: dict[str, Any] = {
        "key": "sqlite-100000-cache",
        "started_at": "2026-11-01 10:00 UTC",
        "command": ".venv/bin/python bench/run.py --products 100000",
        "machine": {
            "cores": 2,
            "cpu": "AMD EPYC",
            "memory_gib": 24,
            "python": "3.13.1",
            "django": "6.1.3",
        },
        "server": {"description": "gunicorn 27.0.1, gthread, 2 workers × 4 threads"},
        "load": {
            "tool": "wrk 4.1.0",
            "threads": 2,
            "connections": connections,
            "duration_s": 10,
            "warmup_s": 3,
        },
        "catalogue": {
            "label": "synthetic",
            "db": "sqlite",
            "db_version": "SQLite 3.46",
            "products": products,
            "categories": 40,
            "variants": 300_000,
        },
        "page_cache_seconds": 300,
        "search_cached": "no",
        "scenarios": report.with_ratios(scenarios),
        "notes": [],
    }
    run["checks"] = report.evaluate(run)
    return run


def _check(run: dict, starts: str) -> dict:
    return next(c for c in run["checks"] if c["check"].startswith(starts))


def test_ratio_is_scenario_throughput_over_the_ceiling():
    scenarios = report.with_ratios([_scenario("ceiling", 2000), _scenario("product", 500)])
    assert [s["ratio"] for s in scenarios] == [1.0, 0.25]


def test_ceiling_measured_twice_counts_as_the_mean_and_its_drift_is_reported():
    scenarios = [
        _scenario("ceiling", 2200),
        _scenario("product", 500),
        _scenario("ceiling-end", 1800),
    ]
    assert report.with_ratios(scenarios)[1]["ratio"] == 0.25
    assert report.ceiling_drift(scenarios) == pytest.approx(400 / 2200)


def test_cache_column_tells_hits_misses_and_bypassed_searches():
    rows = [
        {**_scenario("ceiling", 1), "cache_hits_in_preflight": "0/1", "cache_marked": 0},
        {**_scenario("home", 1), "cache_hits_in_preflight": "1/1"},
        {**_scenario("product", 1), "cache_hits_in_preflight": "0/24"},
        {**_scenario("search", 1), "cache_hits_in_preflight": "15/15", "unique_urls": True},
    ]
    table = report.scenario_table(rows)
    assert "| ceiling | 1 | — |" in table
    assert "| home | 1 | hit |" in table
    assert "| product | 1 | miss |" in table
    assert "| search | 1 | bypassed |" in table


def test_product_below_half_the_ceiling_fails_and_category_above_passes():
    run = _run([_scenario("ceiling", 2000), _scenario("product", 900), _scenario("category", 1000)])
    assert _check(run, "product ≥")["passed"] is False
    assert _check(run, "category ≥")["passed"] is True


def test_p99_target_is_not_judged_at_another_connection_count():
    run = _run([_scenario("ceiling", 2000), _scenario("home", 1500, p99=80.0)], connections=64)
    assert _check(run, "home p99")["passed"] is None


def test_p99_over_50_ms_fails_at_32_connections():
    run = _run([_scenario("ceiling", 2000), _scenario("home", 1500, p99=80.0)])
    assert _check(run, "home p99")["passed"] is False


def test_search_p95_target_applies_only_to_a_100k_catalogue():
    scenarios = [_scenario("ceiling", 2000), _scenario("search", 300, p95=30.0)]
    assert _check(_run(scenarios, products=500), "search p95")["passed"] is None
    assert _check(_run(scenarios), "search p95")["passed"] is True


def test_markdown_shows_each_scenario_with_its_ratio_and_the_verdicts():
    run = _run([_scenario("ceiling", 2000), _scenario("product", 900, p95=12.0)])
    text = report.run_markdown(run)
    assert "| product | 1 | — | 900 | 5.0 | 9.0 | 12.0 | 20.0 | 45% | — | 0 |" in text
    assert "| product ≥ 50% of ceiling req/s | 45% | **FAIL** |" in text
    assert "100,000 products" in text


def test_a_scenario_that_could_not_run_says_why():
    table = report.scenario_table(
        [{"name": "search", "urls": ["/s"], "error": "no URL answered 200"}]
    )
    assert "| search | 1 | — | — | — | — | — | — | — | — | no URL answered 200 |" in table


def test_docs_rewrite_replaces_only_the_runs_own_block():
    doc = report.docs_with_run("# Benchmarks\n\nIntro.\n", "a", "### A\nold")
    doc = report.docs_with_run(doc, "b", "### B\nkept")
    doc = report.docs_with_run(doc, "a", "### A\nnew")
    assert "old" not in doc
    assert doc.count("### A") == 1
    assert "### B\nkept" in doc
    assert doc.startswith("# Benchmarks\n\nIntro.\n")


def test_docs_rewrite_keeps_text_after_the_results_section():
    doc = f"# B\n\n{report.RESULTS_START}\n{report.RESULTS_END}\n\n## History\n\nSee git.\n"
    out = report.docs_with_run(doc, "sqlite-demo-cache", "### Demo\nfigures")
    assert out.index("### Demo") < out.index(report.RESULTS_END) < out.index("## History")
    assert out.endswith("## History\n\nSee git.\n")


def test_profile_summary_counts_only_request_samples_and_shortens_paths():
    collapsed = [
        "_worker (t.py:1);get_response (/x/site-packages/django/core/handlers/base.py:142);"
        "product_detail (/work/main/src/duli/storefront/views/product.py:123) 3",
        "_worker (t.py:1);get_response (/x/site-packages/django/core/handlers/base.py:142);"
        "render (/x/site-packages/django/shortcuts.py:27) 1",
        "_worker (t.py:1);wait (threading.py:359) 50",
        "arbiter (gunicorn/arbiter.py:10);run (gunicorn/arbiter.py:20) 7",
    ]
    summary = summarise(collapsed)
    assert summary.samples == 4
    shares = dict(summary.inclusive)
    assert shares["product_detail (duli/storefront/views/product.py:123)"] == 0.75
    assert shares["get_response (django/core/handlers/base.py:142)"] == 1.0


def test_search_queries_timed_alone_are_listed_decoded_with_the_slow_ones_noted():
    run = _run([_scenario("ceiling", 2000)])
    run["search_single_client"] = [
        {"path": "/search/?q=%E8%BF%9E%E8%A1%A3%E8%A3%99", "ms": 1234.4},
        {"path": "/search/?q=dress", "ms": None, "note": "no answer within 30 s"},
    ]
    text = report.run_markdown(run)
    assert "`连衣裙` 1,234, `dress` —. no answer within 30 s." in text

"""wrk as the load generator: the Lua script that rotates URLs, and parsing of what wrk prints.

Everything here is pure (no process, no network) so tests/bench/test_harness.py covers it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from urllib.parse import quote

# The marker the Lua `done()` hook prints before its one-line JSON summary.
JSON_MARKER = "DULI_BENCH_JSON"

_LUA_TEMPLATE = """\
-- Written by bench/duli_bench/wrk.py: rotates through fixed paths, then reports
-- exact percentiles (including p95, which wrk's --latency table lacks) as one JSON line.
local paths = {
%(paths)s
}
local counter = 0

setup = function(thread)
  -- Each wrk thread has its own Lua state; start them at different paths.
  thread:set("offset", counter)
  counter = counter + 7
end

init = function(args)
  counter = offset or 0
end

request = function()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  %(unique)s
  return wrk.format("GET", path, %(headers)s)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "%(marker)s {\\"requests\\":%%d,\\"duration_us\\":%%d,\\"bytes\\":%%d,"
    .. "\\"errors\\":{\\"connect\\":%%d,\\"read\\":%%d,\\"write\\":%%d,\\"status\\":%%d,\\"timeout\\":%%d},"
    .. "\\"latency_us\\":{\\"mean\\":%%.1f,\\"max\\":%%d,\\"p50\\":%%d,\\"p75\\":%%d,"
    .. "\\"p90\\":%%d,\\"p95\\":%%d,\\"p99\\":%%d}}\\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(95), latency:percentile(99)))
end
"""


def _lua_string(value: str) -> str:
    """A Lua string literal; paths are already percent-encoded ASCII, so only quotes matter."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def encode_path(path: str) -> str:
    """Percent-encode non-ASCII (e.g. a Chinese search query) so wrk sends a valid request line."""
    return quote(path, safe="/?&=%:+,;@-._~")


def lua_script(
    paths: Sequence[str],
    headers: dict[str, str] | None = None,
    *,
    unique_param: str | None = None,
) -> str:
    """A wrk Lua script that requests `paths` round-robin and prints a JSON summary at the end.

    With `unique_param`, every request gets `<param>=<thread>-<n>` appended, so no two
    requests share a URL and no page cache keyed on the URL can answer them.
    """
    if not paths:
        raise ValueError("a scenario needs at least one path")
    lines = ",\n".join(f"  {_lua_string(encode_path(p))}" for p in paths)
    if headers:
        table = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
        header_expr = "{" + table + "}"
    else:
        header_expr = "nil"
    unique = ""
    if unique_param:
        sep = _lua_string("&" + unique_param + "=")
        first = _lua_string("?" + unique_param + "=")
        unique = (
            f'path = path .. (string.find(path, "?", 1, true) and {sep} or {first})'
            ' .. (offset or 0) .. "-" .. counter'
        )
    return _LUA_TEMPLATE % {
        "paths": lines,
        "headers": header_expr,
        "unique": unique,
        "marker": JSON_MARKER,
    }


@dataclass(frozen=True, slots=True)
class WrkResult:
    """One wrk run. Latencies in milliseconds; p95 only when the Lua hook reported it."""

    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    p95_ms: float | None = None
    mean_ms: float | None = None
    max_ms: float | None = None
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values())

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"^([\d.]+)(us|ms|s|m|h)$")


def duration_ms(text: str) -> float:
    """wrk's human durations ("812.00us", "10.25ms", "1.02s", "1.50m") in milliseconds."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def _find(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(pattern, text, flags=re.MULTILINE)


def parse_wrk_output(text: str) -> WrkResult:
    """Parse what `wrk --latency` printed, preferring the exact JSON line from our Lua hook.

    Raises ValueError when the output holds no result (wrk failed to connect at all, say).
    """
    table = {
        pct: duration_ms(m.group(1))
        for pct in ("50", "75", "90", "99")
        if (m := _find(rf"^\s+{pct}(?:\.0+)?%\s+(\S+)\s*$", text))
    }
    totals = _find(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m),", text)
    rps_line = _find(r"^Requests/sec:\s+([\d.]+)", text)
    non_2xx = _find(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = _find(r"^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    socket_errors = (
        dict(zip(("connect", "read", "write", "timeout"), map(int, sock.groups()), strict=True))
        if sock
        else {}
    )

    hook = _find(rf"^{JSON_MARKER} (\{{.*\}})\s*$", text)
    if hook:
        data = json.loads(hook.group(1))
        lat = {k: v / 1000.0 for k, v in data["latency_us"].items()}
        duration_s = data["duration_us"] / 1_000_000
        errors = data["errors"]
        return WrkResult(
            requests=data["requests"],
            duration_s=duration_s,
            rps=data["requests"] / duration_s if duration_s else 0.0,
            p50_ms=lat["p50"],
            p75_ms=lat["p75"],
            p90_ms=lat["p90"],
            p95_ms=lat["p95"],
            p99_ms=lat["p99"],
            mean_ms=lat["mean"],
            max_ms=lat["max"],
            non_2xx_3xx=errors["status"],
            socket_errors={k: errors[k] for k in ("connect", "read", "write", "timeout")},
        )

    if not (totals and rps_line and len(table) == 4):
        raise ValueError("wrk printed no result:\n" + text[-2000:])
    return WrkResult(
        requests=int(totals.group(1)),
        duration_s=duration_ms(totals.group(2) + totals.group(3)) / 1000.0,
        rps=float(rps_line.group(1)),
        p50_ms=table["50"],
        p75_ms=table["75"],
        p90_ms=table["90"],
        p99_ms=table["99"],
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=socket_errors,
    )

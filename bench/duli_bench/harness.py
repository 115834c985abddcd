"""The impure half of the harness: prepare a data directory, start and stop the server,
drive wrk. Every child process runs in its own process group and is killed in `finally`."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from duli_bench.wrk import WrkResult, lua_script, parse_wrk_output

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "bench"
PYTHON = ROOT / ".venv" / "bin" / "python"
BENCH_SETTINGS = "duli_bench.settings"
HELLO_PATH = "/__bench__/hello/"


class BenchError(RuntimeError):
    """The run cannot go on; the message says why."""


@dataclass
class Deadline:
    """The whole run's hard time limit; every blocking step asks it how long it may take."""

    seconds: float
    start: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        left = self.seconds - (time.monotonic() - self.start)
        if left <= 0:
            raise BenchError(f"the run passed its hard timeout of {self.seconds:.0f} s")
        return left


# --------------------------------------------------------------------------- environment


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The parent's environment without any DULI_* setting (so a developer's shell cannot
    change what is measured), plus the bench's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DULI_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(BENCH_DIR), os.environ.get("PYTHONPATH", "")) if p
    )
    env["DJANGO_SETTINGS_MODULE"] = BENCH_SETTINGS
    env.update(extra)
    return env


def run_checked(
    cmd: Sequence[str], *, env: Mapping[str, str], deadline: Deadline, what: str
) -> str:
    """Run a command to completion within the deadline; its own process group is killed on
    timeout. Returns stdout; raises BenchError with the output tail on failure."""
    proc = subprocess.Popen(
        list(cmd),
        env=dict(env),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=deadline.remaining())
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{what} did not finish before the hard timeout") from exc
    finally:
        if proc.poll() is None:
            kill_group(proc)
    if proc.returncode != 0:
        raise BenchError(f"{what} failed (exit {proc.returncode}):\n{out[-3000:]}")
    return out


def kill_group(proc: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left after `grace` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=grace)


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("==> installing wrk with apt-get", file=sys.stderr)
        subprocess.run(
            "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk",
            shell=True,
            check=True,
            timeout=600,
        )
        found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk is not installed: `apt-get install wrk` (Debian/Ubuntu)")
    return found


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gib: float | str = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem_gib = round(kb / 1024 / 1024)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": mem_gib,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


def tool_version(cmd: Sequence[str]) -> str:
    try:
        out = subprocess.run(list(cmd), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else "?"


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Catalogue:
    db: str  # sqlite | postgres
    products: int | None  # None: the normal demo shop
    data_root: Path
    pg_db: str | None = None
    pg_base_url: str = "postgres://postgres@127.0.0.1:5432"

    @property
    def label(self) -> str:
        return "demo" if self.products is None else str(self.products)

    @property
    def data_dir(self) -> Path:
        return self.data_root / f"{self.db}-{self.label}"

    @property
    def pg_name(self) -> str:
        return self.pg_db or f"duli_bench_h_{self.label}"

    @property
    def database_url(self) -> str | None:
        return f"{self.pg_base_url}/{self.pg_name}" if self.db == "postgres" else None

    def env(self) -> dict[str, str]:
        env = {
            "DULI_DATA_DIR": str(self.data_dir),
            "DULI_DEBUG": "0",
            "DULI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        if self.database_url:
            env["DULI_DATABASE_URL"] = self.database_url
        return env

    def marker(self) -> dict[str, Any]:
        return {"db": self.db, "products": self.products, "database_url": self.database_url}


def _pg_admin(sql: str, *, env: Mapping[str, str], deadline: Deadline) -> str:
    return run_checked(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", sql],
        env=env,
        deadline=deadline,
        what="psql",
    ).strip()


def _reset_database(cat: Catalogue, *, env: Mapping[str, str], deadline: Deadline) -> None:
    if cat.db == "sqlite":
        return  # the data directory was removed: the SQLite file went with it
    name = cat.pg_name
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', env=env, deadline=deadline)
    _pg_admin(f'CREATE DATABASE "{name}"', env=env, deadline=deadline)


def source_fingerprint() -> str:
    """A digest of every migration and of the demo generator: a catalogue built by other
    code is rebuilt rather than measured."""
    src = ROOT / "src" / "duli"
    files = sorted([*src.glob("*/migrations/0*.py"), *src.glob("demo/*.py")])
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(src)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepare(cat: Catalogue, *, fresh: bool, deadline: Deadline, env: Mapping[str, str]) -> bool:
    """Make the data directory (and database) hold a migrated, filled catalogue.
    Reuses one prepared earlier for the same db and size unless `fresh`. Returns whether it
    was built now."""
    marker = cat.data_dir / "bench-prepared.json"
    manage = [str(PYTHON), "-m", "duli.manage"]
    spec = {**cat.marker(), "source": source_fingerprint()}
    built = json.loads(marker.read_text()) if marker.exists() else {}
    if not fresh and built.get("spec") == spec:
        print(f"==> reusing the catalogue prepared in {cat.data_dir}", file=sys.stderr)
        return False
    if built:
        # Migrations or the generator changed: the schema may have gained tables that the
        # generator fills (search index, facets), so only a rebuild matches the new code.
        print(
            "==> migrations or the demo generator changed since the catalogue was built",
            file=sys.stderr,
        )

    print(f"==> preparing a fresh catalogue in {cat.data_dir}", file=sys.stderr)
    if cat.data_dir.exists():
        shutil.rmtree(cat.data_dir)
    cat.data_dir.mkdir(parents=True)
    _reset_database(cat, env=env, deadline=deadline)
    run_checked(
        [*manage, "migrate", "--noinput", "-v0"], env=env, deadline=deadline, what="migrate"
    )
    demo = [*manage, "demo_data"]
    if cat.products is not None:
        demo += ["--products", str(cat.products)]
    started = time.monotonic()
    run_checked(demo, env=env, deadline=deadline, what=" ".join(demo[2:]))
    marker.write_text(
        json.dumps({"spec": spec, "seconds": round(time.monotonic() - started, 1)}, indent=2)
    )
    return True


def collectstatic(*, env: Mapping[str, str], deadline: Deadline) -> None:
    run_checked(
        [str(PYTHON), "-m", "duli.manage", "collectstatic", "--noinput", "-v0"],
        env=env,
        deadline=deadline,
        what="collectstatic",
    )


def discover(*, env: Mapping[str, str], deadline: Deadline) -> dict[str, Any]:
    out = run_checked(
        [str(PYTHON), "-m", "duli_bench.discover"], env=env, deadline=deadline, what="discover"
    )
    return json.loads(out.strip().splitlines()[-1])


def prepared(
    cat: Catalogue, *, page_cache_seconds: int | None, fresh: bool, deadline: Deadline
) -> tuple[dict[str, str], dict[str, Any]]:
    """Prepare (or reuse) the catalogue, collect static files and read what to request.
    Returns the server's environment and the discovered URLs and facts."""
    extra = cat.env()
    if page_cache_seconds is not None:
        extra["DULI_PAGE_CACHE_SECONDS"] = str(page_cache_seconds)
    env = clean_env(extra)
    prepare(cat, fresh=fresh, deadline=deadline, env=env)
    collectstatic(env=env, deadline=deadline)
    found = discover(env=env, deadline=deadline)
    if not found["counts"]["products"]:
        raise BenchError("the prepared catalogue has no visible product; try --fresh")
    return env, found


# Searches a shopper would type, in both shipped languages; words from real product names
# and SKUs are added so that most queries have hits whatever the generator wrote.
BASE_QUERIES = ["dress", "连衣裙", "shirt", "衬衫", "shoes", "bag"]


def scenario_paths(found: Mapping[str, Any]) -> dict[str, list[str]]:
    words = found["words"]
    queries = list(dict.fromkeys([*BASE_QUERIES, *words["en"], *words["zh"], *found["skus"]]))
    return {
        "ceiling": [HELLO_PATH],
        "home": [found["home"]],
        "category": list(found["categories"]),
        "product": list(found["products"]),
        "search": [f"{found['search']}?q={quote(q)}" for q in queries],
    }


# --------------------------------------------------------------------------- server


@dataclass(frozen=True)
class ServerSpec:
    kind: str  # gunicorn | granian
    workers: int
    threads: int

    def describe(self, version: str) -> str:
        if self.kind == "gunicorn":
            return (
                f"{version}, worker class gthread, {self.workers} workers × {self.threads} threads, "
                "keep-alive 5 s, DULI_DEBUG off, WSGI app duli.conf.wsgi"
            )
        return (
            f"{version}, WSGI interface, {self.workers} workers × {self.threads} blocking "
            "threads, DULI_DEBUG off, WSGI app duli.conf.wsgi"
        )

    def command(self, port: int, log: Path) -> list[str]:
        venv_bin = PYTHON.parent
        if self.kind == "gunicorn":
            return [
                str(venv_bin / "gunicorn"),
                "duli.conf.wsgi:application",
                "--pythonpath",
                str(BENCH_DIR),
                "--bind",
                f"127.0.0.1:{port}",
                "--worker-class",
                "gthread",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--keep-alive",
                "5",
                "--backlog",
                "2048",
                "--worker-tmp-dir",
                "/dev/shm" if Path("/dev/shm").is_dir() else tempfile.gettempdir(),
                "--no-control-socket",
                "--log-level",
                "warning",
                "--error-logfile",
                str(log),
            ]
        granian = venv_bin / "granian"
        if not granian.exists():
            raise BenchError(
                "granian is not installed in .venv: `.venv/bin/python -m pip install granian`"
            )
        return [
            str(granian),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(self.workers),
            "--blocking-threads",
            str(self.threads),
            "--no-ws",
            "--log-level",
            "warning",
            "duli.conf.wsgi:application",
        ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def group_cpu_seconds(pgid: int) -> float:
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # Fields after the command name, which is in parentheses and may hold spaces.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:  # field 5: pgrp
                ticks += int(fields[11]) + int(fields[12])  # fields 14, 15: utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def load_average() -> float:
    return os.getloadavg()[0]


def wait_quiet(*, max_load: float, wait: float, deadline: Deadline) -> float:
    """Wait up to `wait` seconds for the 1-minute load average to drop to `max_load` (other
    work on the machine skews every figure). Returns the load average when done."""
    limit = time.monotonic() + min(wait, max(0.0, deadline.remaining() - 120))
    load = load_average()
    announced = False
    while load > max_load and time.monotonic() < limit:
        if not announced:
            print(f"==> waiting for the machine to quieten (load {load:.2f})", file=sys.stderr)
            announced = True
        time.sleep(5)
        load = load_average()
    return load


class Server:
    """The server under test: started in its own process group on a free port, answering
    the ceiling view before `__enter__` returns, the whole group killed on `__exit__`.
    `restart()` replaces a server that is still chewing on a slow scenario's requests."""

    def __init__(
        self, spec: ServerSpec, *, env: Mapping[str, str], log: Path, deadline: Deadline
    ) -> None:
        self.spec, self.env, self.log, self.deadline = spec, env, log, deadline
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = ""

    @property
    def pgid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by every process of the server's group:
        divided by requests served it gives a cost per request that does not depend on how
        busy the rest of the machine is."""
        return group_cpu_seconds(self.pgid)

    def start(self) -> None:
        port = free_port()
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log_file:
            self.proc = subprocess.Popen(
                self.spec.command(port, self.log),
                env=dict(self.env),
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.base = f"http://127.0.0.1:{port}"
        _wait_ready(self.base, self.proc, log=self.log, deadline=self.deadline)

    def stop(self) -> None:
        if self.proc is not None:
            kill_group(self.proc)
            self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> Server:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


server = Server


def settle(base: str, *, deadline: Deadline, limit: float = 60.0) -> float:
    """Wait until the server answers the ceiling view again: a slow scenario leaves requests
    queued in the server after wrk stops, and they must not be billed to the next one.
    Returns the seconds waited."""
    start = time.monotonic()
    end = start + min(limit, max(1.0, deadline.remaining() - 60))
    while time.monotonic() < end:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + HELLO_PATH, timeout=5).status_code == 200:
                return time.monotonic() - start
        time.sleep(0.5)
    raise BenchError(f"the server stayed busy for {limit:.0f} s after the previous scenario")


def _wait_ready(base: str, proc: subprocess.Popen[bytes], *, log: Path, deadline: Deadline) -> None:
    limit = time.monotonic() + min(60.0, deadline.remaining())
    while time.monotonic() < limit:
        if proc.poll() is not None:
            raise BenchError(f"the server exited early:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + HELLO_PATH, timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise BenchError(f"the server did not answer within 60 s:\n{log.read_text()[-3000:]}")


# --------------------------------------------------------------------------- load


@dataclass
class Preflight:
    ok: list[str] = field(default_factory=list)  # final paths that answered 200
    problems: list[str] = field(default_factory=list)
    cache_hits: int = 0  # of the ok paths, how many the page cache answered the second time
    cache_marked: int = 0  # how many carried an X-Duli-Cache header at all (cacheable pages)


def preflight(base: str, paths: Sequence[str]) -> Preflight:
    """GET every path twice (following redirects, e.g. to a language prefix): the first
    checks it answers 200, the second whether the page cache answers it (X-Duli-Cache)."""
    result = Preflight()
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as client:
        for path in paths:
            try:
                resp = client.get(path)
                again = client.get(path)
            except httpx.HTTPError as exc:
                result.problems.append(f"{path}: {exc.__class__.__name__}")
                continue
            if resp.status_code != 200:
                result.problems.append(f"{path}: HTTP {resp.status_code}")
                continue
            result.ok.append(resp.url.raw_path.decode("ascii"))
            result.cache_hits += again.headers.get("X-Duli-Cache") == "hit"
            result.cache_marked += "X-Duli-Cache" in again.headers
    return result


def run_wrk(
    wrk: str,
    base: str,
    paths: Sequence[str],
    *,
    duration: float,
    connections: int,
    threads: int,
    deadline: Deadline,
    headers: dict[str, str] | None = None,
    unique_param: str | None = None,
) -> WrkResult:
    """One bounded wrk run over `paths`, round-robin."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(paths, headers, unique_param=unique_param))
    try:
        seconds = max(1, round(duration))
        if seconds + 30 > deadline.remaining():
            raise BenchError("not enough time left before the hard timeout for another scenario")
        cmd = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            script.name,
            base + paths[0],
        ]
        out = run_checked(cmd, env=os.environ, deadline=deadline, what="wrk")
        return parse_wrk_output(out)
    finally:
        os.unlink(script.name)


def single_client_latency(
    base: str, paths: Sequence[str], *, budget: float, deadline: Deadline, timeout: float = 30.0
) -> list[dict[str, Any]]:
    """Each path requested alone, one after another (no concurrency), with a unique
    parameter so no cache answers: what one shopper waits for each query. Stops when the
    budget is spent; a request slower than `timeout` is reported as such."""
    rows: list[dict[str, Any]] = []
    end = time.monotonic() + min(budget, max(0.0, deadline.remaining() - 60))
    with httpx.Client(base_url=base, timeout=timeout) as client:
        for n, path in enumerate(paths):
            if time.monotonic() >= end:
                rows.append({"path": path, "ms": None, "note": "not run: time budget spent"})
                continue
            sep = "&" if "?" in path else "?"
            start = time.perf_counter()
            try:
                resp = client.get(f"{path}{sep}_bench=single-{n}-{time.time_ns()}")
            except httpx.TimeoutException:
                rows.append({"path": path, "ms": None, "note": f"no answer within {timeout:.0f} s"})
                continue
            ms = (time.perf_counter() - start) * 1000
            rows.append({"path": path, "ms": ms, "status": resp.status_code})
    return rows

"""The flash sale's load generator: many shoppers, one cookie jar each, released at the same
moment, each running the whole checkout over real HTTP.

    GET  /cart/count/             the CSRF cookie (what a product page's script asks
                                  for first: cached pages carry no token, and an empty
                                  cart page has no form, so it sets none either)
    POST /cart/add/               variant, quantity=1 (JSON; 409 out_of_stock when sold out)
    POST /checkout/information/   email + shipping address → 302 /checkout/shipping/
    POST /checkout/shipping/      method → 302 /checkout/payment/
    GET  /checkout/payment/       the hidden checkout_id
    POST /checkout/place/         → 302 /orders/<number>/thank-you/, or → 302 /cart/ with
                                  "… is sold out." / "Only N left …"
    GET  the page it redirected to (the thank-you page, or the cart with its message)

A step that sends the shopper back to the cart (the item sold out while they typed their
address) ends the journey the same way: the cart page must say why.

Each shopper ends with one outcome: `ordered`, `sold_out_add` (told at add-to-cart),
`sold_out_steps` (sent back to the cart during the checkout steps), `sold_out_place` (told
when placing) or `error` (anything else: its step, status and a body snippet are kept).

Imports nothing from Django: it runs in the bench's parent process or in a test, never in
the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import math
import os
import re
import shutil
import ssl
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from duli_bench import harness as h

OUTCOMES = ("ordered", "sold_out_add", "sold_out_steps", "sold_out_place", "error")
OUT_OF_STOCK = re.compile(r"is sold out\.|Only \d+ left of")  # OutOfStock's message
SOLD_OUT_LINE = re.compile(r"Sold out")  # a cart line's note
NOTICE = re.compile(r'<li class="notice[^"]*">(.*?)</li>', re.DOTALL)
CHECKOUT_ID = re.compile(r'name="checkout_id" value="([^"]+)"')
THANK_YOU = re.compile(r"/orders/([^/]+)/thank-you/$")
ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "street_address_1": "1600 Amphitheatre Pkwy",
    "city": "Mountain View",
    "country_area": "CA",
    "postal_code": "94043",
    "country": "US",
}


@dataclass
class Journey:
    """What happened to one shopper."""

    shopper: int
    outcome: str = "error"
    step: str = ""  # the step the journey ended at
    status: int | None = None
    detail: str = ""  # the message shown, or a body snippet for an error
    order: str = ""
    requests: int = 0
    cut: list[str] = field(default_factory=list)  # steps whose connection broke
    place_ms: list[float] = field(default_factory=list)  # each POST /checkout/place/
    first_place_at: float | None = None
    end: float = 0.0


@dataclass
class Target:
    """Where the server is: mutable, so a restarted server on another port is found."""

    base: str


RetryHook = Callable[[str, BaseException], Awaitable[bool]]
"""Called with the step and the error when a request's connection breaks; returns whether
to send it again (after waiting for the server to come back). None: the journey ends."""


class _Ended(Exception):
    """The journey is over (see the Journey's outcome)."""


@dataclass
class FlashLoad:
    """One flash sale's load: `shoppers` concurrent journeys for `variant_id`."""

    target: Target
    variant_id: int
    shipping_method_id: int
    shoppers: int
    timeout: float = 120.0  # the whole load, seconds
    request_timeout: float = 60.0
    retry: RetryHook | None = None
    on_response: Callable[[str, Journey], None] | None = None
    in_flight: dict[str, int] = field(default_factory=dict)  # step → requests on the wire

    # ------------------------------------------------------------------ one shopper

    async def _send(
        self,
        client: httpx.AsyncClient,
        j: Journey,
        step: str,
        method: str,
        path: str,
        *,
        data: Mapping[str, str] | None = None,
        json_reply: bool = False,
    ) -> httpx.Response:
        headers = {"Accept": "application/json"} if json_reply else {}
        if method == "POST":
            headers["X-CSRFToken"] = client.cookies.get("csrftoken") or ""
        while True:
            self.in_flight[step] = self.in_flight.get(step, 0) + 1
            j.requests += 1
            start = time.perf_counter()
            try:
                resp = await client.request(
                    method, self.target.base + path, data=data, headers=headers
                )
            except httpx.TransportError as exc:
                j.cut.append(step)
                if self.retry is not None and await self.retry(step, exc):
                    if step == "add" and await self._already_added(client, j):
                        return httpx.Response(200, json={"count": 1, "message": "retried"})
                    continue
                j.step, j.detail = step, f"{exc.__class__.__name__}: {exc}"[:300]
                raise _Ended() from exc
            finally:
                self.in_flight[step] -= 1
            if step == "place":
                j.place_ms.append((time.perf_counter() - start) * 1000)
            if self.on_response is not None:
                self.on_response(step, j)
            return resp

    async def _already_added(self, client: httpx.AsyncClient, j: Journey) -> bool:
        """After a broken add-to-cart: did the server add it before the break? (Adding
        again would put two units in the cart.)"""
        j.requests += 1
        with contextlib.suppress(httpx.HTTPError, ValueError):
            resp = await client.get(self.target.base + "/cart/count/")
            return bool(resp.json().get("count"))
        return False

    def _error(self, j: Journey, step: str, resp: httpx.Response) -> _Ended:
        j.outcome, j.step, j.status = "error", step, resp.status_code
        location = resp.headers.get("Location", "")
        snippet = re.sub(r"\s+", " ", resp.text)[:300]
        j.detail = f"→ {location} {snippet}" if location else snippet
        return _Ended()

    async def _back_to_cart(
        self, client: httpx.AsyncClient, j: Journey, step: str, resp: httpx.Response, outcome: str
    ) -> _Ended:
        """The shopper was sent to the cart: read why. Sold out is a proper outcome."""
        page = await self._send(client, j, step + ":cart", "GET", "/cart/")
        notices = [
            html.unescape(re.sub(r"<[^>]+>", "", n)).strip() for n in NOTICE.findall(page.text)
        ]
        shown = " | ".join(notices)
        # Placing must say why (OutOfStock's message); a step shows the line as sold out.
        told = OUT_OF_STOCK.search(shown) if step == "place" else SOLD_OUT_LINE.search(page.text)
        if page.status_code == 200 and told:
            j.outcome, j.step, j.status, j.detail = outcome, step, resp.status_code, shown
            return _Ended()
        j.outcome, j.step, j.status = "error", step, resp.status_code
        j.detail = "sent to the cart: " + (shown or re.sub(r"\s+", " ", page.text)[:300])
        return _Ended()

    async def _redirect(
        self, client: httpx.AsyncClient, j: Journey, step: str, resp: httpx.Response, to: str
    ) -> None:
        """A step's POST must redirect to `to`; a redirect to the cart is a sell-out."""
        where = urlsplit(resp.headers.get("Location", "")).path
        if resp.status_code == 302 and where == to:
            return
        if resp.status_code == 302 and where == "/cart/":
            raise await self._back_to_cart(client, j, step, resp, "sold_out_steps")
        raise self._error(j, step, resp)

    async def journey(self, client: httpx.AsyncClient, j: Journey, go: asyncio.Event) -> None:
        await go.wait()
        try:
            await self._journey(client, j)
        except _Ended:
            pass
        except Exception as exc:  # e.g. the retry hook gave up waiting: keep why
            j.outcome, j.detail = "error", f"{exc.__class__.__name__}: {exc}"[:300]
        finally:
            j.end = time.perf_counter()

    async def _journey(self, client: httpx.AsyncClient, j: Journey) -> None:
        resp = await self._send(client, j, "token", "GET", "/cart/count/", json_reply=True)
        if resp.status_code != 200 or "csrftoken" not in client.cookies:
            raise self._error(j, "token", resp)

        resp = await self._send(
            client,
            j,
            "add",
            "POST",
            "/cart/add/",
            data={"variant": str(self.variant_id), "quantity": "1"},
            json_reply=True,
        )
        if resp.status_code == 409 and _json(resp).get("code") == "out_of_stock":
            j.outcome, j.step, j.status = "sold_out_add", "add", 409
            j.detail = str(_json(resp).get("message", ""))
            raise _Ended()
        if resp.status_code != 200:
            raise self._error(j, "add", resp)

        info = {
            "email": f"shopper{j.shopper}@example.com",
            "address_choice": "new",
            "billing_same": "1",
            **{f"shipping-{k}": v for k, v in ADDRESS.items()},
        }
        resp = await self._send(
            client, j, "information", "POST", "/checkout/information/", data=info
        )
        await self._redirect(client, j, "information", resp, "/checkout/shipping/")

        resp = await self._send(
            client,
            j,
            "shipping",
            "POST",
            "/checkout/shipping/",
            data={"method": str(self.shipping_method_id)},
        )
        await self._redirect(client, j, "shipping", resp, "/checkout/payment/")

        resp = await self._send(client, j, "payment", "GET", "/checkout/payment/")
        if resp.status_code == 302 and urlsplit(resp.headers.get("Location", "")).path == "/cart/":
            raise await self._back_to_cart(client, j, "payment", resp, "sold_out_steps")
        found = CHECKOUT_ID.search(resp.text)
        if resp.status_code != 200 or found is None:
            raise self._error(j, "payment", resp)

        j.first_place_at = time.perf_counter()
        resp = await self._send(
            client,
            j,
            "place",
            "POST",
            "/checkout/place/",
            data={"checkout_id": found.group(1), "payment_method": "bank_transfer", "note": ""},
        )
        where = urlsplit(resp.headers.get("Location", "")).path
        placed = THANK_YOU.search(where) if resp.status_code == 302 else None
        if placed is None:
            if resp.status_code == 302 and where == "/cart/":
                raise await self._back_to_cart(client, j, "place", resp, "sold_out_place")
            raise self._error(j, "place", resp)
        page = await self._send(client, j, "thank-you", "GET", where)
        if page.status_code != 200:
            raise self._error(j, "thank-you", page)
        j.outcome, j.step, j.status, j.order = "ordered", "place", 302, placed.group(1)

    # ------------------------------------------------------------------ the crowd

    async def run(self, *, started: Callable[[], None] | None = None) -> LoadResult:
        """Make every shopper's client first, then release them all at once. `started` is
        called right after the release (a test's kill timer hooks in there)."""
        journeys = [Journey(shopper=i) for i in range(self.shoppers)]
        go = asyncio.Event()
        limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
        timeout = httpx.Timeout(self.request_timeout, connect=self.request_timeout)
        tls = ssl.create_default_context()  # plain HTTP; shared so 200 clients start fast
        async with contextlib.AsyncExitStack() as stack:
            clients = [
                await stack.enter_async_context(
                    httpx.AsyncClient(
                        timeout=timeout, limits=limits, follow_redirects=False, verify=tls
                    )
                )
                for _ in journeys
            ]
            tasks = [
                asyncio.create_task(self.journey(c, j, go))
                for c, j in zip(clients, journeys, strict=True)
            ]
            await asyncio.sleep(0.2)  # every task is parked on the event
            release = time.perf_counter()
            go.set()
            if started is not None:
                started()
            _done, pending = await asyncio.wait(tasks, timeout=self.timeout)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        for task, j in zip(tasks, journeys, strict=True):
            if task in pending:
                j.outcome, j.detail = (
                    "error",
                    f"not finished within the load's {self.timeout:.0f} s",
                )
        return LoadResult(journeys=journeys, release=release, timed_out=len(pending))


def _json(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


# --------------------------------------------------------------------------- results


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) with linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LoadResult:
    journeys: list[Journey]
    release: float
    timed_out: int = 0

    @property
    def wall_seconds(self) -> float:
        return max((j.end for j in self.journeys), default=self.release) - self.release

    def count(self, outcome: str) -> int:
        return sum(1 for j in self.journeys if j.outcome == outcome)

    @property
    def outcomes(self) -> dict[str, int]:
        return {o: self.count(o) for o in OUTCOMES}

    @property
    def errors(self) -> list[Journey]:
        return [j for j in self.journeys if j.outcome == "error"]

    @property
    def cut(self) -> list[str]:
        return [step for j in self.journeys for step in j.cut]

    def summary(self) -> dict[str, Any]:
        """The figures: checkouts/s is finished journeys (ordered or told sold out, never
        errors) over the wall time from the release to the last response; placements/s is
        POST /checkout/place/ answers over the time from the first one sent to the last
        answered."""
        wall = self.wall_seconds
        place = [ms for j in self.journeys for ms in j.place_ms]
        placing = [j for j in self.journeys if j.first_place_at is not None]
        place_span = (
            max(j.end for j in placing) - min(j.first_place_at or 0 for j in placing)
            if placing
            else 0.0
        )
        finished = len(self.journeys) - self.count("error")
        requests = sum(j.requests for j in self.journeys)
        return {
            "shoppers": len(self.journeys),
            "outcomes": self.outcomes,
            "orders": sorted(j.order for j in self.journeys if j.order),
            "wall_seconds": round(wall, 3),
            "checkouts_per_second": round(finished / wall, 1) if wall else None,
            "orders_per_second": round(self.count("ordered") / wall, 1) if wall else None,
            "placements": len(place),
            "placements_per_second": round(len(place) / place_span, 1) if place_span else None,
            "place_ms": {
                f"p{q}": None if (v := percentile(place, q)) is None else round(v, 1)
                for q in (50, 95, 99)
            }
            | {"max": round(max(place), 1) if place else None},
            "requests": requests,
            "requests_per_second": round(requests / wall, 1) if wall else None,
            "timed_out": self.timed_out,
            "cut_connections": self.cut,
            "errors": [
                {"shopper": j.shopper, "step": j.step, "status": j.status, "detail": j.detail}
                for j in self.errors
            ],
            "sold_out_messages": sorted(
                {j.detail for j in self.journeys if j.outcome.startswith("sold_out")}
            ),
        }


def invariant_problems(
    summary: Mapping[str, Any], audit: Mapping[str, Any], *, units: int
) -> list[str]:
    """Why a flash sale of `units` units failed, as sentences (empty: it held). The audit is
    `duli_bench.flash_shop.stock_audit(variant_id=…)` after the load."""
    problems = list(audit.get("problems", []))
    outcomes = summary["outcomes"]
    if outcomes["ordered"] != units:
        problems.append(f"{outcomes['ordered']} shoppers were told they ordered, not {units}")
    if audit.get("orders_for_variant") != units:
        problems.append(f"{audit.get('orders_for_variant')} orders in the database, not {units}")
    if audit.get("units_ordered") != units:
        problems.append(f"{audit.get('units_ordered')} units ordered, not {units}")
    stock = audit.get("stock", {})
    if (stock.get("on_hand"), stock.get("reserved")) != (units, units):
        problems.append(
            f"stock after: {stock.get('on_hand')} on hand, {stock.get('reserved')} reserved "
            f"(expected {units} and {units})"
        )
    if outcomes["error"]:
        problems.append(f"{outcomes['error']} shopper(s) ended with an error")
    return problems


def run_load(load: FlashLoad, *, started: Callable[[], None] | None = None) -> LoadResult:
    return asyncio.run(load.run(started=started))


def journeys_json(result: LoadResult) -> list[dict[str, Any]]:
    return [asdict(j) for j in result.journeys]


# --------------------------------------------------------------------------- a test server


def database_url(db: Mapping[str, Any]) -> str:
    """A DULI_DATABASE_URL for a Django DATABASES entry (the test database, say)."""
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


def server_env(
    *, database_url: str, data_dir: Path, static_root: Path | None = None, tasks: str = "database"
) -> dict[str, str]:
    """The production settings (the bench's: Duli's plus the ceiling view the harness waits
    for), DEBUG off, against `database_url`."""
    env = {
        "DULI_DATA_DIR": str(data_dir),
        "DULI_DATABASE_URL": database_url,
        "DULI_DEBUG": "0",
        "DULI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DULI_TASKS_BACKEND": tasks,
    }
    if static_root is not None:
        env["DULI_STATIC_ROOT"] = str(static_root)
    return h.clean_env(env)


def collected_static(root: Path, *, deadline: h.Deadline) -> Path:
    """Static files collected (with whitenoise's manifest, which DEBUG-off pages need) once
    per version of the sources, under `root`; later calls reuse them."""
    src = h.ROOT / "src" / "duli"
    digest = hashlib.sha256()
    for path in sorted(src.glob("**/static/**/*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(src)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    target = root / digest.hexdigest()[:16]
    if (target / "staticfiles.json").exists():
        return target
    building = root / f"{target.name}.{os.getpid()}.tmp"
    env = server_env(
        database_url="sqlite:///" + str(root / "unused.sqlite3"),
        data_dir=root / "data",
        static_root=building,
    )
    h.collectstatic(env=env, deadline=deadline)
    with contextlib.suppress(OSError):  # another process finished first: keep theirs
        building.rename(target)
    if building.exists():
        shutil.rmtree(building, ignore_errors=True)
    return target


def suite_server_env(*, db: Mapping[str, Any], data_dir: Path) -> dict[str, str]:
    """The environment of a server for a test: the test database `db` (a Django DATABASES
    entry; the test must be transactional so the server sees its data), tasks run at once,
    static files collected once per version of the sources in the temporary directory."""
    static = collected_static(
        Path(tempfile.gettempdir()) / "duli-flash-static", deadline=h.Deadline(120)
    )
    return server_env(
        database_url=database_url(db), data_dir=data_dir, static_root=static, tasks="immediate"
    )


@contextlib.contextmanager
def live_server(
    env: Mapping[str, str], *, log: Path, deadline: h.Deadline, workers: int = 2, threads: int = 4
) -> Iterator[h.Server]:
    """gunicorn (gthread) in its own process group, killed however the block ends."""
    spec = h.ServerSpec(kind="gunicorn", workers=workers, threads=threads)
    with h.server(spec, env=env, log=log, deadline=deadline) as srv:
        yield srv

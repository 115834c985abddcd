"""`python -m duli.manage demo [--host H] [--port P] [--no-serve]` — what `./duli demo` runs.

Migrates, collects static files, builds the demo shop when the shop has no products,
makes sure a staff account exists, then runs the production web server (gunicorn) and the
task worker side by side until Ctrl-C.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from duli.customers.services import staff_user_ensure
from duli.demo.build import shop_has_products

ADMIN_EMAIL = "admin@example.com"
PASSWORD_FILE = "demo-admin-password"  # noqa: S105 - a file name, not a password
STOP_TIMEOUT = 35  # gunicorn's graceful shutdown allows 30 s


def admin_password(data_dir: Path) -> str:
    """The demo admin's password: made once, kept in the data directory readable only by
    its owner, so re-running the demo does not change it."""
    path = data_dir / PASSWORD_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        path.chmod(0o600)
        return path.read_text().strip()
    password = secrets.token_urlsafe(12)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    return password


class Command(BaseCommand):
    help = "Set up and serve the demo shop: migrate, static files, demo data, staff login, servers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--no-serve", action="store_true", help="Set everything up but start no servers."
        )
        parser.add_argument(
            "--small", action="store_true", help="Build a small demo shop (quick; for tests)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir = Path(settings.DULI_DATA_DIR)
        verbosity = options["verbosity"]
        self._step("Applying database migrations")
        call_command(
            "migrate", interactive=False, verbosity=max(verbosity - 1, 0), stdout=self.stdout
        )
        self._step("Collecting static files")
        call_command("collectstatic", interactive=False, verbosity=0, stdout=self.stdout)
        if shop_has_products():
            self._step("The shop already has products; keeping them")
        else:
            self._step("Building the demo shop (this takes a minute or two)")
            call_command("demo_data", small=options["small"], stdout=self.stdout)
        self._step("Making sure the staff account exists")
        password = admin_password(data_dir)
        staff_user_ensure(email=ADMIN_EMAIL, password=password, full_name="Demo admin")
        if options["no_serve"]:
            self._summary(options["host"], options["port"], password, data_dir)
            return
        self._serve(options["host"], options["port"], data_dir, password)

    # ------------------------------------------------------------------ output

    def _step(self, message: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"==> {message}"))
        self.stdout.flush()

    def _summary(self, host: str, port: int, password: str, data_dir: Path) -> None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        base = f"http://{shown}:{port}"
        lines = [
            "",
            "Duli demo shop is ready.",
            f"Storefront: {base}/",
            f"Dashboard:  {base}/dashboard/",
            f"Staff login: {ADMIN_EMAIL} / {password}",
            f"(the password is kept in {data_dir / PASSWORD_FILE})",
        ]
        if shown != host:
            lines.append(
                "Listening on all addresses: add the host names you use to DULI_ALLOWED_HOSTS."
            )
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
        self.stdout.flush()

    # ------------------------------------------------------------------ processes

    def _serve(self, host: str, port: int, data_dir: Path, password: str) -> None:
        env = {**os.environ, "DULI_DATA_DIR": str(data_dir)}
        # Links in emails point at this server unless the operator says otherwise.
        shown = "127.0.0.1" if host == "0.0.0.0" else host  # noqa: S104 - a comparison
        env.setdefault("DULI_SITE_URL", f"http://{shown}:{port}")
        env.setdefault("DJANGO_SETTINGS_MODULE", "duli.conf.settings")
        commands = {
            "web server": [
                sys.executable, "-m", "gunicorn", "duli.conf.wsgi:application",
                "--workers", "2", "--threads", "4", "--worker-class", "gthread",
                "--bind", f"{host}:{port}", "--no-control-socket",
            ],
            "task worker": [sys.executable, "-m", "duli.manage", "db_worker"],
            "housekeeping": [sys.executable, "-m", "duli.manage", "housekeeping", "--every", "60"],
        }  # fmt: skip
        children: dict[str, subprocess.Popen[bytes]] = {}
        stopping: list[int] = []

        def forward(signum: int, _frame: FrameType | None) -> None:
            if not stopping:
                self.stdout.write(f"\nStopping ({signal.Signals(signum).name}) …")
            stopping.append(signum)
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            worker_log = (data_dir / "worker.log").open("ab")
            for name, command in commands.items():
                # The worker logs every task; keep that in a file so the URLs stay readable.
                out = worker_log if name != "web server" else None
                children[name] = subprocess.Popen(  # noqa: S603 - our own argv
                    command, env=env, stdout=out, stderr=out
                )
            self._wait_until_listening(host, port, children)
            self._summary(host, port, password, data_dir)
            self._step(f"Serving; task worker log: {data_dir / 'worker.log'}; press Ctrl-C to stop")
            self._watch(children, stopping)
        finally:
            self._stop_all(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _wait_until_listening(
        self, host: str, port: int, children: dict[str, subprocess.Popen[bytes]]
    ) -> None:
        """Wait (up to 60 s) until the web server accepts connections, so the URLs we print work."""
        target = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children.values()):
                return  # _watch reports which one died
            try:
                with socket.create_connection((target, port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)

    def _watch(self, children: dict[str, subprocess.Popen[bytes]], stopping: list[int]) -> None:
        """Return once asked to stop and every child has ended; fail if one dies unasked."""
        while True:
            if stopping:
                self._stop_all(children)
                self.stdout.write("Stopped.")
                return
            for name, child in children.items():
                code = child.poll()
                if code is None or stopping:
                    continue
                others = [n for n in children if n != name]
                self._stop_all(children)
                raise CommandError(
                    f"The {name} stopped unexpectedly (exit code {code}); "
                    f"stopped the {', '.join(others)} too. See the messages above."
                )
            time.sleep(0.3)

    def _stop_all(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

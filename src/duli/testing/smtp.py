"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, on a free port, in a thread.

    with SmtpServer() as server:
        ...send mail to server.host:server.port...
        [message] = server.wait_for(1)
        assert message.text.startswith("Hello")
        assert server.to("ann@example.com") == [message]

Each received message is parsed (email.policy.default) into a `ReceivedMessage`, an
`email.message.EmailMessage` with the SMTP envelope and its text and HTML parts at hand.
Use the `smtp_server` pytest fixture (duli.testing.pytest_smtp) to point Django's mail at it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from types import TracebackType
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class ReceivedMessage(EmailMessage):
    """A message as the server received it, plus its envelope."""

    envelope_from: str = ""
    envelope_to: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The text/plain body ("" when there is none), decoded, with \n line ends."""
        return self._body("plain")

    @property
    def html(self) -> str:
        """The text/html body ("" when there is none), decoded, with \n line ends."""
        return self._body("html")

    def _body(self, subtype: str) -> str:
        part = self.get_body(preferencelist=(subtype,))
        if part is None or part.get_content_subtype() != subtype:
            return ""
        return str(part.get_content()).replace("\r\n", "\n")  # SMTP sends CRLF


class SmtpServer:
    """Collects every message delivered to it. Thread-safe; start()/stop() or use `with`.

    `refuse` lists recipient addresses the server answers with 550 at RCPT TO, to test
    what happens when a mail server refuses a message.
    """

    host = "127.0.0.1"

    def __init__(self, *, refuse: Iterable[str] = ()) -> None:
        self.refuse = {address.lower() for address in refuse}
        self._messages: list[ReceivedMessage] = []
        self._arrived = threading.Condition()
        self._controller = _FreePortController(self, hostname=self.host, port=0)

    @property
    def port(self) -> int:
        return self._controller.port

    def start(self) -> Self:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def messages(self) -> list[ReceivedMessage]:
        """Every message received so far, oldest first (a copy)."""
        with self._arrived:
            return list(self._messages)

    def to(self, address: str) -> list[ReceivedMessage]:
        """Messages whose envelope included `address` (To, Cc or Bcc)."""
        wanted = address.lower()
        return [m for m in self.messages if wanted in (a.lower() for a in m.envelope_to)]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMessage]:
        """Block until at least `count` messages arrived; AssertionError after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self._messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} message(s) within {timeout}s, got {len(self._messages)}"
                    )
                self._arrived.wait(left)
            return list(self._messages)

    def clear(self) -> None:
        with self._arrived:
            self._messages.clear()

    # aiosmtpd handler hooks -------------------------------------------------------------

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = BytesParser(_class=ReceivedMessage, policy=policy.default).parsebytes(raw)
        assert isinstance(message, ReceivedMessage)
        message.envelope_from = envelope.mail_from or ""
        message.envelope_to = tuple(envelope.rcpt_tos)
        with self._arrived:
            self._messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"


class _FreePortController(Controller):
    """Binds port 0 and reads back the port the OS chose, so parallel test runs never clash."""

    def _create_server(self) -> Any:
        async def create() -> asyncio.AbstractServer:
            server = await self.loop.create_server(
                self._factory_invoker, host=self.hostname, port=self.port, ssl=self.ssl_context
            )
            self.port = server.sockets[0].getsockname()[1]
            return server

        return create()

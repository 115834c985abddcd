"""Domain errors carry a message a shopper or merchant can read (DESIGN rule 2)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused action. `code` is stable for API clients; `message` is for people."""

    code: str = "domain_error"
    status: int = 400

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            **{k: v for k, v in self.context.items() if isinstance(v, str | int | float | bool)},
        }


class NotFound(DomainError):
    code = "not_found"
    status = 404


class InvalidInput(DomainError):
    code = "invalid"

"""Run an action once per idempotency key (DESIGN rule 8, and every merchant action).

    with transaction.atomic():
        done = idempotency_claim(scope=f"order:{order_id}:fulfil", key=key)
        if done is not None:
            return done            # the stored result of the first run
        ...the action...
        idempotency_store(scope=..., key=key, result={"fulfillment_id": f.pk})

The claim inserts the key inside the caller's transaction, so two racing requests with the
same key serialise on the unique index: the loser waits, then sees the winner's row.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from duli.core.errors import InvalidInput
from duli.core.models import IdempotencyKey

_KEY_MAX = 100


def idempotency_claim(*, scope: str, key: str) -> dict[str, Any] | None:
    """Claim `key` in `scope` for this transaction. None: go ahead. A dict: already done,
    and this is what the first run stored."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency_claim must run inside the action's transaction")
    key = (key or "").strip()
    if not key or len(key) > _KEY_MAX:
        raise InvalidInput(gettext("This form has expired. Reload the page and try again."))
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(scope=scope[:80], key=key)
    except IntegrityError:
        row = IdempotencyKey.objects.filter(scope=scope[:80], key=key).first()
        return dict(row.result) if row is not None else {}
    return None


def idempotency_store(*, scope: str, key: str, result: dict[str, Any]) -> None:
    """Record what the first run produced, for replays to return."""
    IdempotencyKey.objects.filter(scope=scope[:80], key=key.strip()).update(result=result)

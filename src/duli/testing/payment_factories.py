"""Gateways switched on for tests, with secrets the test makes up."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from duli.payments.models import PaymentMethod
from duli.payments.services import payment_method_configure

STRIPE_WEBHOOK_SECRET = "whsec_" + secrets.token_urlsafe(24)


def stripe_enabled(**config: str) -> PaymentMethod:
    """Stripe on at checkout, with a made-up API key and webhook secret."""
    return payment_method_configure(
        provider="stripe",
        values={
            "secret_key": "sk_test_" + secrets.token_urlsafe(24),
            "webhook_secret": STRIPE_WEBHOOK_SECRET,
            **config,
        },
        is_enabled=True,
    )


def stripe_event(kind: str, obj: dict[str, Any], *, event_id: str = "") -> bytes:
    """A Stripe event envelope around `obj`, as Stripe posts it."""
    return json.dumps(
        {
            "id": event_id or "evt_" + secrets.token_hex(12),
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "type": kind,
        }
    ).encode()


def stripe_signature(body: bytes, *, secret: str = STRIPE_WEBHOOK_SECRET) -> str:
    """The Stripe-Signature header: HMAC-SHA256 of "<timestamp>.<payload>"."""
    timestamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def stripe_session(
    *, session_id: str, reference: str, amount_minor: int, currency: str = "usd", paid: bool = True
) -> dict[str, Any]:
    """A Checkout Session object as Stripe sends it in events and status answers."""
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_total": amount_minor,
        "currency": currency,
        "client_reference_id": reference,
        "metadata": {"payment_id": reference},
        "mode": "payment",
        "payment_intent": "pi_" + session_id[-20:],
        "payment_status": "paid" if paid else "unpaid",
        "status": "complete" if paid else "open",
    }

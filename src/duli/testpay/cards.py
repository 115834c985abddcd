"""Card numbers: checks, brands and the test cards that choose an outcome."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Outcome = Literal["succeeded", "declined", "insufficient_funds", "authenticate"]


@dataclass(frozen=True, slots=True)
class CardScenario:
    number: str
    outcome: Outcome
    label: str | Promise

    @property
    def display(self) -> str:
        return " ".join(self.number[i : i + 4] for i in range(0, len(self.number), 4))


TEST_CARDS: tuple[CardScenario, ...] = (
    CardScenario("4242424242424242", "succeeded", _("Payment succeeds")),
    CardScenario("4000000000003220", "authenticate", _("Asks for 3-D Secure authentication")),
    CardScenario("4000000000000002", "declined", _("Card is declined")),
    CardScenario("4000000000009995", "insufficient_funds", _("Declined: insufficient funds")),
)
_OUTCOMES = {card.number: card.outcome for card in TEST_CARDS}

_BRANDS = (
    ("amex", re.compile(r"3[47]")),
    ("mastercard", re.compile(r"5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720)")),
    ("visa", re.compile(r"4")),
    ("discover", re.compile(r"6011|65|64[4-9]")),
    ("jcb", re.compile(r"35")),
    ("unionpay", re.compile(r"62")),
    ("diners", re.compile(r"3(0[0-5]|[689])")),
)


def digits_only(value: str) -> str:
    """A card number as typed ("4242 4242-4242 4242") to its digits; other text stays in,
    so the checks below refuse it."""
    return re.sub(r"[\s-]", "", value)


def luhn_valid(number: str) -> bool:
    """The check digit every card number carries."""
    if not number.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def card_number_valid(number: str) -> bool:
    return number.isascii() and 12 <= len(number) <= 19 and luhn_valid(number)


def card_brand(number: str) -> str:
    for brand, prefix in _BRANDS:
        if prefix.match(number):
            return brand
    return "card"


def card_outcome(number: str) -> Outcome:
    """What the simulated bank answers: any valid number not in the table succeeds."""
    return _OUTCOMES.get(number, "succeeded")

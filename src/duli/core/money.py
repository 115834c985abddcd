"""An exact amount of money in one currency. Never built from float (DESIGN rule 4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache

from babel.numbers import format_currency, get_currency_precision


@cache
def currency_places(currency: str) -> int:
    """Minor-unit digits of an ISO 4217 currency: JPY 0, EUR 2, KWD 3."""
    return get_currency_precision(currency)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An exact amount in one ISO 4217 currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, float):
            raise TypeError("use Decimal or str, never float")
        object.__setattr__(self, "amount", Decimal(self.amount))
        object.__setattr__(self, "currency", self.currency.upper())

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        return cls(Decimal(units).scaleb(-currency_places(currency)), currency)

    def _check(self, other: object) -> Money:
        if not isinstance(other, Money) or other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} with {other!r}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._check(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._check(other).amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float):
            raise TypeError("multiply by int or Decimal")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._check(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._check(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._check(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._check(other).amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def rounded(self) -> Money:
        step = Decimal(1).scaleb(-currency_places(self.currency))
        return Money(self.amount.quantize(step, rounding=ROUND_HALF_EVEN), self.currency)

    def to_minor(self) -> int:
        """Integer minor units, what payment gateways want."""
        return int(self.rounded().amount.scaleb(currency_places(self.currency)))

    def split(self, weights: Sequence[int]) -> list[Money]:
        """Spread a non-negative amount over weights, losing no minor unit."""
        if not weights or sum(weights) <= 0:
            raise ValueError("weights must be non-empty with a positive sum")
        total, wsum = self.to_minor(), sum(weights)
        shares = [total * w // wsum for w in weights]
        for i in range(total - sum(shares)):
            shares[i % len(shares)] += 1
        return [Money.from_minor(s, self.currency) for s in shares]

    def format(self, locale: str = "en") -> str:
        return format_currency(self.rounded().amount, self.currency, locale=_babel_locale(locale))

    def __str__(self) -> str:
        return self.format()


def _babel_locale(language: str) -> str:
    """Django language codes (zh-hans) to Babel locales (zh_Hans_CN)."""
    return {"zh-hans": "zh_Hans_CN", "zh-hant": "zh_Hant_TW"}.get(
        language.lower(), language.replace("-", "_")
    )

"""Who did something: a staff member, a shopper, or the system (timelines, audit rows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

ActorKind = Literal["staff", "customer", "system"]


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    user_id: int | None = None
    label: str = ""

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(kind="system", label=label)

    @classmethod
    def customer(cls, *, user_id: int | None = None, email: str = "") -> Actor:
        return cls(kind="customer", user_id=user_id, label=email)

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser | None, *, email: str = "") -> Actor:
        """The actor behind a request: staff, a signed-in shopper, or a guest by email."""
        if user is None or not user.is_authenticated:
            return cls.customer(email=email)
        kind: ActorKind = "staff" if getattr(user, "is_staff", False) else "customer"
        return cls(kind=kind, user_id=user.pk, label=getattr(user, "email", "") or email)

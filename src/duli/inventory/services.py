"""Writes of stock: corrections, reservations for checkouts, sales, expiry, low-stock alerts.

How stock is never oversold (DESIGN rule 7):

* A reservation is a conditional `UPDATE stock SET reserved = reserved + n WHERE on_hand >=
  reserved + n`; the database decides, so there is no read-check-write window.
* Every transaction touches stock rows in ascending primary-key order, and takes the stock
  row before any reservation row, so two checkouts can wait on each other but never
  deadlock.
* Every change to `on_hand` or `reserved` writes a `StockMovement` ledger row in the same
  transaction, and `stock.changed` is published after commit.

Every service owns its transaction and may also run inside a caller's (e.g. order placement).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from duli.catalog.models import ProductVariant
from duli.core.errors import InvalidInput, NotFound
from duli.core.events import event_publish
from duli.core.services import catalog_version_bump
from duli.inventory.errors import OutOfStock, StockBelowReserved
from duli.inventory.models import LowStockAlert, Reservation, Stock, StockMovement, Warehouse
from duli.inventory.selectors import variant_display_name

if TYPE_CHECKING:
    from duli.customers.models import User

# A conditional UPDATE that loses a race re-reads and tries again; past this many losses in
# a row the row counts as having nothing left, which is only ever an under-sale.
_RESERVE_ATTEMPTS = 20
_REASON_MAX = StockMovement._meta.get_field("reason").max_length or 200
_REFERENCE_MAX = Reservation._meta.get_field("reference").max_length or 80


# ---------------------------------------------------------------------------------------------
# Merchant corrections and receipts


def stock_adjust(
    *,
    variant_id: int,
    quantity_delta: int | None = None,
    set_on_hand: int | None = None,
    reason: str,
    actor: User | None = None,
    warehouse_id: int | None = None,
    kind: StockMovement.Kind | None = None,
) -> Stock:
    """Change the units on hand of a variant in one warehouse (the default one if not given).

    Give exactly one of `quantity_delta` (+12 received, -1 broken) or `set_on_hand` (a count).
    The movement is recorded as RECEIVE for a positive delta and ADJUST otherwise, unless
    `kind` says which. Guarantees: the stock row is created when missing; on hand never goes
    below zero nor below the units reserved for checkouts (`StockBelowReserved`); a real
    change writes one ledger row, updates the low-stock alert state and publishes
    `stock.changed`; setting the count it already has changes nothing. A reason is required.
    """
    if (quantity_delta is None) == (set_on_hand is None):
        raise InvalidInput(gettext("Give either a change in quantity or a new count."))
    if quantity_delta is not None and (not _is_int(quantity_delta) or quantity_delta == 0):
        raise InvalidInput(gettext("The change in quantity must be a whole number other than 0."))
    if set_on_hand is not None and (not _is_int(set_on_hand) or set_on_hand < 0):
        raise InvalidInput(gettext("The stock count must be a whole number, 0 or more."))
    if kind is None:
        receiving = quantity_delta is not None and quantity_delta > 0
        kind = StockMovement.Kind.RECEIVE if receiving else StockMovement.Kind.ADJUST
    if kind not in (StockMovement.Kind.RECEIVE, StockMovement.Kind.ADJUST):
        raise InvalidInput(gettext("A stock correction is either a receipt or an adjustment."))
    reason = _clean_text(reason, _REASON_MAX, gettext("reason"))
    if not reason:  # the ledger must say why stock changed by hand
        raise InvalidInput(gettext("Say why the stock changes (e.g. “recount”, “damaged”)."))

    with transaction.atomic():
        variant = _variant_facts([variant_id])[variant_id]
        warehouse = _warehouse_for(warehouse_id)
        stock_id = Stock.objects.get_or_create(variant_id=variant_id, warehouse=warehouse)[0].pk
        before = _StockState.lock(stock_id)
        if quantity_delta is not None:
            delta = quantity_delta
        else:
            assert set_on_hand is not None  # checked above; says so to the type checker
            delta = set_on_hand - before.on_hand
        new_on_hand = before.on_hand + delta
        if new_on_hand < 0:
            raise InvalidInput(
                gettext("Stock cannot go below zero: there are only %(n)d on hand.")
                % {"n": before.on_hand}
            )
        if delta == 0:
            return Stock.objects.get(pk=stock_id)
        # Conditional even under the row lock, so the CHECK constraint is never what refuses.
        changed = Stock.objects.filter(pk=stock_id, reserved__lte=F("on_hand") + delta).update(
            on_hand=F("on_hand") + delta
        )
        if not changed:
            raise StockBelowReserved(
                variant_id=variant_id,
                name=variant_display_name(variant_id=variant_id),
                on_hand=new_on_hand,
                reserved=_StockState.read(stock_id).reserved,
            )
        after = _StockState.read(stock_id)
        StockMovement.objects.create(
            stock_id=stock_id,
            kind=kind,
            on_hand_delta=delta,
            on_hand_after=after.on_hand,
            reserved_after=after.reserved,
            reason=reason,
            actor=actor,
        )
        _low_stock_sync(state=after, variant=variant, available_delta=delta)
        event_publish("stock.changed", variant_ids=[variant_id])
    return Stock.objects.get(pk=stock_id)


# ---------------------------------------------------------------------------------------------
# Reservations: checkout holds, sales, releases


def stock_reserve(
    *,
    lines: Sequence[tuple[int, int]],
    reference: str,
    expires_at: datetime | None = None,
) -> list[Reservation]:
    """Hold units of each `(variant_id, quantity)` line for `reference`, all or nothing.

    Guarantees: no stock row ever has more reserved than on hand, however many checkouts
    race; when any tracked line cannot be met in full, `OutOfStock` names the first such
    variant (lowest id) with the units that are available, and nothing is changed. Lines for
    the same variant are added up. Variants that do not track inventory always succeed and
    get no reservation. A line may be split over several warehouses (one reservation and one
    ledger row per stock row touched). Reservations with `expires_at` are released by
    `reservations_expire` once it has passed; None means they are held until released or
    committed. Returns the reservations made.
    """
    wanted = _merge_lines(lines)
    reference = _clean_reference(reference)
    if expires_at is not None and timezone.is_naive(expires_at):
        raise InvalidInput(gettext("A reservation expiry needs a time zone."))
    if not wanted:
        return []

    with transaction.atomic():
        facts = _variant_facts(list(wanted))
        tracked = {vid: qty for vid, qty in wanted.items() if facts[vid].track_inventory}
        if not tracked:
            return []
        rows = list(
            Stock.objects.filter(variant_id__in=tracked, warehouse__is_active=True)
            .order_by("pk")
            .values_list("pk", "variant_id", "on_hand", "reserved")
        )
        # Fail fast on what is plainly short, before taking any row lock.
        seen: dict[int, int] = dict.fromkeys(tracked, 0)
        for _pk, vid, on_hand, reserved in rows:
            seen[vid] += max(on_hand - reserved, 0)
        for vid in sorted(tracked):
            if seen[vid] < tracked[vid]:
                raise _out_of_stock(vid, available=seen[vid], requested=tracked[vid])

        remaining = dict(tracked)
        taken_by_variant: dict[int, int] = dict.fromkeys(tracked, 0)
        reservations: list[Reservation] = []
        movements: list[StockMovement] = []
        states: list[tuple[_StockState, int]] = []
        for stock_id, vid, on_hand, reserved in rows:  # primary-key order: the lock order
            if remaining[vid] == 0:
                continue
            taken = _reserve_from_row(stock_id, remaining[vid], hint=on_hand - reserved)
            if not taken:
                continue
            remaining[vid] -= taken
            taken_by_variant[vid] += taken
            after = _StockState.read(stock_id)
            states.append((after, taken))
            reservations.append(
                Reservation(
                    reference=reference, stock_id=stock_id, quantity=taken, expires_at=expires_at
                )
            )
            movements.append(
                StockMovement(
                    stock_id=stock_id,
                    kind=StockMovement.Kind.RESERVE,
                    reserved_delta=taken,
                    on_hand_after=after.on_hand,
                    reserved_after=after.reserved,
                    reference=reference,
                )
            )
        for vid in sorted(tracked):
            if remaining[vid]:
                # Another checkout won the race for the last units; the atomic block undoes
                # what this call took. What we managed to take is all there was.
                raise _out_of_stock(vid, available=taken_by_variant[vid], requested=tracked[vid])

        made = Reservation.objects.bulk_create(reservations)
        StockMovement.objects.bulk_create(movements)
        for state, taken in states:
            _low_stock_sync(state=state, variant=facts[state.variant_id], available_delta=-taken)
        event_publish("stock.changed", variant_ids=sorted(tracked))
    return made


def stock_release(*, reference: str) -> int:
    """Give back every active reservation of `reference` (an abandoned or failed checkout).

    Idempotent: releasing again, or releasing what was committed, changes nothing.
    Returns the number of units released.
    """
    with transaction.atomic():
        return _reservations_settle(
            Reservation.objects.filter(reference=reference, status=Reservation.Status.ACTIVE),
            to=Reservation.Status.RELEASED,
            reason="",
        )


def stock_commit(*, reference: str) -> int:
    """Turn the active reservations of `reference` into a sale: each unit leaves both
    `on_hand` and `reserved`, and its reservation becomes COMMITTED.

    Idempotent: committing again changes nothing. Returns the number of units sold.
    """
    with transaction.atomic():
        return _reservations_settle(
            Reservation.objects.filter(reference=reference, status=Reservation.Status.ACTIVE),
            to=Reservation.Status.COMMITTED,
            reason="",
        )


def reservations_expire(*, now: datetime | None = None) -> int:
    """Release every active reservation whose `expires_at` has passed (run on a schedule).

    Safe to run beside checkouts and in several processes at once. Returns the number of
    units released.
    """
    now = now or timezone.now()
    with transaction.atomic():
        return _reservations_settle(
            Reservation.objects.filter(status=Reservation.Status.ACTIVE, expires_at__lte=now),
            to=Reservation.Status.RELEASED,
            reason="expired",
        )


def stock_restock(
    *,
    reference: str,
    lines: Sequence[tuple[int, int]],
    reason: str,
    actor: User | None = None,
) -> int:
    """Put sold units of `reference` back on hand (a cancelled, refunded or returned order).

    Each unit goes back to the stock row its sale came from (the first committed
    reservation of that variant under `reference`), else to the default warehouse. One
    ledger row (RESTOCK) per stock row touched. Returns the units put back.
    """
    wanted = _merge_lines(lines)
    reference = _clean_reference(reference)
    reason = _clean_text(reason, _REASON_MAX, gettext("reason"))
    if not wanted:
        return 0
    with transaction.atomic():
        facts = _variant_facts(list(wanted))
        sold_from = dict(
            Reservation.objects.filter(
                reference=reference,
                status=Reservation.Status.COMMITTED,
                stock__variant_id__in=list(wanted),
            )
            .order_by("-pk")
            .values_list("stock__variant_id", "stock_id")
        )
        targets: list[tuple[int, int, int]] = []  # (stock_id, variant_id, units)
        for vid, qty in wanted.items():
            if not facts[vid].track_inventory:
                continue
            stock_id = (
                sold_from.get(vid)
                or Stock.objects.get_or_create(variant_id=vid, warehouse=_warehouse_for(None))[0].pk
            )
            targets.append((stock_id, vid, qty))
        units = 0
        for stock_id, vid, qty in sorted(targets):  # primary-key order: the lock order
            _StockState.lock(stock_id)
            Stock.objects.filter(pk=stock_id).update(on_hand=F("on_hand") + qty)
            after = _StockState.read(stock_id)
            StockMovement.objects.create(
                stock_id=stock_id,
                kind=StockMovement.Kind.RESTOCK,
                on_hand_delta=qty,
                on_hand_after=after.on_hand,
                reserved_after=after.reserved,
                reference=reference,
                reason=reason,
                actor=actor,
            )
            _low_stock_sync(state=after, variant=facts[vid], available_delta=qty)
            units += qty
        if targets:
            event_publish("stock.changed", variant_ids=sorted({t[1] for t in targets}))
    return units


# ---------------------------------------------------------------------------------------------
# Internals


@dataclass(frozen=True, slots=True)
class _VariantFacts:
    pk: int
    track_inventory: bool
    low_stock_threshold: int


@dataclass(frozen=True, slots=True)
class _StockState:
    pk: int
    variant_id: int
    on_hand: int
    reserved: int
    low_alert_open: bool

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @classmethod
    def read(cls, stock_id: int) -> _StockState:
        return cls._of(Stock.objects.filter(pk=stock_id))

    @classmethod
    def lock(cls, stock_id: int) -> _StockState:
        # A no-op on SQLite, where IMMEDIATE transactions already write one at a time.
        return cls._of(Stock.objects.select_for_update().filter(pk=stock_id))

    @classmethod
    def _of(cls, rows: QuerySet[Stock]) -> _StockState:
        pk, variant_id, on_hand, reserved, alert = rows.values_list(
            "pk", "variant_id", "on_hand", "reserved", "low_alert_open"
        ).get()
        return cls(pk, variant_id, on_hand, reserved, alert)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _clean_text(value: str, max_length: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise InvalidInput(
            gettext("The %(label)s is too long (at most %(n)d characters).")
            % {"label": label, "n": max_length}
        )
    return value


def _clean_reference(reference: str) -> str:
    reference = _clean_text(reference, _REFERENCE_MAX, gettext("reference"))
    if not reference:
        raise InvalidInput(gettext("A reservation needs a reference."))
    return reference


def _merge_lines(lines: Sequence[tuple[int, int]]) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for variant_id, quantity in lines:
        if not _is_int(quantity) or quantity <= 0:
            raise InvalidInput(gettext("Each quantity must be a whole number of 1 or more."))
        wanted[int(variant_id)] = wanted.get(int(variant_id), 0) + quantity
    return wanted


def _variant_facts(variant_ids: list[int]) -> dict[int, _VariantFacts]:
    facts = {
        pk: _VariantFacts(pk, tracked, threshold)
        for pk, tracked, threshold in ProductVariant.objects.filter(pk__in=variant_ids).values_list(
            "pk", "track_inventory", "low_stock_threshold"
        )
    }
    missing = sorted(set(variant_ids) - set(facts))
    if missing:
        raise NotFound(gettext("This product variant no longer exists."), variant_id=missing[0])
    return facts


def _warehouse_for(warehouse_id: int | None) -> Warehouse:
    if warehouse_id is not None:
        warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
        if warehouse is None:
            raise NotFound(gettext("This warehouse no longer exists."), warehouse_id=warehouse_id)
        return warehouse
    warehouse = Warehouse.objects.filter(is_default=True).first()
    if warehouse is None:
        # A fresh shop has no warehouse yet: the first stock entry makes the default one.
        warehouse, _ = Warehouse.objects.get_or_create(
            code="main", defaults={"name": gettext("Main warehouse"), "is_default": True}
        )
    return warehouse


def _reserve_from_row(stock_id: int, need: int, *, hint: int) -> int:
    """Reserve up to `need` units on one stock row with conditional UPDATEs; return how many."""
    available = hint
    for _attempt in range(_RESERVE_ATTEMPTS):
        quantity = min(available, need)
        if quantity <= 0:
            return 0
        if Stock.objects.filter(pk=stock_id, on_hand__gte=F("reserved") + quantity).update(
            reserved=F("reserved") + quantity
        ):
            return quantity
        # Someone reserved in between (PostgreSQL re-checked our WHERE after they committed).
        available = _StockState.read(stock_id).available
    return 0


def _out_of_stock(variant_id: int, *, available: int, requested: int) -> OutOfStock:
    return OutOfStock(
        variant_id=variant_id,
        name=variant_display_name(variant_id=variant_id),
        available=available,
        requested=requested,
    )


def _reservations_settle(
    reservations: QuerySet[Reservation], *, to: Reservation.Status, reason: str
) -> int:
    """Move active reservations to RELEASED or COMMITTED, stock row by stock row.

    Each stock row is locked (in primary-key order) before its reservations are re-read, so
    two settlers of the same reservation cannot both count it.
    """
    candidates = sorted(reservations.values_list("stock_id", "pk"))
    units = 0
    variant_ids: set[int] = set()
    for stock_id, group in groupby(candidates, key=lambda row: row[0]):
        ids = [pk for _stock_id, pk in group]
        before = _StockState.lock(stock_id)
        active = list(
            Reservation.objects.filter(pk__in=ids, status=Reservation.Status.ACTIVE)
            .order_by("pk")
            .values_list("pk", "quantity", "reference")
        )
        if not active:
            continue
        quantity = sum(q for _pk, q, _ref in active)
        sold = to == Reservation.Status.COMMITTED
        kind = StockMovement.Kind.COMMIT if sold else StockMovement.Kind.RELEASE
        Reservation.objects.filter(pk__in=[pk for pk, _q, _ref in active]).update(status=to)
        Stock.objects.filter(pk=stock_id).update(
            on_hand=F("on_hand") - (quantity if sold else 0), reserved=F("reserved") - quantity
        )
        on_hand, reserved = before.on_hand, before.reserved
        movements = []
        for _pk, q, ref in active:  # one ledger row per reservation, so each keeps its reference
            on_hand -= q if sold else 0
            reserved -= q
            movements.append(
                StockMovement(
                    stock_id=stock_id,
                    kind=kind,
                    on_hand_delta=-q if sold else 0,
                    reserved_delta=-q,
                    on_hand_after=on_hand,
                    reserved_after=reserved,
                    reference=ref,
                    reason=reason,
                )
            )
        StockMovement.objects.bulk_create(movements)
        units += quantity
        variant_ids.add(before.variant_id)
        if not sold:
            facts = _variant_facts([before.variant_id])[before.variant_id]
            _low_stock_sync(
                state=_StockState.read(stock_id), variant=facts, available_delta=quantity
            )
    if variant_ids:
        event_publish("stock.changed", variant_ids=sorted(variant_ids))
    return units


def _low_stock_sync(*, state: _StockState, variant: _VariantFacts, available_delta: int) -> None:
    """Raise a low-stock alert once per downward crossing of the threshold; close it when
    stock rises above again, so the next crossing alerts anew. The caller holds the row.

    Shoppers see "sold out" and "only N left" at or below the threshold, so a change on that
    side of it also invalidates cached storefront pages (ADR 0003); changes well above it
    show nothing new and leave the cache alone, so a busy checkout does not empty it."""
    if not variant.track_inventory:
        return
    threshold = variant.low_stock_threshold
    lowered = available_delta < 0
    if min(state.available, state.available - available_delta) <= threshold:
        catalog_version_bump()
    crossed_down = lowered and not state.low_alert_open and state.available <= threshold
    back_above = state.low_alert_open and state.available > threshold
    if crossed_down and Stock.objects.filter(pk=state.pk, low_alert_open=False).update(
        low_alert_open=True
    ):
        alert = LowStockAlert.objects.create(
            stock_id=state.pk, available=state.available, threshold=threshold
        )
        event_publish(
            "stock.low",
            alert_id=alert.pk,
            stock_id=state.pk,
            variant_id=state.variant_id,
            available=state.available,
            threshold=threshold,
        )
    elif back_above and Stock.objects.filter(pk=state.pk, low_alert_open=True).update(
        low_alert_open=False
    ):
        LowStockAlert.objects.filter(stock_id=state.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )

"""Orders: the list (work queues, filters, search, CSV export), the order page and every
merchant action on it.

Each action has its own URL. The order page opens its form in a <dialog> (js/orders.js);
without scripts the link leads to the action's own page, which is also where a refused or
invalid submission comes back with its message and what was typed. Services do the work:
a refusal (`DomainError`) becomes a form error, and nothing is half-done.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from duli.core.actors import Actor
from duli.core.errors import DomainError
from duli.core.money import Money
from duli.dashboard.forms_orders import (
    CancelForm,
    FulfilForm,
    MarkPaidForm,
    NoteForm,
    OrderFilterForm,
    RefundForm,
    ReturnReceiveForm,
    ReturnRefundForm,
    ReturnRejectForm,
    ShippingAddressForm,
    add_domain_error,
)
from duli.dashboard.selectors_orders import orders_for_dashboard, orders_to_handle
from duli.dashboard.views import order_page
from duli.dashboard.views.access import domain_error_message, staff_required
from duli.orders.documents import order_invoice_pdf, order_packing_slip_pdf
from duli.orders.models import Order, Return
from duli.orders.selectors import order_detail, order_timeline, orders_csv_rows
from duli.orders.services import (
    fulfillment_deliver,
    order_cancel,
    order_fulfill,
    order_mark_paid,
    order_note_add,
    order_refund,
    order_shipping_address_update,
    return_approve,
    return_receive,
    return_refund,
    return_reject,
    return_value,
)
from duli.orders.states import ReturnStatus
from duli.shipping.selectors import carrier_choices, shipping_countries

PAGE_SIZE = 25


# ---------------------------------------------------------------- list


@dataclass(frozen=True, slots=True)
class OrderRow:
    order: Order
    name: str


@staff_required
def order_list(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(orders_for_dashboard(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [OrderRow(order=o, name=order_page.customer_name(o)) for o in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    tab_query = query.copy()
    tab_query.pop("queue", None)
    return render(
        request,
        "dashboard/orders/list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "tab_query": tab_query.urlencode(),
            "queues": orders_to_handle(),
            "filtered": any(v for k, v in filters.items() if k != "queue"),
            "nav": "orders",
        },
    )


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv."""

    def write(self, value: str) -> str:
        return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    if value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def _csv_stream(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark, so Excel reads the file as UTF-8 (Chinese names)
    for row in rows:
        yield writer.writerow([_safe_cell(str(cell)) for cell in row])


@staff_required
def order_export(request: HttpRequest) -> HttpResponse:
    """The orders of the current filters as CSV, streamed row by row."""
    filters = OrderFilterForm(request.GET).filters()
    orders = orders_for_dashboard(**filters).prefetch_related("lines").iterator(chunk_size=500)
    response = StreamingHttpResponse(
        _csv_stream(orders_csv_rows(orders)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
    return cast(HttpResponse, response)  # staff_required is typed for HttpResponse views


# ---------------------------------------------------------------- the order page


def _get_order(pk: int) -> Order:
    order = order_detail(order_id=pk)
    if order is None:
        raise Http404
    return order


@staff_required
def order_invoice_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice PDF, in the order's language (as the shopper receives it)."""
    order = _get_order(pk)
    return _pdf(order_invoice_pdf(order=order), f"invoice-{order.number}.pdf")


@staff_required
def order_packing_slip_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The packing slip PDF, in the staff member's language."""
    order = _get_order(pk)
    language = translation.get_language() or order.language
    return _pdf(
        order_packing_slip_pdf(order=order, language=language), f"packing-slip-{order.number}.pdf"
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _forms_for(order: Order, actions: order_page.Actions, lines: list[Any]) -> dict[str, Any]:
    """Unbound forms for the dialogs the order's state offers (1–2 queries: carriers,
    shipping countries)."""
    out: dict[str, Any] = {"note": NoteForm(auto_id="note_%s")}
    if actions.mark_paid:
        out["mark_paid"] = MarkPaidForm(auto_id="paid_%s")
    if actions.fulfil:
        out["fulfil"] = FulfilForm(lines=lines, carriers=carrier_choices(), auto_id="fulfil_%s")
    if actions.cancel:
        out["cancel"] = CancelForm(order=order, auto_id="cancel_%s")
    if actions.refund:
        out["refund"] = RefundForm(order=order, lines=lines, auto_id="refund_%s")
    if actions.edit_address:
        out["address"] = ShippingAddressForm(
            address=order.shipping_address, countries=shipping_countries(), auto_id="addr_%s"
        )
    return out


def _return_forms(rv: order_page.ReturnView, currency: str) -> dict[str, Any]:
    status = rv.rma.status
    if status == ReturnStatus.REQUESTED:
        return {"reject": ReturnRejectForm(auto_id=f"r{rv.rma.pk}_%s")}
    if status == ReturnStatus.APPROVED:
        return {"receive": ReturnReceiveForm(auto_id=f"r{rv.rma.pk}_%s")}
    if status == ReturnStatus.RECEIVED:
        suggested = return_value(return_id=rv.rma.pk)
        return {
            "refund": ReturnRefundForm(
                currency=currency, suggested=suggested, auto_id=f"r{rv.rma.pk}_%s"
            )
        }
    return {}


@staff_required
def order_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(pk)
    language = translation.get_language() or "en"
    lines = list(order.lines.all())
    by_id = {line.pk: line for line in lines}
    payments = list(order.payments.all())
    actions = order_page.order_actions(order, lines, payments)
    returns = order_page.returns(order, by_id)
    for rv in returns:
        rv.forms = _return_forms(rv, order.currency)
    billing_same = not order.billing_address or order.billing_address == order.shipping_address
    return render(
        request,
        "dashboard/orders/detail.html",
        {
            "order": order,
            "lines": lines,
            "units": sum(line.quantity for line in lines),
            "actions": actions,
            "forms": _forms_for(order, actions, lines),
            "customer_name": order_page.customer_name(order),
            "shipping_lines": order_page.address_lines(order.shipping_address),
            "billing_lines": []
            if billing_same
            else order_page.address_lines(order.billing_address),
            "billing_same": billing_same,
            "payment_method": order_page.payment_method_label(order.payment_method),
            "payments": payments,
            "payment_rows": order_page.payment_views(payments),
            "balance_due": order.total - order.paid if order.paid < order.total else None,
            "parcels": order_page.parcels(order, by_id),
            "returns": returns,
            "timeline": order_page.timeline(
                order_timeline(order=order, include_internal=True),
                currency=order.currency,
                language=language,
            ),
            "nav": "orders",
        },
    )


# ---------------------------------------------------------------- actions


@dataclass(frozen=True)
class ActionSpec:
    """How an action's page and dialog look: title, button and the partial with its fields."""

    title: Any
    button: Any
    partial: str
    danger: bool = False


MakeForm = Callable[[Any], forms.BaseForm]
Run = Callable[[Any, Actor], str]


def _handle(
    request: HttpRequest,
    *,
    order: Order,
    spec: ActionSpec,
    make_form: MakeForm,
    run: Run,
    anchor: str = "",
    rma: Return | None = None,
) -> HttpResponse:
    """GET: the action's own page. POST: validate, call the service, and go back to the
    order with a message; invalid or refused, the page comes back with the message (4xx)
    and what was typed (including the idempotency key, so a retry still runs once)."""
    form = make_form(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                message = run(form, Actor.of(request.user))
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status if 400 <= exc.status < 500 else 400
            else:
                messages.success(request, message)
                url = reverse("dashboard:order_detail", kwargs={"pk": order.pk})
                return redirect(url + anchor)
    return render(
        request,
        "dashboard/orders/action.html",
        {"order": order, "rma": rma, "form": form, "spec": spec, "nav": "orders"},
        status=status,
    )


def _order_for_action(pk: int) -> Order:
    order = Order.objects.prefetch_related("lines").filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


def _lang() -> str:
    return translation.get_language() or "en"


MARK_PAID = ActionSpec(
    _lazy("Mark as paid"), _lazy("Mark as paid"), "dashboard/orders/actions/_mark_paid.html"
)
FULFIL = ActionSpec(
    _lazy("Fulfil items"), _lazy("Ship items"), "dashboard/orders/actions/_fulfil.html"
)
CANCEL = ActionSpec(
    _lazy("Cancel order"),
    _lazy("Cancel order"),
    "dashboard/orders/actions/_cancel.html",
    danger=True,
)
REFUND = ActionSpec(
    _lazy("Refund"), _lazy("Refund"), "dashboard/orders/actions/_refund.html", danger=True
)
ADDRESS = ActionSpec(
    _lazy("Edit shipping address"),
    _lazy("Save address"),
    "dashboard/orders/actions/_address.html",
)
RETURN_REJECT = ActionSpec(
    _lazy("Decline return"),
    _lazy("Decline return"),
    "dashboard/orders/actions/_return_reject.html",
    danger=True,
)
RETURN_RECEIVE = ActionSpec(
    _lazy("Receive returned items"),
    _lazy("Mark received"),
    "dashboard/orders/actions/_return_receive.html",
)
RETURN_REFUND = ActionSpec(
    _lazy("Refund return"),
    _lazy("Refund"),
    "dashboard/orders/actions/_return_refund.html",
    danger=True,
)


@staff_required
def order_mark_paid_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_action(pk)

    def run(form: Any, actor: Actor) -> str:
        order_mark_paid(
            order_id=order.pk,
            actor=actor,
            idempotency_key=form.key(),
            reference=form.cleaned_data["reference"].strip(),
        )
        return _("Order %(n)s is marked as paid.") % {"n": order.number}

    return _handle(request, order=order, spec=MARK_PAID, make_form=MarkPaidForm, run=run)


@staff_required
def order_fulfil_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_action(pk)

    def make_form(data: Any) -> FulfilForm:
        return FulfilForm(data, lines=list(order.lines.all()), carriers=carrier_choices())

    def run(form: Any, actor: Actor) -> str:
        parcel = order_fulfill(order_id=order.pk, actor=actor, **form.service_kwargs())
        return _("Parcel %(seq)d is on its way.") % {"seq": parcel.sequence}

    return _handle(request, order=order, spec=FULFIL, make_form=make_form, run=run)


@staff_required
def order_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_action(pk)

    def run(form: Any, actor: Actor) -> str:
        kwargs = form.service_kwargs()
        done = order_cancel(order_id=order.pk, actor=actor, **kwargs)
        if kwargs["refund"] and done.refunded_amount:
            return _("Order %(n)s is cancelled and %(amount)s refunded.") % {
                "n": order.number,
                "amount": done.refunded.format(_lang()),
            }
        return _("Order %(n)s is cancelled.") % {"n": order.number}

    return _handle(
        request,
        order=order,
        spec=CANCEL,
        make_form=lambda data: CancelForm(data, order=order),
        run=run,
    )


@staff_required
def order_refund_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_action(pk)

    def run(form: Any, actor: Actor) -> str:
        kwargs = form.service_kwargs()
        order_refund(order_id=order.pk, actor=actor, **kwargs)
        amount: Money = kwargs["amount"]
        return _("Refunded %(amount)s.") % {"amount": amount.format(_lang())}

    return _handle(
        request,
        order=order,
        spec=REFUND,
        make_form=lambda data: RefundForm(data, order=order, lines=list(order.lines.all())),
        run=run,
    )


@staff_required
def order_address_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_action(pk)

    def make_form(data: Any) -> ShippingAddressForm:
        return ShippingAddressForm(
            data, address=order.shipping_address, countries=shipping_countries()
        )

    def run(form: Any, actor: Actor) -> str:
        order_shipping_address_update(order_id=order.pk, address=form.address(), actor=actor)
        return _("The shipping address is updated.")

    return _handle(request, order=order, spec=ADDRESS, make_form=make_form, run=run)


@staff_required
@require_POST
def order_note_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            order_note_add(
                order_id=pk,
                text=form.cleaned_data["text"],
                actor=Actor.of(request.user),
                idempotency_key=form.key(),
            )
        except DomainError as exc:
            messages.error(request, domain_error_message(exc))
        else:
            messages.success(request, _("Note added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(reverse("dashboard:order_detail", kwargs={"pk": pk}) + "#timeline")


@staff_required
@require_POST
def fulfillment_deliver_view(request: HttpRequest, pk: int, fulfillment_pk: int) -> HttpResponse:
    if not Order.objects.filter(pk=pk, fulfillments__pk=fulfillment_pk).exists():
        raise Http404
    try:
        parcel = fulfillment_deliver(fulfillment_id=fulfillment_pk, actor=Actor.of(request.user))
    except DomainError as exc:
        messages.error(request, domain_error_message(exc))
    else:
        messages.success(
            request, _("Parcel %(seq)d is marked delivered.") % {"seq": parcel.sequence}
        )
    return redirect(reverse("dashboard:order_detail", kwargs={"pk": pk}) + "#parcels")


# ---------------------------------------------------------------- returns


def _return_or_404(pk: int, return_pk: int) -> Return:
    rma = (
        Return.objects.select_related("order")
        .prefetch_related("lines")
        .filter(pk=return_pk, order_id=pk)
        .first()
    )
    if rma is None:
        raise Http404
    return rma


@staff_required
@require_POST
def return_approve_view(request: HttpRequest, pk: int, return_pk: int) -> HttpResponse:
    rma = _return_or_404(pk, return_pk)
    try:
        return_approve(return_id=rma.pk, actor=Actor.of(request.user))
    except DomainError as exc:
        messages.error(request, domain_error_message(exc))
    else:
        messages.success(
            request,
            _("Return R%(seq)d is approved. The shopper can send the items back.")
            % {"seq": rma.sequence},
        )
    return redirect(reverse("dashboard:order_detail", kwargs={"pk": pk}) + "#returns")


@staff_required
def return_reject_view(request: HttpRequest, pk: int, return_pk: int) -> HttpResponse:
    rma = _return_or_404(pk, return_pk)

    def run(form: Any, actor: Actor) -> str:
        return_reject(return_id=rma.pk, actor=actor, note=form.cleaned_data["note"])
        return _("Return R%(seq)d is declined.") % {"seq": rma.sequence}

    return _handle(
        request,
        order=rma.order,
        rma=rma,
        spec=RETURN_REJECT,
        make_form=ReturnRejectForm,
        run=run,
        anchor="#returns",
    )


@staff_required
def return_receive_view(request: HttpRequest, pk: int, return_pk: int) -> HttpResponse:
    rma = _return_or_404(pk, return_pk)

    def run(form: Any, actor: Actor) -> str:
        restock = bool(form.cleaned_data["restock"])
        return_receive(return_id=rma.pk, actor=actor, restock=restock)
        if restock:
            return _("Return R%(seq)d is received and its items are back in stock.") % {
                "seq": rma.sequence
            }
        return _("Return R%(seq)d is received.") % {"seq": rma.sequence}

    return _handle(
        request,
        order=rma.order,
        rma=rma,
        spec=RETURN_RECEIVE,
        make_form=ReturnReceiveForm,
        run=run,
        anchor="#returns",
    )


@staff_required
def return_refund_view(request: HttpRequest, pk: int, return_pk: int) -> HttpResponse:
    rma = _return_or_404(pk, return_pk)

    def make_form(data: Any) -> ReturnRefundForm:
        suggested = return_value(return_id=rma.pk)
        return ReturnRefundForm(data, currency=rma.order.currency, suggested=suggested)

    def run(form: Any, actor: Actor) -> str:
        amount = form.money()
        return_refund(return_id=rma.pk, amount=amount, actor=actor, idempotency_key=form.key())
        return _("Return R%(seq)d is refunded: %(amount)s.") % {
            "seq": rma.sequence,
            "amount": amount.format(_lang()),
        }

    return _handle(
        request,
        order=rma.order,
        rma=rma,
        spec=RETURN_REFUND,
        make_form=make_form,
        run=run,
        anchor="#returns",
    )

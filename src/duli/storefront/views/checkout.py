"""The three checkout steps and placing the order.

Each step is a page at its own URL (the back button works) that saves what was typed on
the checkout with its POST and redirects to the next step (a refresh never re-posts);
its GET pre-fills from the checkout, so going back or reloading loses nothing.

    checkout/               → the first step not done yet
    checkout/information/   1. email + shipping (and billing) address
    checkout/shipping/      2. shipping method
    checkout/payment/       3. payment method, review, note → "Place order"
    checkout/place/         POST only: places the order, then the confirmation page

The place POST carries the checkout id. `order_place` returns the same order for the same
checkout however often it runs, so a double click, a refreshed POST or a second tab all
land on the one confirmation page. An empty cart, or a line that sold out meanwhile, sends
the shopper back to the cart with a message and nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duli.checkout.errors import CheckoutIncomplete, CheckoutNotOpen
from duli.checkout.models import Checkout
from duli.checkout.selectors import Cart, checkout_cart, checkout_get, checkout_shipping_options
from duli.checkout.services import (
    checkout_address_set,
    checkout_payment_method_set,
    checkout_shipping_method_set,
)
from duli.core.actors import Actor
from duli.core.errors import DomainError
from duli.customers.addresses import AddressData
from duli.customers.errors import AddressInvalid, AddressNotFound
from duli.customers.models import Address
from duli.customers.selectors import address_get, addresses_for
from duli.customers.services import address_create
from duli.orders.models import Order
from duli.orders.services import order_place
from duli.orders.states import PaymentStatus
from duli.payments.selectors import PaymentMethodOption, payment_methods_available
from duli.shipping.selectors import ShippingOption, shipping_countries
from duli.storefront.cache import request_shop
from duli.storefront.cart_presenters import CartView, cart_view
from duli.storefront.cart_session import cart_forget, cart_get, order_remember
from duli.storefront.forms_address import AddressForm
from duli.storefront.forms_checkout import ContactForm, PaymentForm, ShippingMethodForm
from duli.storefront.presenters import money_text
from duli.storefront.private import error_json, invalid_json, private_page, wants_json
from duli.storefront.views.pay import is_online, pay_hand_over

NEW = "new"
STEPS = (
    ("address", "storefront:checkout_address"),
    ("shipping", "storefront:checkout_shipping"),
    ("payment", "storefront:checkout_payment"),
)
STEP_URLS = dict(STEPS)


@dataclass(frozen=True, slots=True)
class SavedAddress:
    id: int
    lines: list[str]
    phone: str
    data: dict[str, str]


@dataclass(frozen=True, slots=True)
class ShippingChoice:
    option: ShippingOption
    price: str  # "$5.00" or "Free"


@dataclass(frozen=True, slots=True)
class PaymentChoice:
    method: PaymentMethodOption
    next_steps: str
    icon: str


# ---------------------------------------------------------------- shared


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def _user_id(request: HttpRequest) -> int:
    user_id = request.user.pk
    assert isinstance(user_id, int), "only for signed-in shoppers"
    return user_id


def _load(request: HttpRequest) -> tuple[Checkout, Cart] | HttpResponse:
    """The visitor's checkout and priced cart, or a redirect to the cart saying why not."""
    checkout = cart_get(request)
    cart = checkout_cart(checkout=checkout) if checkout is not None else None
    if checkout is None or cart is None or not cart.lines:
        messages.info(request, _("Your cart is empty. Add something first."))
        return redirect("storefront:cart")
    if cart.problems:
        messages.warning(
            request, _("Some items in your cart changed. Check them before you check out.")
        )
        return redirect("storefront:cart")
    return checkout, cart


def _address_done(checkout: Checkout) -> bool:
    return bool(checkout.email and checkout.shipping_address)


def _first_open_step(checkout: Checkout, cart: Cart) -> str:
    if not _address_done(checkout):
        return "address"
    if cart.priced.shipping is None:
        return "shipping"
    return "payment"


def _address_lines(data: dict[str, Any]) -> list[str]:
    return AddressData.from_dict(data).lines() if data else []


def _login_url(next_url: str) -> str:
    try:
        return f"{reverse('account_login')}?next={next_url}"
    except NoReverseMatch:  # shopper accounts are not installed
        return ""


def _context(
    request: HttpRequest, checkout: Checkout, cart: Cart, step: str, **extra: Any
) -> dict[str, Any]:
    view: CartView = cart_view(cart, tax_known=bool(checkout.shipping_address))
    return {
        "step": step,
        "steps": STEPS,
        "checkout": checkout,
        "cart": view,
        "address_done": _address_done(checkout),
        "shipping_done": cart.priced.shipping is not None,
        "shipping_lines": _address_lines(checkout.shipping_address),
        "page_title": _("Checkout"),
        "noindex": True,
        **extra,
    }


@private_page
@require_GET
def checkout_start(request: HttpRequest) -> HttpResponse:
    loaded = _load(request)
    if isinstance(loaded, HttpResponse):
        return loaded
    checkout, cart = loaded
    return redirect(STEP_URLS[_first_open_step(checkout, cart)])


# ---------------------------------------------------------------- 1. information


def _saved_addresses(request: HttpRequest, countries: list[str]) -> list[SavedAddress]:
    if not _signed_in(request):
        return []
    rows: list[Address] = list(addresses_for(user_id=_user_id(request)))
    return [
        SavedAddress(id=a.pk, lines=a.as_data().lines(), phone=a.phone, data=a.as_data().as_dict())
        for a in rows
        if not countries or a.country in countries
    ]


def _initial_choice(checkout: Checkout, saved: list[SavedAddress]) -> str:
    if checkout.shipping_address:
        for address in saved:
            if address.data == AddressData.from_dict(checkout.shipping_address).as_dict():
                return str(address.id)
        return NEW
    return str(saved[0].id) if saved else NEW  # the book lists the default first


def _address_forms(
    request: HttpRequest, checkout: Checkout, countries: list[str], *, bound: bool = True
) -> tuple[ContactForm, AddressForm, AddressForm]:
    data = request.POST if request.method == "POST" and bound else None
    email = checkout.email or (request.user.email if _signed_in(request) else "")  # type: ignore[union-attr]
    contact = ContactForm(data, initial={"email": email})
    shipping = AddressForm(
        data,
        prefix="shipping",
        countries=countries or None,
        country=request_shop(request).country,
        initial=checkout.shipping_address or None,
    )
    # In the checkout, a country outside the list is one the shop does not ship to.
    shipping.fields["country"].error_messages["invalid_choice"] = _(
        "Sorry, we do not ship to that country yet. Choose another."
    )
    billing = AddressForm(
        data,
        prefix="billing",
        country=request_shop(request).country,
        initial=checkout.billing_address or checkout.shipping_address or None,
    )
    return contact, shipping, billing


@private_page
@require_http_methods(["GET", "POST"])
def checkout_address(request: HttpRequest) -> HttpResponse:
    loaded = _load(request)
    if isinstance(loaded, HttpResponse):
        return loaded
    checkout, cart = loaded
    countries = shipping_countries()
    saved = _saved_addresses(request, countries)
    contact, shipping, billing = _address_forms(request, checkout, countries)
    choice = (
        request.POST.get("address_choice", NEW)
        if request.method == "POST"
        else _initial_choice(checkout, saved)
    )
    if not saved:
        choice = NEW
    billing_same = (
        request.POST.get("billing_same") == "1"
        if request.method == "POST"
        else not checkout.billing_address
    )
    choice_error = ""
    if request.method == "POST":
        done = _address_post(request, checkout, contact, shipping, billing, choice, billing_same)
        if isinstance(done, HttpResponse):
            return done
        choice_error = done
        # Forms the shopper did not use this time are shown as they were, without errors.
        _unused, fresh_shipping, fresh_billing = _address_forms(
            request, checkout, countries, bound=False
        )
        if choice != NEW:
            shipping = fresh_shipping
        if billing_same:
            billing = fresh_billing
    return render(
        request,
        "storefront/checkout/address.html",
        _context(
            request,
            checkout,
            cart,
            "address",
            contact=contact,
            shipping_form=shipping,
            billing_form=billing,
            billing_same=billing_same,
            saved_addresses=saved,
            address_choice=choice,
            choice_error=choice_error,
            can_save_address=_signed_in(request),
            save_address=request.POST.get("save_address") == "1"
            if request.method == "POST"
            else True,
            login_url="" if _signed_in(request) else _login_url(request.path),
        ),
        status=400 if request.method == "POST" else 200,
    )


def _address_post(
    request: HttpRequest,
    checkout: Checkout,
    contact: ContactForm,
    shipping: AddressForm,
    billing: AddressForm,
    choice: str,
    billing_same: bool,
) -> HttpResponse | str:
    """Validate and save step 1. Returns the redirect, or an error for the saved-address
    list ("" when the errors sit on the forms)."""
    ship_data: dict[str, str] | None = None
    choice_error = ""
    if choice != NEW and _signed_in(request):
        try:
            ship_data = (
                address_get(user_id=_user_id(request), address_id=int(choice)).as_data().as_dict()
            )
        except (AddressNotFound, ValueError):
            choice_error = _("Choose one of your addresses, or add a new one.")
    elif shipping.is_valid() and shipping.address is not None:
        ship_data = shipping.address.as_dict()
    contact_ok = contact.is_valid()
    bill_data: dict[str, str] | None = None
    billing_ok = billing_same or billing.is_valid()
    if not billing_same and billing.address is not None:
        bill_data = billing.address.as_dict()
    if not (contact_ok and ship_data is not None and billing_ok):
        return choice_error
    try:
        checkout_address_set(
            checkout_id=checkout.pk,
            email=contact.cleaned_data["email"],
            shipping_address=ship_data,
            billing_address=bill_data,
        )
    except AddressInvalid as exc:
        for name, message in exc.errors.items():
            shipping.add_error(name if name in shipping.fields else None, message)
        return _("Check the address: %(error)s") % {"error": exc.message} if choice != NEW else ""
    except DomainError as exc:
        field = exc.context.get("field")
        if field == "email":
            contact.add_error("email", exc.message)
        elif field == "country" and choice == NEW:
            shipping.add_error("country", exc.message)
        elif choice != NEW:
            return exc.message
        else:
            shipping.add_error(None, exc.message)
        return ""
    if choice == NEW and _signed_in(request) and request.POST.get("save_address") == "1":
        _save_to_book(request, ship_data)
    return redirect("storefront:checkout_shipping")


def _save_to_book(request: HttpRequest, data: dict[str, str]) -> None:
    if any(a.as_data().as_dict() == data for a in addresses_for(user_id=_user_id(request))):
        return
    try:
        address_create(user_id=_user_id(request), data=AddressData.from_dict(data))
    except DomainError as exc:
        messages.warning(request, exc.message)


# ---------------------------------------------------------------- 2. shipping


def _shipping_choices(checkout: Checkout, cart: Cart) -> list[ShippingChoice]:
    return [
        ShippingChoice(option=o, price=money_text(o.price) if o.price else _("Free"))
        for o in checkout_shipping_options(checkout=checkout, cart=cart)
    ]


@private_page
@require_http_methods(["GET", "POST"])
def checkout_shipping(request: HttpRequest) -> HttpResponse:
    loaded = _load(request)
    if isinstance(loaded, HttpResponse):
        return loaded
    checkout, cart = loaded
    if not _address_done(checkout):
        messages.info(request, _("Enter your email and shipping address first."))
        return redirect("storefront:checkout_address")
    choices = _shipping_choices(checkout, cart)
    ids = [c.option.method_id for c in choices]
    form = ShippingMethodForm(request.POST or None, method_ids=ids)
    if request.method == "POST" and form.is_valid():
        try:
            checkout_shipping_method_set(
                checkout_id=checkout.pk, method_id=form.cleaned_data["method"]
            )
        except DomainError as exc:
            form.add_error("method", exc.message)
        else:
            return redirect("storefront:checkout_payment")
    selected = (
        checkout.shipping_method_id
        if checkout.shipping_method_id in ids
        else (ids[0] if ids else None)
    )
    if request.method == "POST":
        posted = request.POST.get("method", "")
        selected = int(posted) if posted.isdigit() and int(posted) in ids else selected
    return render(
        request,
        "storefront/checkout/shipping.html",
        _context(
            request,
            checkout,
            cart,
            "shipping",
            form=form,
            choices=choices,
            selected=selected,
        ),
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------- 3. payment


def _currency_country(checkout: Checkout) -> tuple[str, str]:
    """What decides which payment methods are offered: the cart's currency and the
    shopper's country (billing address, else shipping)."""
    address = checkout.billing_address or checkout.shipping_address or {}
    return checkout.currency, str(address.get("country") or "")


def _payment_choices(currency: str = "", country: str = "") -> list[PaymentChoice]:
    texts = {
        "bank_transfer": (
            _(
                "After you place the order you get our bank details. Transfer the total with your "
                "order number as the reference; we ship as soon as the money arrives."
            ),
            "bank",
        ),
        "cod": (_("Pay the courier in cash when your parcel arrives. We ship right away."), "cash"),
    }

    def steps(m: PaymentMethodOption) -> tuple[str, str]:
        if m.provider in texts:
            return texts[m.provider]
        return (
            _(
                "After you place the order you pay securely with %(name)s; your order and its "
                "items are kept for you while you pay."
            )
            % {"name": m.label},
            "card",
        )

    return [
        PaymentChoice(method=m, next_steps=steps(m)[0], icon=steps(m)[1])
        for m in payment_methods_available(currency=currency, country=country)
    ]


def _payment_page(
    request: HttpRequest,
    checkout: Checkout,
    cart: Cart,
    form: PaymentForm,
    choices: list[PaymentChoice],
    status: int = 200,
) -> HttpResponse:
    providers = [c.method.provider for c in choices]
    selected = form["payment_method"].value() or (
        checkout.payment_method
        if checkout.payment_method in providers
        else (providers[0] if providers else "")
    )
    return render(
        request,
        "storefront/checkout/payment.html",
        _context(
            request,
            checkout,
            cart,
            "payment",
            form=form,
            choices=choices,
            selected=selected,
            billing_lines=_address_lines(checkout.billing_address),
            shipping_name=cart.priced.shipping.name if cart.priced.shipping else "",
        ),
        status=status,
    )


def _step_ready(request: HttpRequest, checkout: Checkout, cart: Cart) -> HttpResponse | None:
    step = _first_open_step(checkout, cart)
    if step == "address":
        messages.info(request, _("Enter your email and shipping address first."))
        return redirect(STEP_URLS[step])
    if step == "shipping":
        messages.info(request, _("Choose a shipping method first."))
        return redirect(STEP_URLS[step])
    return None


@private_page
@require_http_methods(["GET", "POST"])
def checkout_payment(request: HttpRequest) -> HttpResponse:
    """Step 3. Its POST only keeps the payment choice and note (checkout.js sends it when
    they change, so going back a step loses nothing); placing is `checkout_place`."""
    loaded = _load(request)
    if isinstance(loaded, HttpResponse):
        return loaded
    checkout, cart = loaded
    not_ready = _step_ready(request, checkout, cart)
    if not_ready is not None:
        return not_ready
    choices = _payment_choices(*_currency_country(checkout))
    if request.method == "POST":
        form = PaymentForm(request.POST, providers=[c.method.provider for c in choices])
        form.fields["checkout_id"].required = False
        if not form.is_valid():
            if wants_json(request):
                return invalid_json(str(next(iter(form.errors.values()))[0]))
            return _payment_page(request, checkout, cart, form, choices, status=400)
        try:
            checkout_payment_method_set(
                checkout_id=checkout.pk,
                provider=form.cleaned_data["payment_method"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            if wants_json(request):
                return error_json(exc)
            messages.error(request, exc.message)
        if wants_json(request):
            return JsonResponse({"saved": True})
        return redirect("storefront:checkout_payment")
    form = PaymentForm(
        initial={"checkout_id": checkout.pk, "note": checkout.customer_note},
        providers=[c.method.provider for c in choices],
    )
    return _payment_page(request, checkout, cart, form, choices)


@private_page
@require_POST
def checkout_place(request: HttpRequest) -> HttpResponse:
    """Place the order. Safe to repeat: the same checkout always gives the same order."""
    try:
        checkout_id = UUID(request.POST.get("checkout_id", ""))
    except ValueError:
        return redirect("storefront:cart")
    mine = cart_get(request)
    if mine is not None and mine.pk == checkout_id:
        refused = _save_payment(request, mine, checkout_id)
        if refused is not None:
            return refused
    elif checkout_get(checkout_id=checkout_id) is not None:
        # An open checkout that is not this visitor's cart (e.g. merged at sign-in).
        messages.warning(request, _("Your cart changed. Check it and check out again."))
        return redirect("storefront:cart")
    try:
        order = order_place(checkout_id=checkout_id, actor=_actor(request, mine))
    except CheckoutIncomplete as exc:
        messages.error(request, exc.message)
        return redirect(STEP_URLS.get(exc.step, "storefront:checkout"))
    except CheckoutNotOpen:
        messages.warning(request, _("Your cart changed. Check it and check out again."))
        return redirect("storefront:cart")
    except DomainError as exc:  # sold out, no longer available, empty: nothing was written
        messages.error(request, exc.message)
        return redirect("storefront:cart")
    return _placed(request, order)


def _save_payment(
    request: HttpRequest, checkout: Checkout, checkout_id: UUID
) -> HttpResponse | None:
    choices = _payment_choices(*_currency_country(checkout))
    form = PaymentForm(request.POST, providers=[c.method.provider for c in choices])
    if not form.is_valid():
        return _reshow_payment(request, checkout, form, choices)
    try:
        checkout_payment_method_set(
            checkout_id=checkout_id,
            provider=form.cleaned_data["payment_method"],
            note=form.cleaned_data["note"],
        )
    except CheckoutNotOpen:
        return None  # placed by a parallel request a moment ago: order_place returns it
    except DomainError as exc:
        field = exc.context.get("field")
        form.add_error(field if field in form.fields else None, exc.message)
        return _reshow_payment(request, checkout, form, choices)
    return None


def _reshow_payment(
    request: HttpRequest, checkout: Checkout, form: PaymentForm, choices: list[PaymentChoice]
) -> HttpResponse:
    loaded = _load(request)
    if isinstance(loaded, HttpResponse):
        return loaded
    checkout, cart = loaded
    return _payment_page(request, checkout, cart, form, choices, status=400)


def _actor(request: HttpRequest, checkout: Checkout | None) -> Actor:
    return Actor.of(request.user, email=checkout.email if checkout is not None else "")


def _placed(request: HttpRequest, order: Order) -> HttpResponse:
    if order.user_id is not None and order.user_id != request.user.pk:
        messages.warning(request, _("Your cart changed. Check it and check out again."))
        return redirect("storefront:cart")
    order_remember(request, order.number)
    cart_forget(request)
    if is_online(order.payment_method) and order.payment_status == PaymentStatus.UNPAID:
        return pay_hand_over(request, order)
    return redirect("storefront:order_confirmation", number=order.number)

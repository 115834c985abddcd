"""The hosted card page and the 3-D Secure page, driven with Django's test client."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from duli.testpay import processor
from duli.testpay.models import Charge, WebhookEvent

from .conftest import CANCEL_URL, RETURN_URL, MakeCharge

pytestmark = pytest.mark.django_db

Status = Charge.Status
NEXT_YEAR = (date.today().year + 1) % 100


def card(number: str, **overrides: str) -> dict[str, str]:
    return {
        "number": number,
        "exp": f"12/{NEXT_YEAR:02d}",
        "cvc": "123",
        "name": "Ada Lovelace",
        **overrides,
    }


def pay_url(charge: Charge) -> str:
    return reverse("testpay:pay", kwargs={"charge_id": charge.pk})


def tds_url(charge: Charge) -> str:
    return reverse("testpay:authenticate", kwargs={"charge_id": charge.pk})


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# --- the card page ------------------------------------------------------------------------


def test_the_card_page_shows_what_is_paid_for_and_a_card_form(
    client: Client, make_charge: MakeCharge
) -> None:
    charge = make_charge(description="Order 7KQ4-M9XA")

    html = text(client.get(pay_url(charge)))

    assert "Duli Test Pay — test mode, no real money" in html
    assert "Order 7KQ4-M9XA" in html and "$25.00" in html
    assert re.search(r'<input[^>]*name="number"[^>]*inputmode="numeric"[^>]*cc-number', html)
    assert re.search(r'<input[^>]*name="exp"[^>]*autocomplete="cc-exp"', html)
    assert re.search(r'<input[^>]*name="cvc"[^>]*autocomplete="cc-csc"', html)
    assert re.search(r'<input[^>]*name="name"[^>]*autocomplete="cc-name"', html)
    assert f'href="{CANCEL_URL}"' in html and "Cancel and return to the shop" in html


def test_the_card_page_lists_the_test_cards(client: Client, make_charge: MakeCharge) -> None:
    html = text(client.get(pay_url(make_charge())))

    for number in ("4242 4242 4242 4242", "4000 0000 0000 0002", "4000 0000 0000 9995"):
        assert number in html
    assert "4000 0000 0000 3220" in html


def test_an_unknown_charge_is_a_404(client: Client, db: None) -> None:
    assert client.get("/testpay/pay/ch_nothing/").status_code == 404


def test_the_success_card_returns_the_shopper_to_the_shop(
    client: Client, make_charge: MakeCharge
) -> None:
    charge = make_charge()

    response = client.post(pay_url(charge), card("4242 4242 4242 4242"))

    assert response.status_code == 302 and response["Location"] == RETURN_URL
    assert processor.charge_get(charge.pk).status == Status.SUCCEEDED
    assert WebhookEvent.objects.get().type == "charge.succeeded"


def test_a_declined_card_shows_the_error_with_a_way_on(
    client: Client, make_charge: MakeCharge
) -> None:
    charge = make_charge()

    response = client.post(pay_url(charge), card("4000 0000 0000 0002"), follow=True)

    html = text(response)
    assert response.redirect_chain[-1][0] == pay_url(charge)
    assert "Your card was declined." in html
    assert "Try another card" in html and "Return to the shop" in html
    assert f'href="{CANCEL_URL}"' in html
    assert processor.charge_get(charge.pk).status == Status.FAILED
    assert WebhookEvent.objects.get().type == "charge.failed"


def test_insufficient_funds_shows_its_own_error(client: Client, make_charge: MakeCharge) -> None:
    charge = make_charge()

    response = client.post(pay_url(charge), card("4000000000009995"), follow=True)

    assert "Your card has insufficient funds." in text(response)


def test_try_another_card_shows_the_card_form_again(
    client: Client, make_charge: MakeCharge
) -> None:
    charge = make_charge()
    client.post(pay_url(charge), card("4000000000000002"))

    response = client.post(reverse("testpay:retry", kwargs={"charge_id": charge.pk}), follow=True)

    assert 'name="number"' in text(response)
    assert processor.charge_get(charge.pk).status == Status.REQUIRES_PAYMENT
    second = client.post(pay_url(charge), card("4242424242424242"))
    assert second["Location"] == RETURN_URL


def test_a_paid_charge_shows_it_is_complete(client: Client, make_charge: MakeCharge) -> None:
    charge = make_charge()
    client.post(pay_url(charge), card("4242424242424242"))

    html = text(client.get(pay_url(charge)))

    assert "Payment complete" in html and 'name="number"' not in html
    assert f'href="{RETURN_URL}"' in html


def test_posting_a_card_to_a_paid_charge_charges_nothing(
    client: Client, make_charge: MakeCharge
) -> None:
    charge = make_charge()
    client.post(pay_url(charge), card("4242424242424242"))

    response = client.post(pay_url(charge), card("4000000000000002"))

    assert response["Location"] == pay_url(charge)
    assert processor.charge_get(charge.pk).status == Status.SUCCEEDED
    assert WebhookEvent.objects.count() == 1


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (card("4242 4242 4242 4241"), "number", "This card number is not valid."),
        (card("4242 4242"), "number", "This card number is too short."),
        (card("4242 abcd 4242 4242"), "number", "A card number has only digits."),
        (card("4242424242424242", exp="01/20"), "exp", "This card has expired."),
        (card("4242424242424242", exp="13/30"), "exp", "Enter the expiry date as MM/YY"),
        (card("4242424242424242", exp="soon"), "exp", "Enter the expiry date as MM/YY"),
        (card("4242424242424242", cvc="12"), "cvc", "3 or 4 digit security code"),
        (card("4242424242424242", cvc="12345"), "cvc", "3 or 4 digit security code"),
        (card("4242424242424242", name="  "), "name", "Enter the name as it appears"),
    ],
)
def test_a_bad_field_is_named_with_what_to_fix(
    client: Client, make_charge: MakeCharge, data: dict[str, str], field: str, message: str
) -> None:
    charge = make_charge()

    response = client.post(pay_url(charge), data)

    html = text(response)
    assert response.status_code == 200
    assert re.search(rf'id="card-{field}-error">[^<]*{re.escape(message)}', html), html
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', html)
    assert processor.charge_get(charge.pk).status == Status.REQUIRES_PAYMENT
    assert WebhookEvent.objects.count() == 0


def test_an_empty_form_names_every_field(client: Client, make_charge: MakeCharge) -> None:
    response = client.post(pay_url(make_charge()), {})

    html = text(response)
    for field in ("number", "exp", "cvc", "name"):
        assert f'id="card-{field}-error"' in html


def test_the_security_code_is_never_shown_again(client: Client, make_charge: MakeCharge) -> None:
    response = client.post(pay_url(make_charge()), card("4242424242424241", cvc="987"))

    assert "987" not in text(response)


def test_an_expiry_this_month_is_still_valid(client: Client, make_charge: MakeCharge) -> None:
    today = date.today()
    exp = f"{today.month:02d}/{today.year % 100:02d}"

    response = client.post(pay_url(make_charge()), card("4242424242424242", exp=exp))

    assert response.status_code == 302


# --- 3-D Secure ---------------------------------------------------------------------------


def test_the_3ds_card_leads_to_the_authentication_page(
    client: Client, make_charge: MakeCharge
) -> None:
    charge = make_charge()

    response = client.post(pay_url(charge), card("4000 0000 0000 3220"))

    assert response["Location"] == tds_url(charge)
    html = text(client.get(tds_url(charge)))
    assert "Complete authentication" in html and "Fail authentication" in html
    assert "$25.00" in html and "3220" in html


def test_completing_authentication_returns_to_the_shop_paid(
    client: Client, make_charge: MakeCharge
) -> None:
    charge = make_charge()
    client.post(pay_url(charge), card("4000000000003220"))

    response = client.post(tds_url(charge), {"outcome": "complete"})

    assert response["Location"] == RETURN_URL
    assert processor.charge_get(charge.pk).status == Status.SUCCEEDED


def test_failing_authentication_shows_the_error(client: Client, make_charge: MakeCharge) -> None:
    charge = make_charge()
    client.post(pay_url(charge), card("4000000000003220"))

    response = client.post(tds_url(charge), {"outcome": "fail"}, follow=True)

    assert "3-D Secure authentication failed" in text(response)
    assert processor.charge_get(charge.pk).status == Status.FAILED


def test_the_card_page_sends_a_charge_awaiting_authentication_to_3ds(
    client: Client, make_charge: MakeCharge
) -> None:
    charge = make_charge()
    client.post(pay_url(charge), card("4000000000003220"))

    assert client.get(pay_url(charge))["Location"] == tds_url(charge)


def test_the_3ds_page_of_a_charge_not_awaiting_it_goes_to_the_card_page(
    client: Client, make_charge: MakeCharge
) -> None:
    charge = make_charge()

    assert client.get(tds_url(charge))["Location"] == pay_url(charge)
    assert client.post(tds_url(charge), {"outcome": "complete"})["Location"] == pay_url(charge)
    assert processor.charge_get(charge.pk).status == Status.REQUIRES_PAYMENT


def test_an_unknown_3ds_answer_changes_nothing(client: Client, make_charge: MakeCharge) -> None:
    charge = make_charge()
    client.post(pay_url(charge), card("4000000000003220"))

    response = client.post(tds_url(charge), {"outcome": "maybe"})

    assert response.status_code == 200
    assert processor.charge_get(charge.pk).status == Status.REQUIRES_ACTION


# --- the page itself ----------------------------------------------------------------------


def test_the_forms_may_lead_back_to_the_shop_s_origin(
    client: Client, make_charge: MakeCharge
) -> None:
    response = client.get(pay_url(make_charge()))

    policy = response["Content-Security-Policy"]
    assert re.search(r"form-action 'self' https://shop\.example\.com(;|$)", policy)


def test_the_pages_are_never_cached(client: Client, make_charge: MakeCharge) -> None:
    response = client.get(pay_url(make_charge()))

    assert "no-store" in response["Cache-Control"]


def test_the_card_page_speaks_chinese(client: Client, make_charge: MakeCharge) -> None:
    with translation.override("en"):  # the request switches the thread's language; restore it
        html = text(client.get(pay_url(make_charge()), headers={"accept-language": "zh-hans"}))

    assert 'lang="zh-hans"' in html
    assert "银行卡号" in html

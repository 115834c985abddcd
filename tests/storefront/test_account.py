"""Shopper accounts: sign-up, sign-in, password reset and email verification (allauth in the
shop's clothes), and the address book pages with their per-country form."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from duli.customers.models import Address, User
from duli.storefront.forms_address import AddressForm
from duli.testing.customers_factories import GB_ADDRESS, US_ADDRESS, AddressFactory, ShopperFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop")]

PASSWORD = "correct horse battery"


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://testserver(/\S+)", str(message.body))
    assert found, message.body
    return found.group(1)


def html_of(message: mail.EmailMessage) -> str:
    assert isinstance(message, mail.EmailMultiAlternatives)
    (html, kind), *_ = message.alternatives
    assert kind == "text/html"
    return str(html)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- sign-up and sign-in


def test_sign_up_signs_in_and_sends_a_verification_email(client):
    response = client.post(
        "/accounts/signup/", {"email": "Ada@Example.com", "password1": "a-long-passphrase"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    user = User.objects.get(email="ada@example.com")
    assert user.language == "en"
    assert client.get("/account/").status_code == 200
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Confirm your email address · Tea House"
    assert link_in(message).startswith("/accounts/confirm-email/")
    assert "Welcome to Tea House!" in html_of(message)
    assert "Confirm email address" in html_of(message)


def test_sign_up_in_chinese_sends_the_email_in_chinese(client):
    client.post(
        "/zh-hans/accounts/signup/", {"email": "wei@example.com", "password1": "a-long-passphrase"}
    )

    (message,) = mail.outbox
    assert message.subject == "请确认您的电子邮箱 · Tea House"
    assert link_in(message).startswith("/zh-hans/accounts/confirm-email/")
    assert "欢迎来到 Tea House！" in html_of(message)
    assert User.objects.get(email="wei@example.com").language == "zh-hans"


def test_following_the_link_verifies_the_email(client):
    client.post("/accounts/signup/", {"email": "ada@example.com", "password1": "a-long-passphrase"})
    link = link_in(mail.outbox[0])

    assert client.get(link).status_code == 200
    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="ada@example.com").verified is True


def test_sign_up_with_a_taken_email_is_refused_plainly(client):
    ShopperFactory(email="ada@example.com", email_verified=True)

    response = client.post(
        "/accounts/signup/", {"email": "ada@example.com", "password1": "a-long-passphrase"}
    )

    assert response.status_code == 200
    assert "A user is already registered with this email address." in response.content.decode()
    assert User.objects.filter(email="ada@example.com").count() == 1
    assert mail.outbox == []


def test_sign_in_by_email_lands_on_the_account_page(client):
    ShopperFactory(email="ada@example.com")

    response = client.post("/accounts/login/", {"login": "ADA@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/account/"


def test_sign_in_returns_to_the_page_that_asked_for_it(client):
    ShopperFactory(email="ada@example.com")

    response = client.get("/zh-hans/account/addresses/")
    assert response["Location"] == "/zh-hans/accounts/login/?next=/zh-hans/account/addresses/"
    response = client.post(response["Location"], {"login": "ada@example.com", "password": PASSWORD})

    assert response["Location"] == "/zh-hans/account/addresses/"


def test_a_wrong_password_is_told_plainly(client):
    ShopperFactory(email="ada@example.com")

    response = client.post("/accounts/login/", {"login": "ada@example.com", "password": "nope"})

    assert response.status_code == 200
    assert (
        "The email address and/or password you specified are not correct."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_repeated_failed_sign_ins_are_stopped_with_a_clear_message(client):
    ShopperFactory(email="ada@example.com")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "ada@example.com", "password": "nope"})

    response = client.post("/accounts/login/", {"login": "ada@example.com", "password": PASSWORD})

    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session_and_goes_home():
    client = signed_in(ShopperFactory())

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_signed_in_allauth_pages_send_visitors_to_the_shop_sign_in(client):
    response = client.get("/accounts/password/change/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/change/"


def test_the_dashboard_still_sends_visitors_to_the_staff_sign_in(client):
    response = client.get(reverse("dashboard:home"))

    assert response["Location"].startswith(reverse("dashboard:login"))


# ---------------------------------------------------------------- password reset


def test_password_reset_end_to_end(client):
    ShopperFactory(email="ada@example.com", email_verified=True)

    response = client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "Reset your password · Tea House"
    assert "Choose a new password" in html_of(message)

    form_page = client.get(link_in(message), follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"password1": "a-brand-new-secret", "password2": "a-brand-new-secret"}
    )

    assert response.status_code == 302
    assert client.session.get("_auth_user_id")  # signed in straight away
    fresh = Client()
    assert (
        fresh.post(
            "/accounts/login/", {"login": "ada@example.com", "password": PASSWORD}
        ).status_code
        == 200
    )
    assert (
        fresh.post(
            "/accounts/login/", {"login": "ada@example.com", "password": "a-brand-new-secret"}
        ).status_code
        == 302
    )


def test_password_reset_for_an_unknown_email_invites_to_sign_up(client):
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    (message,) = mail.outbox
    assert message.subject == "No account uses this email address · Tea House"
    assert "/accounts/signup/" in message.body


# ---------------------------------------------------------------- account pages


def test_account_pages_need_a_signed_in_shopper(client):
    for url in ("/account/", "/account/profile/", "/account/addresses/", "/account/addresses/new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_account_home_shows_the_default_address_and_whether_the_email_is_verified():
    user = ShopperFactory(email="ada@example.com", full_name="Ada Lovelace", email_verified=True)
    AddressFactory(user=user)

    html = signed_in(user).get("/account/").content.decode()

    assert "Hello, Ada" in html
    assert "Verified" in html
    assert "Mountain View, CA 94043" in html


def test_account_pages_are_private(settings):
    settings.DULI_PAGE_CACHE_SECONDS = 60
    client = signed_in(ShopperFactory())

    response = client.get("/account/")

    assert "no-cache" in response["Cache-Control"]
    assert "X-Duli-Cache" not in response


def test_profile_saves_the_name():
    user = ShopperFactory(full_name="")

    response = signed_in(user).post("/account/profile/", {"full_name": " Ada  Lovelace "})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Ada Lovelace"


def test_header_links_to_the_account(client):
    html = client.get("/").content.decode()

    assert 'href="/account/"' in html


# ---------------------------------------------------------------- address book


def test_adding_an_address_saves_it_normalised():
    user = ShopperFactory()

    response = signed_in(user).post(
        "/account/addresses/new/", {**GB_ADDRESS, "postal_code": "sw1a2aa"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/addresses/"
    (address,) = Address.objects.filter(user=user)
    assert (address.postal_code, address.is_default_shipping) == ("SW1A 2AA", True)


def test_a_bad_address_shows_each_problem_at_its_field_and_saves_nothing():
    user = ShopperFactory()

    response = signed_in(user).post(
        "/account/addresses/new/", {**US_ADDRESS, "country_area": "", "postal_code": "abc"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose your state." in html
    assert "Enter a valid ZIP code, e.g. 95014" in html
    assert not Address.objects.filter(user=user).exists()


def test_the_book_lists_the_addresses_as_their_countries_write_them():
    user = ShopperFactory()
    AddressFactory(user=user)
    AddressFactory(user=user, **GB_ADDRESS)

    html = signed_in(user).get("/account/addresses/").content.decode()

    assert "Mountain View, CA 94043" in html
    assert "SW1A 2AA" in html
    assert "Default shipping address" in html


def test_editing_an_address_changes_it():
    address = AddressFactory()

    response = signed_in(address.user).post(
        f"/account/addresses/{address.pk}/",
        {**US_ADDRESS, "city": "Palo Alto", "postal_code": "94301"},
    )

    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.city, address.postal_code) == ("Palo Alto", "94301")


def test_the_edit_form_starts_with_the_address():
    address = AddressFactory(**GB_ADDRESS)

    html = signed_in(address.user).get(f"/account/addresses/{address.pk}/").content.decode()

    assert 'value="SW1A 2AA"' in html
    assert '<option value="GB" selected>' in html


def test_delete_and_make_default():
    user = ShopperFactory()
    first = AddressFactory(user=user)
    second = AddressFactory(user=user, **GB_ADDRESS)
    client = signed_in(user)

    assert client.post(f"/account/addresses/{second.pk}/default/").status_code == 302
    assert Address.objects.get(pk=second.pk).is_default_shipping is True
    assert client.post(f"/account/addresses/{first.pk}/delete/").status_code == 302
    assert list(Address.objects.filter(user=user)) == [second]


def test_another_shoppers_address_is_not_found():
    address = AddressFactory()
    stranger = signed_in(ShopperFactory())

    assert stranger.get(f"/account/addresses/{address.pk}/").status_code == 404
    assert stranger.post(f"/account/addresses/{address.pk}/", US_ADDRESS).status_code == 404
    assert stranger.post(f"/account/addresses/{address.pk}/delete/").status_code == 404
    assert stranger.post(f"/account/addresses/{address.pk}/default/").status_code == 404
    assert Address.objects.filter(pk=address.pk).exists()


def test_delete_needs_a_post():
    address = AddressFactory()

    assert (
        signed_in(address.user).get(f"/account/addresses/{address.pk}/delete/").status_code == 405
    )


# ---------------------------------------------------------------- the address form and its partial


def test_address_fields_partial_for_gb_asks_for_a_postcode_and_no_state(client):
    response = client.get("/address/fields/?country=GB&prefix=shipping")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="shipping-postal_code"' in html
    assert "Postcode" in html
    assert "shipping-country_area" not in html
    assert '<option value="GB" selected>' in html


def test_address_fields_partial_speaks_the_path_language(client):
    html = client.get("/zh-hans/address/fields/?country=CN").content.decode()

    assert "邮政编码" in html
    assert '<option value="广东省">广东省</option>' in html


def test_address_fields_partial_refuses_an_unknown_country_or_odd_prefix(client):
    unknown = client.get("/address/fields/?country=XX")
    odd = client.get("/address/fields/?country=US&prefix=<b>")

    assert unknown.status_code == 400
    assert unknown.json() == {
        "code": "invalid",
        "message": "Choose a country or region from the list.",
    }
    assert odd.status_code == 400
    assert odd.json()["code"] == "invalid"


def test_address_form_fields_carry_autofill_tokens():
    form = AddressForm(country="US")

    tokens = {name: field.widget.attrs.get("autocomplete") for name, field in form.fields.items()}
    assert tokens == {
        "country": "country",
        "first_name": "given-name",
        "last_name": "family-name",
        "company": "organization",
        "street_address_1": "address-line1",
        "street_address_2": "address-line2",
        "city": "address-level2",
        "country_area": "address-level1",
        "postal_code": "postal-code",
        "phone": "tel",
    }
    assert form.fields["phone"].widget.input_type == "tel"
    assert form.fields["postal_code"].widget.attrs["inputmode"] == "numeric"
    assert form.fields["street_address_1"].widget.attrs["required"] is True


def test_a_shipping_form_names_its_autofill_section():
    form = AddressForm(country="GB", prefix="shipping")

    html = str(form["postal_code"])
    assert 'name="shipping-postal_code"' in html
    assert 'autocomplete="shipping postal-code"' in html
    assert 'autocapitalize="characters"' in html


def test_address_form_puts_validation_messages_on_the_fields():
    form = AddressForm({**US_ADDRESS, "postal_code": "1"})

    assert not form.is_valid()
    assert form.errors == {"postal_code": ["Enter a valid ZIP code, e.g. 90000"]}


def test_address_form_gives_the_normalised_address():
    form = AddressForm({**US_ADDRESS, "country_area": "CA", "postal_code": " 94043 "})

    assert form.is_valid()
    assert form.address is not None and form.address.postal_code == "94043"


def test_address_form_offers_only_the_given_countries():
    form = AddressForm({**US_ADDRESS, "country": "FR"}, countries=["US", "GB"])

    assert [code for code, _name in form.fields["country"].choices] == ["GB", "US"]
    assert not form.is_valid()
    assert form.errors["country"] == ["Choose a country or region from the list."]


# ---------------------------------------------------------------- Chinese


def test_sign_in_page_in_chinese(client):
    html = client.get("/zh-hans/accounts/login/").content.decode()

    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert 'action="/zh-hans/accounts/login/"' in html


def test_address_book_in_chinese():
    user = ShopperFactory()
    AddressFactory(user=user)

    html = signed_in(user).get("/zh-hans/account/addresses/new/").content.decode()

    assert "添加地址" in html
    assert "邮政编码" in html
    assert '<option value="CA">California</option>' in html

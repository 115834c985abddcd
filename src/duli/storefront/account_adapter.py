"""How django-allauth behaves in the shop (settings.ACCOUNT_ADAPTER).

- Emails carry the shop's name (not the host name) and are rendered in the language of
  the page that sent them, HTML and text (templates in templates/account/email/).
- A new account remembers the language the shopper signed up in.
- "You have signed out" is not queued: the page after sign-out is the cached home page,
  which shows no messages, so the note would pop up on some later page instead.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils import translation

from duli.core.selectors import shop_settings_get

_UNSHOWN_MESSAGES = frozenset({"account/messages/logged_out.txt"})


class ShopAccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"{subject} · {shop_settings_get()}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        context = {"shop": shop_settings_get(), "language": translation.get_language(), **context}
        super().send_mail(template_prefix, email, context)

    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: BaseForm, commit: bool = True
    ) -> AbstractBaseUser:
        language = translation.get_language()
        if language and hasattr(user, "language"):
            user.language = language
        return super().save_user(request, user, form, commit=commit)

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        if message_template in _UNSHOWN_MESSAGES:
            return
        super().add_message(
            request,
            level,
            message_template=message_template,
            message_context=message_context,
            extra_tags=extra_tags,
            message=message,
        )

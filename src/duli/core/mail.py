"""Shop emails: one message is three templates, rendered in the recipient's language.

`<template>_subject.txt`, `<template>.txt` and `<template>.html` (which extends
`email/base.html`). Every message gets the shop's branding in its context:

- `shop`: the ShopSettings row, translated into the message's language;
- `site_url`: the shop's public origin (DULI_SITE_URL), for absolute links;
- `shop_logo_url`, `shop_address_lines`, `brand_color`, `brand_text_color`.

Send now with `mail_send`, or after the current transaction commits with `mail_enqueue`
(the usual choice in services: a rolled-back order sends nothing).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.template import Context, Engine
from django.utils import translation

from duli.core.branding import (
    shop_address_lines,
    shop_logo_url,
    site_url,
    text_color_on,
)
from duli.core.selectors import shop_settings_get

RESERVED_KEYS = frozenset(
    {"shop", "site_url", "shop_logo_url", "shop_address_lines", "brand_color", "brand_text_color"}
)


@dataclass(frozen=True, slots=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def mail_render(*, template: str, context: Mapping[str, Any], language: str) -> RenderedMail:
    """Render `<template>_subject.txt`, `.txt` and `.html` in `language` with the shop's branding.

    The subject comes out as one line; the text part is not HTML-escaped.
    """
    clash = RESERVED_KEYS & context.keys()
    if clash:
        raise ValueError(f"mail context must not set {sorted(clash)}: mail_render provides them")
    language = translation.get_supported_language_variant(language)
    engine = Engine.get_default()
    with translation.override(language):
        values = {**_branding(language), **context, "LANGUAGE_CODE": language}
        subject = engine.get_template(f"{template}_subject.txt").render(
            Context(values, autoescape=False)
        )
        text = engine.get_template(f"{template}.txt").render(Context(values, autoescape=False))
        html = engine.get_template(f"{template}.html").render(Context(values))
    return RenderedMail(subject=" ".join(subject.split()), text=_tidy_text(text), html=html)


def mail_send(
    *,
    to: Sequence[str],
    template: str,
    context: Mapping[str, Any],
    language: str,
    reply_to: Sequence[str] = (),
) -> None:
    """Render and send one message now through the default mailer (SMTP errors propagate)."""
    rendered = mail_render(template=template, context=context, language=language)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=_from_address(language),
        to=list(to),
        reply_to=list(reply_to),
    )
    message.attach_alternative(rendered.html, "text/html")
    mailers.default.send_messages([message])


def mail_enqueue(
    *,
    to: Sequence[str],
    template: str,
    context: Mapping[str, Any],
    language: str,
    reply_to: Sequence[str] = (),
) -> None:
    """Send the message from a worker once the current transaction commits; never on rollback.

    `context` must be JSON-serialisable (ids, strings, numbers): the worker renders it, so
    pass what the templates need, not model instances. Outside a transaction it goes at once.
    """
    from duli.core.tasks import mail_deliver  # the task module imports this one

    try:
        payload = json.loads(json.dumps(dict(context)))
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"mail context for {template!r} is not JSON-serialisable: {error}"
        ) from None
    transaction.on_commit(
        partial(
            mail_deliver.enqueue,
            to=list(to),
            template=template,
            context=payload,
            language=language,
            reply_to=list(reply_to),
        )
    )


def _branding(language: str) -> dict[str, Any]:
    shop = shop_settings_get()
    shop.set_current_language(language)
    return {
        "shop": shop,
        "site_url": site_url(),
        "shop_logo_url": shop_logo_url(shop),
        "shop_address_lines": shop_address_lines(shop),
        "brand_color": shop.primary_color,
        "brand_text_color": text_color_on(shop.primary_color),
    }


def _from_address(language: str) -> str:
    """DEFAULT_FROM_EMAIL with the shop's name as display name (unless it already has one)."""
    configured = str(settings.DEFAULT_FROM_EMAIL)
    if "<" in configured:
        return configured
    with translation.override(translation.get_supported_language_variant(language)):
        name = str(shop_settings_get().safe_translation_getter("name", any_language=True) or "")
    username, _, domain = configured.partition("@")
    return str(Address(display_name=name, username=username, domain=domain))


_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy_text(text: str) -> str:
    """Strip template indentation artefacts: trailing spaces and runs of blank lines."""
    lines = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return _BLANK_LINES.sub("\n\n", lines) + "\n"

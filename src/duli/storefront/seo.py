"""Search-engine and social metadata: titles, descriptions, JSON-LD documents."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from duli.core.models import ShopSettings

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def plain_text(html: str, *, limit: int = 160) -> str:
    """Rich text as a one-line description for <meta> tags."""
    text = " ".join(strip_tags(html or "").split())
    return Truncator(text).chars(limit)


def json_script_block(
    data: Any, *, nonce: object, kind: str = "application/ld+json", element_id: str = ""
) -> SafeString:
    """A `<script type=kind>` data block carrying the CSP nonce, that no value can break
    out of (<, > and & are escaped inside the JSON)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    attrs = format_html(' type="{}"', kind)
    if element_id:
        attrs += format_html(' id="{}"', element_id)
    if nonce:
        attrs += format_html(' nonce="{}"', nonce)
    return mark_safe(f"<script{attrs}>{body}</script>")  # noqa: S308 - body escaped above


@dataclass(frozen=True, slots=True)
class Crumb:
    name: str
    url: str  # path; "" for the current page


def breadcrumb_ld(request: HttpRequest, crumbs: Sequence[Crumb]) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": i,
                "name": crumb.name,
                "item": request.build_absolute_uri(crumb.url or request.path),
            }
            for i, crumb in enumerate(crumbs, start=1)
        ],
    }


def organization_ld(request: HttpRequest, shop: ShopSettings) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": str(shop),
        "url": request.build_absolute_uri("/"),
    }
    if shop.logo:
        data["logo"] = request.build_absolute_uri(shop.logo.url)
    if shop.contact_email:
        data["email"] = shop.contact_email
    return data

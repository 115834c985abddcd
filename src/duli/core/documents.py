"""Printable documents (invoices, packing slips) rendered to PDF with WeasyPrint.

A document template extends `documents/base.html` (A4, shop header, "Page 1 of 2" footer,
a font stack that covers Chinese). Rendering never touches the network: images and
stylesheets load only from the shop's own media and static files.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from duli.core.branding import (
    shop_address_lines,
    shop_logo_url,
    site_url,
    text_color_on,
)
from duli.core.errors import DomainError
from duli.core.selectors import shop_settings_get

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


class PdfUnavailable(DomainError):
    """WeasyPrint cannot run here: its system libraries (Pango) are missing."""

    code = "pdf_unavailable"
    status = 503

    def __init__(self, reason: str) -> None:
        super().__init__(
            gettext(
                "PDF documents cannot be made on this server: WeasyPrint could not load its "
                "system libraries (%(reason)s). Install them with "
                "'apt-get install %(packages)s' (Debian/Ubuntu) and restart Duli."
            )
            % {"reason": reason, "packages": PANGO_PACKAGES},
            reason=reason,
        )


def pdf_render(*, template: str, context: Mapping[str, Any], language: str) -> bytes:
    """Render a document template to PDF bytes in `language`, with the shop's branding.

    The context gets `shop`, `site_url`, `shop_logo_url`, `shop_address_lines`,
    `brand_color`, `brand_text_color` and `page_counter` (CSS for the page footer).
    Raises PdfUnavailable when WeasyPrint's system libraries are missing.
    """
    weasyprint = _weasyprint()
    language = translation.get_supported_language_variant(language)
    with translation.override(language):
        shop = shop_settings_get()
        shop.set_current_language(language)
        values = {
            "shop": shop,
            "site_url": site_url(),
            "shop_logo_url": shop_logo_url(shop),
            "shop_address_lines": shop_address_lines(shop),
            "brand_color": shop.primary_color,
            "brand_text_color": text_color_on(shop.primary_color),
            "page_counter": page_counter_css(),
            **context,
        }
        html = render_to_string(template, values)
        document = weasyprint.HTML(
            string=html, base_url=f"{site_url()}/", url_fetcher=local_url_fetcher()
        )
        return bytes(document.write_pdf())


def page_counter_css() -> SafeString:
    """The CSS `content` value for "Page 1 of 2", in the active language's word order."""
    pattern = gettext("Page {page} of {pages}")
    parts: list[str] = []
    for piece in re.split(r"(\{page\}|\{pages\})", pattern):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return mark_safe(" ".join(parts))  # noqa: S308 - every literal is quoted and escaped above


def local_url_fetcher() -> URLFetcher:
    """A WeasyPrint URL fetcher that serves only the shop's media and static files.

    Accepted: `data:` URLs; `file:` URLs inside MEDIA_ROOT or the static files; URLs on
    DULI_SITE_URL under MEDIA_URL or STATIC_URL, read from disk. Anything else is refused
    (WeasyPrint logs a warning and leaves the resource out), so rendering never makes a
    network request, whatever a merchant or customer typed into the content.
    """
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = local_path(url)
            if path is None:
                raise ValueError(f"refusing to fetch {url!r}: documents load only local files")
            from weasyprint.urls import URLFetcherResponse

            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": mime_type}
            )

    return LocalFetcher(allowed_protocols={"data", "file", "http", "https"})


def local_path(url: str) -> Path | None:
    """The file on disk `url` names, when it is one of the shop's media or static files."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return _inside(
            Path(url2pathname(parts.path)), [Path(settings.MEDIA_ROOT), *_static_roots()]
        )
    if parts.scheme not in ("http", "https"):
        return None
    origin = urlsplit(site_url())
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
        return None
    path = unquote(parts.path)
    media_prefix = urlsplit(str(settings.MEDIA_URL)).path
    static_prefix = urlsplit(str(settings.STATIC_URL)).path
    if media_prefix and path.startswith(media_prefix):
        root = Path(settings.MEDIA_ROOT)
        return _inside(root / path.removeprefix(media_prefix), [root])
    if static_prefix and path.startswith(static_prefix):
        relative = path.removeprefix(static_prefix)
        found = finders.find(relative)
        candidate = Path(found if isinstance(found, str) else Path(settings.STATIC_ROOT) / relative)
        return _inside(candidate, _static_roots())
    return None


def _static_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT)]
    for finder in finders.get_finders():
        storages = getattr(finder, "storages", {})
        roots.extend(Path(storage.location) for storage in storages.values())
    return roots


def _inside(path: Path, roots: list[Path]) -> Path | None:
    """`path` resolved, if it is an existing file under one of `roots` (no `..` escapes)."""
    resolved = path.resolve()
    for root in roots:
        if resolved.is_relative_to(root.resolve()) and resolved.is_file():
            return resolved
    return None


def _weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as error:  # cffi could not dlopen Pango/GObject
        raise PdfUnavailable(str(error).splitlines()[0]) from error
    return weasyprint

"""PDF documents: page numbers, Chinese text, local-only resources."""

from __future__ import annotations

import copy
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from duli.core.documents import (
    PANGO_PACKAGES,
    PdfUnavailable,
    local_path,
    page_counter_css,
    pdf_render,
)

TEMPLATES_DIR = Path(__file__).parent / "templates"
DOCUMENT = "tests_core/document.html"


@pytest.fixture(autouse=True)
def _test_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES_DIR]
    settings.TEMPLATES = templates


def _rows(count: int, name: str = "Dragon Well green tea") -> list[dict[str, str]]:
    return [
        {
            "name": f"{name} {i}",
            "variant": "100 g tin",
            "sku": f"TEA-{i:04d}",
            "qty": "2",
            "price": "€6.00",
            "total": "€12.00",
        }
        for i in range(count)
    ]


def _context(rows: int = 3, **extra: object) -> dict[str, object]:
    return {
        "number": "1042",
        "rows": _rows(rows),
        "bill_to": ["Ann Example", "Hauptstraße 1", "10115 Berlin", "Germany"],
        **extra,
    }


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_two_page_document_numbers_its_pages(shop):
    context = _context(second_page="Returns are accepted within 14 days.")

    pdf = pdf_render(template=DOCUMENT, context=context, language="en")

    pages = _pages_text(pdf)
    assert len(pages) == 2
    assert "Page 1 of 2" in pages[0]
    assert "Page 2 of 2" in pages[1]
    assert "Tea House · hello@teahouse.example" in pages[1]  # the footer on every page


def test_document_starts_with_the_shop_header(shop):
    pdf = pdf_render(template=DOCUMENT, context=_context(), language="en")

    [page] = _pages_text(pdf)
    assert page.index("Tea House") < page.index("Invoice") < page.index("1042")
    assert "Germany" in page
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "Invoice 1042"


def test_chinese_text_renders_and_extracts(shop):
    context = _context(rows=0, bill_to=["王小明", "北京市朝阳区建国路 88 号"], note="谢谢惠顾！")
    context["rows"] = [
        {
            "name": "西湖龙井",
            "variant": "一百克",
            "sku": "TEA-1",
            "qty": "1",
            "price": "¥60.00",
            "total": "¥60.00",
        }
    ]

    pdf = pdf_render(template=DOCUMENT, context=context, language="zh-hans")

    [page] = _pages_text(pdf)
    for text in ("茶馆", "王小明", "北京市朝阳区建国路", "西湖龙井", "谢谢惠顾", "德国"):
        assert text in page
    fonts = {
        str(font.get_object()["/BaseFont"])
        for p in PdfReader(io.BytesIO(pdf)).pages
        for font in p["/Resources"]["/Font"].values()
    }
    assert any("CJK" in name for name in fonts), fonts


def test_shop_logo_loads_from_media_root(shop):
    buffer = io.BytesIO()
    Image.new("RGB", (240, 80), (31, 111, 92)).save(buffer, "PNG")
    shop.logo.save("logo.png", ContentFile(buffer.getvalue()))

    pdf = pdf_render(template=DOCUMENT, context=_context(), language="en")

    [page] = PdfReader(io.BytesIO(pdf)).pages
    assert len(page.images) == 1


class _CountingHandler(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_remote_urls_are_never_fetched(shop, settings, caplog):
    hits: list[str] = []
    handler = type("Handler", (_CountingHandler,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        remote = f"http://127.0.0.1:{server.server_port}/tracking-pixel.png"
        shop.logo.name = f"http://127.0.0.1:{server.server_port}/logo.png"  # e.g. a CDN URL
        shop.save()

        pdf = pdf_render(template=DOCUMENT, context=_context(remote_image=remote), language="en")
    finally:
        server.shutdown()
        server.server_close()

    assert hits == []
    assert pdf.startswith(b"%PDF")
    assert "documents load only local files" in caplog.text


def test_local_path_serves_media_and_static_files_only(shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "shop").mkdir(parents=True)
    (tmp_path / "media" / "shop" / "logo.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("no")
    site = settings.DULI_SITE_URL

    assert local_path(f"{site}/media/shop/logo.png") == tmp_path / "media" / "shop" / "logo.png"
    assert local_path((tmp_path / "media" / "shop" / "logo.png").as_uri()) is not None
    assert local_path(f"{site}/media/shop/../../secret.txt") is None
    assert local_path(f"{site}/media/shop/%2E%2E/%2E%2E/secret.txt") is None
    assert local_path((tmp_path / "secret.txt").as_uri()) is None
    assert local_path("file:///etc/passwd") is None
    assert local_path("https://evil.example.com/media/shop/logo.png") is None
    assert local_path(f"{site}/admin/") is None
    assert local_path("ftp://127.0.0.1/media/shop/logo.png") is None


def test_page_counter_follows_the_translated_word_order():
    assert page_counter_css() == '"Page " counter(page) " of " counter(pages)'


def test_pdf_unavailable_names_the_debian_packages_to_install():
    error = PdfUnavailable("cannot load library 'libpango-1.0-0': not found")

    assert error.code == "pdf_unavailable"
    assert error.status == 503
    assert "cannot load library 'libpango-1.0-0'" in error.message
    assert f"apt-get install {PANGO_PACKAGES}" in error.message
    assert PANGO_PACKAGES == "libpango-1.0-0 libpangoft2-1.0-0"

"""The rich-text editor on the dashboard's HTML fields (dashboard/js/richtext.js).

Server side: the right textareas carry `data-richtext`, still render as Django's own widget
(so the page works without JavaScript) and the pages load the script. Browser side: a
merchant formats text with the toolbar and the saved description is HTML.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from duli.testing.factories import (
    CategoryFactory,
    CollectionFactory,
    ProductFactory,
    StaffFactory,
)

PASSWORD = "correct horse battery"


class _Page(HTMLParser):
    """Collects each textarea's attributes and text, and the page's script tags."""

    def __init__(self) -> None:
        super().__init__()
        self.textareas: dict[str, dict[str, Any]] = {}
        self.scripts: list[dict[str, str | None]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "textarea":
            found = dict(attrs)
            self._open = str(found["name"])
            self.textareas[self._open] = {"attrs": found, "text": ""}
        elif tag == "script":
            self.scripts.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.textareas[self._open]["text"] += data


def _parse(html: bytes | str) -> _Page:
    page = _Page()
    page.feed(html.decode() if isinstance(html, bytes) else html)
    return page


def _rich(page: _Page) -> set[str]:
    return {name for name, t in page.textareas.items() if "data-richtext" in t["attrs"]}


# ---------------------------------------------------------------- server side


@pytest.mark.django_db
def test_product_editor_marks_both_descriptions_and_loads_the_script(staff_client: Client) -> None:
    product: Any = ProductFactory()
    response = staff_client.get(reverse("dashboard:product_edit", args=[product.pk]))

    page = _parse(response.content)
    assert _rich(page) == {"description_en", "description_zh_hans"}
    editor_scripts = [s for s in page.scripts if (s.get("src") or "").endswith("/richtext.js")]
    assert len(editor_scripts) == 1
    assert "defer" in editor_scripts[0]
    assert editor_scripts[0]["nonce"]  # the strict CSP only runs scripts carrying the nonce


@pytest.mark.django_db
def test_rich_textarea_renders_like_djangos_own_widget(staff_client: Client) -> None:
    product: Any = ProductFactory(description="<p>Soft & <strong>light</strong>.</p>")
    response = staff_client.get(reverse("dashboard:product_edit", args=[product.pk]))

    ours = _parse(response.content).textareas["description_en"]
    django = _parse(str(response.context["editor"].form["description_en"])).textareas[
        "description_en"
    ]
    assert {k: v for k, v in ours["attrs"].items() if k != "data-richtext"} == django["attrs"]
    assert ours["text"] == django["text"] == "\n<p>Soft &amp; <strong>light</strong>.</p>"


@pytest.mark.django_db
def test_rich_textarea_keeps_the_posted_text_when_the_form_is_refused(staff_client: Client) -> None:
    response = staff_client.post(
        reverse("dashboard:settings"), {"name_en": "", "shipping_policy_en": "<p>Fast</p>"}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "name_en" in errors and "shipping_policy_en" not in errors
    shipping = _parse(response.content).textareas["shipping_policy_en"]
    assert "data-richtext" in shipping["attrs"]
    assert shipping["text"] == "\n<p>Fast</p>"


DESCRIPTIONS = {"description_en", "description_zh_hans"}
POLICIES = {
    f"{name}_{lang}"
    for name in ("shipping_policy", "returns_policy", "privacy_policy", "terms")
    for lang in ("en", "zh_hans")
}


def _editor_url(kind: str) -> str:
    made: Any
    match kind:
        case "new-category":
            return reverse("dashboard:category_create")
        case "category":
            made = CategoryFactory()
            return reverse("dashboard:category_edit", args=[made.pk])
        case "collection":
            made = CollectionFactory()
            return reverse("dashboard:collection_edit", args=[made.pk])
        case _:
            return reverse("dashboard:settings")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("new-category", DESCRIPTIONS),
        ("category", DESCRIPTIONS),
        ("collection", DESCRIPTIONS),
        ("settings", POLICIES),  # not the hero text, which is plain
    ],
)
def test_html_fields_are_marked_rich_text_and_plain_ones_are_not(
    staff_client: Client, kind: str, expected: set[str]
) -> None:
    response = staff_client.get(_editor_url(kind))

    page = _parse(response.content)
    assert _rich(page) == expected
    assert any((s.get("src") or "").endswith("/richtext.js") for s in page.scripts)


# ---------------------------------------------------------------- in the browser


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = []  # console errors (CSP refusals among them), asserted empty by the tests

    def on_console(message: Any) -> None:
        # The dashboard has no favicon; Chromium's request for one is not ours to judge.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            page.problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()


def _sign_in_and_open(page: Any, live_server: Any, product: Any) -> Any:
    staff: Any = StaffFactory()
    page.goto(live_server.url + reverse("dashboard:login"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("dashboard:home"))
    page.goto(live_server.url + reverse("dashboard:product_edit", args=[product.pk]))
    return page.get_by_role("textbox", name="Description", exact=True)  # the English tab is open


def _save(page: Any) -> None:
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_selector(".message-success")


def _english_description(product: Any) -> str:
    return product.translations.get(language_code="en").description


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_text_made_bold_and_bulleted_with_the_toolbar_is_saved_as_html(
    page: Any, live_server: Any
) -> None:
    from playwright.sync_api import expect

    product: Any = ProductFactory(description="<p>Old text.</p>")
    editor = _sign_in_and_open(page, live_server, product)
    expect(editor).to_contain_text("Old text.")

    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Soft linen shirt")
    page.keyboard.press("Control+A")
    bold = page.get_by_role("button", name="Bold", exact=True)
    bold.click()
    expect(bold).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Bulleted list").click()
    _save(page)

    assert _english_description(product) == "<ul><li><strong>Soft linen shirt</strong></li>\n</ul>"
    assert page.problems == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_pasted_html_keeps_formatting_but_loses_styles(page: Any, live_server: Any) -> None:
    product: Any = ProductFactory(description="")
    editor = _sign_in_and_open(page, live_server, product)

    editor.click()
    # What a word processor puts on the clipboard: styled spans, a class, an image as data:.
    editor.evaluate(
        """(el) => {
          const data = new DataTransfer();
          data.setData("text/html", '<meta charset="utf-8"><b style="font-weight:normal">'
            + '<p class="x" style="color:red">Hello <span style="font-weight:700">big</span>'
            + ' <span style="font-style:italic">world</span></p>'
            + '<img src="data:image/png;base64,AAAA"><script>alert(1)</script></b>');
          data.setData("text/plain", "Hello big world");
          el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
            cancelable: true}));
        }"""
    )
    _save(page)

    assert _english_description(product) == "<p>Hello <strong>big</strong> <em>world</em></p>"
    assert page.problems == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_link_takes_a_web_address_and_refuses_a_script_one(page: Any, live_server: Any) -> None:
    product: Any = ProductFactory(description="<p>See the care guide.</p>")
    editor = _sign_in_and_open(page, live_server, product)
    answers = iter(["javascript:alert(1)", "https://example.com/care"])
    alerts: list[str] = []

    def on_dialog(dialog: Any) -> None:
        if dialog.type == "prompt":
            dialog.accept(next(answers))
        else:
            alerts.append(dialog.message)
            dialog.accept()

    page.on("dialog", on_dialog)
    editor.click()
    page.keyboard.press("Control+A")
    link = page.get_by_role("button", name="Link", exact=True)
    link.click()
    assert len(alerts) == 1  # the javascript: address was refused
    link.click()
    _save(page)

    saved = _english_description(product)
    assert 'href="https://example.com/care"' in saved
    assert "javascript" not in saved
    assert page.problems == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_html_view_edits_the_field_directly(page: Any, live_server: Any) -> None:
    from playwright.sync_api import expect

    product: Any = ProductFactory(description="<p>Plain.</p>")
    _sign_in_and_open(page, live_server, product)

    toggle = page.get_by_role("button", name="Edit HTML").first
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    source = page.locator("textarea[name=description_en]")
    expect(source).to_be_visible()
    expect(page.get_by_role("button", name="Bold", exact=True).first).to_be_disabled()
    source.fill("<h2>Care</h2><p>Wash <em>cold</em>.</p>")
    toggle.click()
    expect(page.get_by_role("textbox", name="Description", exact=True)).to_contain_text("Care")
    _save(page)

    assert _english_description(product) == "<h2>Care</h2><p>Wash <em>cold</em>.</p>"
    assert page.problems == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_toolbar_works_from_the_keyboard(page: Any, live_server: Any) -> None:
    from playwright.sync_api import expect

    product: Any = ProductFactory(description="<p>Hand made</p>")
    editor = _sign_in_and_open(page, live_server, product)

    editor.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Shift+Tab")  # the toolbar is one tab stop, before the text
    expect(page.get_by_role("button", name="Paragraph")).to_be_focused()
    for _ in range(3):  # Paragraph → Heading 2 → Heading 3 → Bold
        page.keyboard.press("ArrowRight")
    bold = page.get_by_role("button", name="Bold", exact=True)
    expect(bold).to_be_focused()
    page.keyboard.press("Enter")

    expect(bold).to_have_attribute("aria-pressed", "true")
    expect(page.locator("textarea[name=description_en]")).to_have_value(
        "<p><strong>Hand made</strong></p>"
    )
    assert page.problems == []

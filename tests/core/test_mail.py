"""Shop emails: rendering, sending to a real SMTP server, the after-commit task, mail_test."""

from __future__ import annotations

import email
import logging
import socket
from email import policy
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import override_settings

from duli.core.mail import mail_enqueue, mail_render, mail_send
from duli.core.tasks import mail_deliver
from duli.testing.smtp import SmtpServer

TEST_MESSAGE = "email/test_message"


def _free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- rendering


def test_message_renders_in_english_with_the_shops_branding(shop):
    rendered = mail_render(template=TEST_MESSAGE, context={}, language="en")

    assert rendered.subject == "Test email from Tea House"
    assert rendered.text.startswith("This is a test email from Tea House.\n")
    assert "hello@teahouse.example" in rendered.text
    assert "Germany" in rendered.text
    assert '<html lang="en">' in rendered.html
    assert "border-top:4px solid #1f6f5c" in rendered.html
    assert 'href="mailto:hello@teahouse.example"' in rendered.html
    assert "Your shop's email settings work." in rendered.html  # the preheader


def test_message_renders_in_chinese_with_the_chinese_shop_name(shop):
    rendered = mail_render(template=TEST_MESSAGE, context={}, language="zh-hans")

    assert "茶馆" in rendered.subject
    assert "茶馆" in rendered.text
    assert '<html lang="zh-hans">' in rendered.html
    assert "<strong>茶馆</strong>" in rendered.html
    assert "德国" in rendered.text  # the country in Chinese


def test_links_and_logo_are_absolute_urls_on_the_site_url(shop, settings):
    settings.DULI_SITE_URL = "https://tea.example.com"
    shop.logo.name = "shop/logo.png"
    shop.save()

    rendered = mail_render(template=TEST_MESSAGE, context={}, language="en")

    assert 'src="https://tea.example.com/media/shop/logo.png"' in rendered.html
    assert 'href="https://tea.example.com/"' in rendered.html
    assert "https://tea.example.com/" in rendered.text


def test_text_part_is_not_html_escaped_but_html_part_is(shop):
    shop.name = "Tea & <Co>"
    shop.save()

    rendered = mail_render(template=TEST_MESSAGE, context={}, language="en")

    assert "Tea & <Co>" in rendered.subject
    assert "This is a test email from Tea & <Co>." in rendered.text
    assert "Tea &amp; &lt;Co&gt;" in rendered.html


def test_button_text_is_dark_on_a_light_primary_colour(shop):
    shop.primary_color = "#ffd84d"
    shop.save()

    rendered = mail_render(template=TEST_MESSAGE, context={}, language="en")

    assert "color:#1b1b1b;text-decoration:none" in rendered.html


def test_context_may_not_replace_the_shop_branding(shop):
    with pytest.raises(ValueError, match="shop"):
        mail_render(template=TEST_MESSAGE, context={"shop": "other"}, language="en")


def test_unsupported_language_is_refused(shop):
    with pytest.raises(LookupError):
        mail_render(template=TEST_MESSAGE, context={}, language="tlh")


# ---------------------------------------------------------------- the SMTP test server


def test_smtp_server_fixture_receives_what_djangos_default_mailer_sends(db, smtp_server):
    EmailMessage(subject="Hi", body="Plain body", to=["ann@example.com"]).send()

    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Hi"
    assert message.text == "Plain body\n"
    assert message.envelope_to == ("ann@example.com",)
    assert smtp_server.to("ANN@example.com") == [message]
    assert smtp_server.to("bob@example.com") == []
    assert mail.outbox == []  # it went over the socket, not to locmem


def test_smtp_server_wait_for_fails_when_too_few_messages_arrive():
    with SmtpServer() as server, pytest.raises(AssertionError, match="expected 1 message"):
        server.wait_for(1, timeout=0.1)


# ---------------------------------------------------------------- sending


def test_mail_send_delivers_text_and_html_from_the_shop(shop, smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "orders@teahouse.example"

    mail_send(
        to=["ann@example.com"],
        template=TEST_MESSAGE,
        context={"mailer": "smtp.example.com:587"},
        language="en",
        reply_to=["help@teahouse.example"],
    )

    [message] = smtp_server.wait_for(1)
    assert message["From"] == "Tea House <orders@teahouse.example>"
    assert message["To"] == "ann@example.com"
    assert message["Reply-To"] == "help@teahouse.example"
    assert message["Subject"] == "Test email from Tea House"
    assert message.get_content_type() == "multipart/alternative"
    assert "Sent through: smtp.example.com:587" in message.text
    assert "smtp.example.com:587</span>" in message.html


def test_chinese_message_travels_as_utf8(shop, smtp_server):
    mail_send(to=["wang@example.com"], template=TEST_MESSAGE, context={}, language="zh-hans")

    [message] = smtp_server.wait_for(1)
    raw = message.as_bytes(policy=policy.SMTP)
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n", 1)[0].lower()  # encoded headers, not raw bytes
    reparsed = email.message_from_bytes(raw, policy=policy.default)
    assert "茶馆" in str(reparsed["Subject"])
    assert str(reparsed["From"]).startswith("茶馆 <")
    assert message.get_body(("plain",))["Content-Type"].params["charset"] == "utf-8"
    assert "茶馆" in message.text
    assert "<strong>茶馆</strong>" in message.html


@pytest.mark.django_db(transaction=True)
def test_enqueued_mail_is_delivered_by_the_task_after_commit(shop, smtp_server):
    with transaction.atomic():
        mail_enqueue(to=["ann@example.com"], template=TEST_MESSAGE, context={}, language="en")
        assert smtp_server.messages == []  # nothing leaves before the commit

    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Test email from Tea House"
    assert smtp_server.to("ann@example.com") == [message]


@pytest.mark.django_db(transaction=True)
def test_enqueued_mail_is_not_sent_when_the_transaction_rolls_back(shop, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        mail_enqueue(to=["ann@example.com"], template=TEST_MESSAGE, context={}, language="en")
        raise RuntimeError("the order failed")

    # The immediate backend would have delivered synchronously on commit; show that a
    # later commit does not send it either.
    with transaction.atomic():
        pass
    assert smtp_server.messages == []


def test_enqueue_refuses_a_context_that_is_not_json(shop):
    with pytest.raises(TypeError, match="not JSON-serialisable"):
        mail_enqueue(
            to=["a@example.com"], template=TEST_MESSAGE, context={"shop_obj": shop}, language="en"
        )


def test_deliver_task_fails_and_logs_without_the_address_when_the_server_refuses(
    shop, smtp_server, caplog
):
    smtp_server.refuse = {"gone@example.com"}

    with caplog.at_level(logging.ERROR, logger="duli.core.tasks"):
        result = mail_deliver.enqueue(
            to=["gone@example.com"], template=TEST_MESSAGE, context={}, language="en", reply_to=[]
        )

    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "smtplib.SMTPRecipientsRefused"
    [logged] = [r.getMessage() for r in caplog.records if r.name == "duli.core.tasks"]
    assert logged == "mail email/test_message to 1 recipient(s) failed: SMTPRecipientsRefused"
    assert smtp_server.messages == []


# ---------------------------------------------------------------- mail_test command


def test_mail_test_command_sends_the_test_message(shop, smtp_server):
    out = StringIO()

    call_command("mail_test", "ops@example.com", stdout=out)

    [message] = smtp_server.wait_for(1)
    assert smtp_server.to("ops@example.com") == [message]
    assert message["Subject"] == "Test email from Tea House"
    assert f"Sent through: 127.0.0.1:{smtp_server.port}" in message.text
    assert out.getvalue() == (
        f"Sent a test email to ops@example.com through 127.0.0.1:{smtp_server.port}.\n"
    )


def test_mail_test_command_can_send_in_chinese(shop, smtp_server):
    call_command("mail_test", "ops@example.com", "--language", "zh-hans", stdout=StringIO())

    [message] = smtp_server.wait_for(1)
    assert "茶馆" in message["Subject"]


def test_mail_test_command_says_so_when_no_server_listens(shop):
    port = _free_port()
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    with override_settings(MAILERS=mailers), pytest.raises(CommandError) as error:
        call_command("mail_test", "ops@example.com", stdout=StringIO())

    assert str(error.value) == (
        f"Could not reach the mail server at 127.0.0.1:{port}: Connection refused. "
        "Check the host, port and TLS settings in DULI_EMAIL_URL."
    )


def test_mail_test_command_says_so_when_the_server_refuses(shop, smtp_server):
    smtp_server.refuse = {"ops@example.com"}

    with pytest.raises(
        CommandError, match=r"refused the test email: 550 5\.1\.1 Mailbox unavailable"
    ):
        call_command("mail_test", "ops@example.com", stdout=StringIO())


def test_mail_test_command_refuses_what_is_not_an_address(shop, smtp_server):
    with pytest.raises(CommandError, match=r"'not-an-address' is not an email address\."):
        call_command("mail_test", "not-an-address", stdout=StringIO())

    assert smtp_server.messages == []


def test_mail_test_command_warns_that_locmem_does_not_deliver(shop):
    out = StringIO()

    call_command("mail_test", "ops@example.com", stdout=out)

    assert "Sent a test email to ops@example.com through locmem backend." in out.getvalue()
    assert "does not deliver email" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["ops@example.com"]]

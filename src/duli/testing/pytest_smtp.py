"""pytest plugin: the `smtp_server` fixture, a real SMTP server Django's mail is sent to.

Enable it with `pytest_plugins = ["duli.testing.pytest_smtp"]` in a conftest.py.

Django 6.1 builds a new backend from `settings.MAILERS` each time mail is sent
(`django.core.mail.mailers` keeps no cache), so overriding the setting for the test is
enough; the test runner's locmem override is replaced only for that test and restored after.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from duli.testing.smtp import SmtpServer


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A started SmtpServer; the default mailer sends to it with Django's SMTP backend."""
    with SmtpServer() as server:
        mailers = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": server.host, "port": server.port, "timeout": 10},
            }
        }
        with override_settings(MAILERS=mailers):
            yield server

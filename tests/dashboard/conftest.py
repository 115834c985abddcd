"""Fixtures for dashboard tests: a signed-in staff client and form-to-POST helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django import forms
from django.test import Client

from duli.testing.factories import StaffFactory


@pytest.fixture
def staff(db: Any) -> Any:
    return StaffFactory(email="owner@example.com")


@pytest.fixture
def staff_client(staff: Any) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def form_values(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser would post for `form` as rendered (initial or bound values)."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(bound.field, forms.FileField):
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif isinstance(value, datetime):
            data[bound.html_name] = value.strftime("%Y-%m-%dT%H:%M")
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def formset_values(formset: forms.BaseFormSet) -> dict[str, Any]:
    data = form_values(formset.management_form)
    for form in formset.forms:
        data.update(form_values(form))
    return data


def editor_values(client: Client, url: str) -> dict[str, Any]:
    """The product editor's whole form as the page shows it, ready to change and post."""
    response = client.get(url)
    assert response.status_code == 200
    editor = response.context["editor"]
    data = form_values(editor.form)
    for formset in (editor.options, editor.variants, editor.specs):
        data.update(formset_values(formset))
    return data

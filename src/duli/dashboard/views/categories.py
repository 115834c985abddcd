"""Categories: the tree, create/edit (names, parent, position, active) and delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duli.catalog.errors import SlugTaken
from duli.catalog.models import Category
from duli.catalog.services import category_create, category_delete, category_update
from duli.core.errors import DomainError
from duli.dashboard.forms import CategoryForm
from duli.dashboard.selectors import categories_all
from duli.dashboard.views.access import domain_error_message, staff_required


@staff_required
def category_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboard/categories/list.html",
        {"categories": categories_all(), "nav": "categories"},
    )


def _save(form: CategoryForm, category: Category | None) -> Category:
    d = form.cleaned_data
    translations = form.translations(d)
    if category is None:
        parent = Category.objects.filter(pk=d["parent"]).first() if d["parent"] else None
        return category_create(
            slug=d["slug"],
            names={code: t["name"] for code, t in translations.items() if t.get("name")},
            descriptions={code: t["description"] for code, t in translations.items()},
            parent=parent,
            position=d["position"],
            is_active=d["is_active"],
        )
    return category_update(
        category_id=category.pk,
        translations=translations,
        parent_id=d["parent"],
        slug=d["slug"] or None,
        position=d["position"],
        is_active=d["is_active"],
    )


@staff_required
def category_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    category = None
    if pk:
        category = Category.objects.prefetch_related("translations").filter(pk=pk).first()
        if category is None:
            raise Http404
    kwargs: dict[str, Any] = {
        "categories": categories_all(),
        # A category cannot move under itself; its subtree is left out of the parent choices.
        "exclude_path": category.path if category else "",
        "initial": CategoryForm.initial_for(category)
        if category
        else {"position": 0, "is_active": True},
    }
    form = CategoryForm(request.POST if request.method == "POST" else None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(form, category)
        except DomainError as exc:
            form.add_error(
                "slug" if isinstance(exc, SlugTaken) else None, domain_error_message(exc)
            )
        else:
            messages.success(request, _("Category “%(name)s” saved.") % {"name": saved})
            return redirect("dashboard:category_list")
    return render(
        request,
        "dashboard/categories/edit.html",
        {"form": form, "category": category, "nav": "categories"},
    )


@staff_required
@require_POST
def category_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise Http404
    name = str(category)
    try:
        category_delete(category_id=pk)
    except DomainError as exc:
        messages.error(
            request,
            _("“%(name)s” was not deleted: %(reason)s")
            % {"name": name, "reason": domain_error_message(exc)},
        )
        return redirect("dashboard:category_edit", pk=pk)
    messages.success(request, _("Category “%(name)s” deleted.") % {"name": name})
    return redirect("dashboard:category_list")

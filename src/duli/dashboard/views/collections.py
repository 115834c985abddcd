"""Collections: list, create/edit, and picking their products in order."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duli.catalog.errors import SlugTaken
from duli.catalog.models import Collection
from duli.catalog.services import collection_delete, collection_products_set, collection_save
from duli.core.errors import DomainError
from duli.dashboard.forms import CollectionForm, CollectionProductsForm
from duli.dashboard.selectors import (
    collection_products_ordered,
    collections_all,
    products_search_for_picker,
)
from duli.dashboard.views.access import domain_error_message, staff_required


@staff_required
def collection_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboard/collections/list.html",
        {"collections": collections_all(), "nav": "collections"},
    )


@staff_required
def collection_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    collection = None
    if pk:
        collection = Collection.objects.prefetch_related("translations").filter(pk=pk).first()
        if collection is None:
            raise Http404
    initial = CollectionForm.initial_for(collection) if collection else {"is_published": True}
    form = CollectionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            saved = collection_save(
                collection_id=collection.pk if collection else None,
                translations=form.translations(d),
                slug=d["slug"],
                is_published=d["is_published"],
                featured_on_home=d["featured_on_home"],
                home_position=d["home_position"],
            )
        except DomainError as exc:
            form.add_error(
                "slug" if isinstance(exc, SlugTaken) else None, domain_error_message(exc)
            )
        else:
            messages.success(request, _("Collection “%(name)s” saved.") % {"name": saved})
            return redirect("dashboard:collection_edit", pk=saved.pk)
    context: dict[str, Any] = {"form": form, "collection": collection, "nav": "collections"}
    if collection:
        members = collection_products_ordered(collection_id=collection.pk)
        search = request.GET.get("q", "").strip()
        context.update(
            members=members,
            member_ids=",".join(str(p.pk) for p in members),
            search=search,
            candidates=products_search_for_picker(
                search=search, exclude_ids=[p.pk for p in members]
            ),
        )
    return render(request, "dashboard/collections/edit.html", context)


@staff_required
@require_POST
def collection_products(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply one add/remove/up/down to the posted order and save it."""
    if not Collection.objects.filter(pk=pk).exists():
        raise Http404
    form = CollectionProductsForm(request.POST)
    if form.is_valid():
        collection_products_set(collection_id=pk, product_ids=form.new_order())
        messages.success(request, _("Products of the collection saved."))
    else:
        messages.error(request, _("That change could not be read; reload the page."))
    url = reverse("dashboard:collection_edit", kwargs={"pk": pk})
    search = request.POST.get("q", "")
    return redirect(f"{url}?{urlencode({'q': search})}#products" if search else f"{url}#products")


@staff_required
@require_POST
def collection_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    collection_delete(collection_id=pk)
    messages.success(request, _("Collection deleted."))
    return redirect("dashboard:collection_list")

"""The product editor (create and edit) and its image endpoints.

One form holds the product's text, options, variant grid and specs. Saving calls the
catalogue and inventory services inside one transaction, so a refusal half-way (a SKU that
is taken) leaves nothing changed, and the page comes back with the merchant's input and the
message next to the field that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from parler.cache import get_object_cache_keys

from duli.catalog.errors import SkuTaken, SlugTaken
from duli.catalog.models import Product, ProductImage, ProductVariant
from duli.catalog.services import (
    product_create,
    product_image_add,
    product_image_delete,
    product_image_update,
    product_images_reorder,
    product_options_set,
    product_specs_set,
    product_tax_class_set,
    product_update,
    variant_delete,
    variant_save,
    variants_generate,
)
from duli.core.errors import DomainError
from duli.core.selectors import shop_settings_get
from duli.dashboard.forms import (
    ImageAltForm,
    ImagesReorderForm,
    ImagesUploadForm,
    OptionForm,
    OptionFormSet,
    ProductForm,
    SpecForm,
    SpecFormSet,
    VariantForm,
    VariantFormSet,
    VariantsGenerateForm,
)
from duli.dashboard.selectors import categories_all, product_for_editor
from duli.dashboard.views.access import domain_error_message, staff_required
from duli.inventory.services import stock_adjust

EDITOR_STOCK_REASON = "Edited in product editor"


def _default_stock(variant: ProductVariant) -> tuple[int, int]:
    """(on hand, reserved) in the default warehouse, from prefetched stock rows."""
    for stock in variant.stocks.all():
        if stock.warehouse.is_default:
            return stock.on_hand, stock.reserved
    return 0, 0


def _variant_label(variant: ProductVariant) -> str:
    values = sorted(variant.option_values.all(), key=lambda v: (v.option.position, v.position))
    return " / ".join(str(v) for v in values)


@dataclass
class Editor:
    """Every form of the editor page, bound or not, plus errors that belong to no field."""

    product: Product | None
    form: ProductForm
    options: Any
    variants: Any
    specs: Any
    generate: VariantsGenerateForm
    images: ImagesUploadForm
    errors: list[str] = field(default_factory=list)
    # The step `_save` is in ("variant", its form), so a refusal lands next to its cause.
    where: tuple[str, Any] = ("product", None)

    @classmethod
    def build(cls, product: Product | None, data: Any = None, files: Any = None) -> Editor:
        categories = categories_all()
        variants = list(product.variants.all()) if product else []
        stock = {v.pk: _default_stock(v) for v in variants}
        initial = ProductForm.initial_for(product) if product else {"status": "draft"}
        editor = cls(
            product=product,
            form=ProductForm(data, initial=initial, categories=categories),
            options=OptionFormSet(
                data,
                prefix="options",
                initial=[OptionForm.initial_for(o) for o in product.options.all()]
                if product
                else [],
            ),
            variants=VariantFormSet(
                data,
                prefix="variants",
                initial=[VariantForm.initial_for(v, on_hand=stock[v.pk][0]) for v in variants],
            ),
            specs=SpecFormSet(
                data,
                prefix="specs",
                initial=[SpecForm.initial_for(s) for s in product.specs.all()] if product else [],
            ),
            generate=VariantsGenerateForm(data),
            images=ImagesUploadForm(data, files, prefix="images"),
        )
        by_id = {v.pk: v for v in variants}
        for i, form in enumerate(editor.variants.forms):
            if data is not None:
                posted = _posted_id(form)
                variant = by_id.get(posted) if posted else None
            else:
                variant = variants[i] if i < len(variants) else None
            form.variant = variant
            form.label = _variant_label(variant) if variant else ""
            form.reserved = stock[variant.pk][1] if variant else 0
        return editor

    def is_valid(self) -> bool:
        parts = [self.form, self.options, self.variants, self.specs, self.generate, self.images]
        results = [p.is_valid() for p in parts]  # every part validates, so all show errors
        valid = all(results)
        for form in self.variants.forms:
            if _posted_id(form) and form.variant is None:
                form.add_error(None, _("This variant no longer exists; reload the page."))
                valid = False
        return valid


def _posted_id(form: VariantForm) -> int | None:
    value = form["id"].value()
    return int(value) if value and str(value).isdigit() else None


def _save(editor: Editor, *, request: HttpRequest, generate: bool) -> tuple[Product, int]:
    """Run the services in order; the caller's transaction undoes all on a refusal."""
    currency = editor.product.currency if editor.product else shop_settings_get().currency
    data = editor.form.to_input(currency=currency)
    editor.where = ("product", None)
    if editor.product:
        product = product_update(product_id=editor.product.pk, data=data)
    else:
        product = product_create(data=data)
    if "tax_class" in editor.form.changed_data:
        product_tax_class_set(
            product_id=product.pk, tax_class_code=editor.form.cleaned_data["tax_class"] or None
        )

    editor.where = ("options", None)
    if editor.options.has_changed():
        product_options_set(product_id=product.pk, options=editor.options.to_inputs())

    for form in editor.variants.forms:
        editor.where = ("variant", form)
        variant = form.variant
        if editor.variants._should_delete_form(form):
            if variant:
                variant_delete(variant_id=variant.pk)
            continue
        if not (form.has_changed() and form.cleaned_data):
            continue
        saved = variant_save(
            product_id=product.pk,
            variant_id=variant.pk if variant else None,
            data=form.to_input(image_id=variant.image_id if variant else None),
        )
        on_hand = form.cleaned_data.get("on_hand")
        current = _default_stock(variant)[0] if variant else 0
        if on_hand is not None and on_hand != current:
            editor.where = ("stock", form)
            stock_adjust(
                variant_id=saved.pk,
                set_on_hand=on_hand,
                reason=EDITOR_STOCK_REASON,
                actor=request.user,  # type: ignore[arg-type]
            )

    editor.where = ("specs", None)
    if editor.specs.has_changed():
        rows = [
            row
            for f in editor.specs.forms
            if f.cleaned_data and not editor.specs._should_delete_form(f) and (row := f.row())
        ]
        product_specs_set(product_id=product.pk, specs=rows)

    editor.where = ("images", None)
    for upload in editor.images.cleaned_data.get("images") or []:
        product_image_add(product_id=product.pk, file=upload, alt=editor.images.cleaned_data["alt"])

    made = 0
    if generate:
        editor.where = ("generate", None)
        g = editor.generate.cleaned_data
        made = len(
            variants_generate(
                product_id=product.pk,
                price=g["generate_price"] if g["generate_price"] is not None else Decimal(0),
                sku_prefix=g["generate_sku_prefix"],
            )
        )
    return product, made


def _place_error(editor: Editor, exc: DomainError) -> None:
    where, form = editor.where
    message = domain_error_message(exc)
    if where == "product" and isinstance(exc, SlugTaken) and editor.form.cleaned_data.get("slug"):
        editor.form.add_error("slug", message)
    elif where == "variant" and isinstance(exc, SkuTaken) and "SKU" in message:
        form.add_error("sku", message)
    elif where == "variant":
        form.add_error(None, message)
    elif where == "stock":
        form.add_error("on_hand", message)
    elif where == "generate":
        editor.generate.add_error(None, message)
    else:
        editor.errors.append(message)


def _forget_cached_translations(product_id: int) -> None:
    """After a rollback, drop parler's cached translations of the product and its parts,
    which the undone writes had already refreshed."""
    product = (
        Product.objects.filter(pk=product_id).prefetch_related("options__values", "specs").first()
    )
    if product is None:
        return
    objects: list[Any] = [product, *product.specs.all()]
    for option in product.options.all():
        objects += [option, *option.values.all()]
    cache.delete_many([key for obj in objects for key in get_object_cache_keys(obj)])


def _shop_preview_url(request: HttpRequest) -> str:
    try:
        path = reverse("storefront:product", kwargs={"slug": "__slug__"})
    except NoReverseMatch:
        path = "/products/__slug__/"
    return request.get_host() + path


@staff_required
def product_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    product = product_for_editor(product_id=pk) if pk else None
    if pk and product is None:
        raise Http404
    if request.method == "POST":
        editor = Editor.build(product, request.POST, request.FILES)
        if editor.is_valid():
            generate = request.POST.get("action") == "generate"
            try:
                with transaction.atomic():
                    saved, made = _save(editor, request=request, generate=generate)
            except DomainError as exc:
                if product:
                    _forget_cached_translations(product.pk)
                _place_error(editor, exc)
                messages.error(
                    request, _("Nothing was saved. Fix the marked fields and save again.")
                )
            else:
                note = _("Product saved.")
                if generate:
                    note += " " + _("%(n)d variants generated.") % {"n": made}
                messages.success(request, note)
                return redirect("dashboard:product_edit", pk=saved.pk)
        else:
            messages.error(request, _("Nothing was saved. Fix the marked fields and save again."))
    else:
        editor = Editor.build(product)
    return render(
        request,
        "dashboard/products/edit.html",
        {
            "editor": editor,
            "product": product,
            "images": list(product.images.all()) if product else [],
            "preview_url": _shop_preview_url(request),
            "nav": "products",
        },
    )


# ---------------------------------------------------------------- images


def _owned_image(product_id: int, image_id: int) -> ProductImage:
    image = ProductImage.objects.filter(pk=image_id, product_id=product_id).first()
    if image is None:
        raise Http404
    return image


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back_to_images(pk: int) -> HttpResponse:
    return redirect(reverse("dashboard:product_edit", kwargs={"pk": pk}) + "#images")


@staff_required
@require_POST
def product_images_upload(request: HttpRequest, pk: int) -> HttpResponse:
    if not Product.objects.filter(pk=pk).exists():
        raise Http404
    form = ImagesUploadForm(request.POST, request.FILES, prefix="images")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back_to_images(pk)
    added = 0
    for upload in form.cleaned_data["images"]:
        try:
            product_image_add(product_id=pk, file=upload, alt=form.cleaned_data["alt"])
        except DomainError as exc:
            messages.error(request, f"{upload.name}: {domain_error_message(exc)}")
        else:
            added += 1
    if added:
        messages.success(request, _("%(n)d image(s) added.") % {"n": added})
    return _back_to_images(pk)


@staff_required
@require_POST
def product_images_reorder_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Takes the whole order (drag and drop) or one up/down move (keyboard, no JS)."""
    current = list(
        ProductImage.objects.filter(product_id=pk)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    form = ImagesReorderForm(request.POST)
    order = form.new_order(current) if form.is_valid() else current
    product_images_reorder(product_id=pk, image_ids=order)
    if _wants_json(request):
        return JsonResponse({"order": order})
    messages.success(request, _("Image order saved."))
    return _back_to_images(pk)


@staff_required
@require_POST
def product_image_update_view(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    _owned_image(pk, image_pk)
    form = ImageAltForm(request.POST)
    if form.is_valid():
        product_image_update(image_id=image_pk, alt=form.cleaned_data["alt"])
        messages.success(request, _("Alt text saved."))
    else:
        messages.error(request, _("The alt text is too long (200 characters at most)."))
    return _back_to_images(pk)


@staff_required
@require_POST
def product_image_delete_view(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    _owned_image(pk, image_pk)
    product_image_delete(image_id=image_pk)
    messages.success(request, _("Image deleted."))
    return _back_to_images(pk)

"""Dashboard forms: they validate the merchant's input and turn it into service arguments.

Translated text is one field per language, named `<field>_<lang key>` ("name_en",
"name_zh_hans"); `language_groups` hands templates the fields grouped per language for
the tab UI. No form writes to the database: views pass `cleaned_data` on to services.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from babel import Locale
from babel.numbers import get_territory_currencies
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from duli.catalog.models import Category, ProductStatus
from duli.catalog.services import OptionInput, ProductInput, VariantInput
from duli.tax.geo import country_choices
from duli.tax.selectors import tax_class_choices


def set_choices(form: forms.BaseForm, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def lang_key(code: str) -> str:
    """A language code as a Python identifier ("zh-hans" -> "zh_hans")."""
    return code.replace("-", "_")


def languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


@dataclass(frozen=True, slots=True)
class LanguageGroup:
    code: str
    label: str
    fields: list[forms.BoundField]

    @property
    def key(self) -> str:
        return lang_key(self.code)


class TranslatedFieldsMixin:
    """Adds one field per language for each entry of `translated` (name -> field factory).

    The first language (English) gets `required_first` fields marked required.
    """

    translated: Mapping[str, Any] = {}
    required_first: Sequence[str] = ()
    fields: dict[str, forms.Field]

    def _add_translated_fields(self) -> None:
        for i, (code, _label) in enumerate(languages()):
            for name, factory in self.translated.items():
                field = factory()
                field.required = i == 0 and name in self.required_first
                if name.startswith("seo_") and getattr(field, "max_length", None):
                    field.widget.attrs["data-max"] = str(field.max_length)  # live counter
                self.fields[f"{name}_{lang_key(code)}"] = field

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        # A second language is optional, but once any of its text is typed it needs the
        # same required fields as the first (a Chinese description with no Chinese name).
        for code, _label in languages()[1:]:
            key = lang_key(code)
            if any(data.get(f"{name}_{key}") for name in self.translated):
                for name in self.required_first:
                    if not data.get(f"{name}_{key}"):
                        self.add_error(f"{name}_{key}", _("Needed once this language has text."))  # type: ignore[attr-defined]
        return data

    @property
    def language_groups(self) -> list[LanguageGroup]:
        return [
            LanguageGroup(
                code=code,
                label=label,
                fields=[self[f"{name}_{lang_key(code)}"] for name in self.translated],  # type: ignore[index]
            )
            for code, label in languages()
        ]

    def translations(self, cleaned: Mapping[str, Any]) -> dict[str, dict[str, str]]:
        """{"en": {"name": …}, "zh-hans": {…}}, leaving out languages with nothing typed."""
        out: dict[str, dict[str, str]] = {}
        for code, _label in languages():
            values = {
                name: cleaned.get(f"{name}_{lang_key(code)}") or "" for name in self.translated
            }
            if any(values.values()) or code == languages()[0][0]:
                out[code] = values
        return out

    @staticmethod
    def translated_initial(obj: Any, names: Iterable[str]) -> dict[str, str]:
        """Initial values for the per-language fields of a parler object."""
        initial: dict[str, str] = {}
        by_language = {t.language_code: t for t in obj.translations.all()}
        for code, _label in languages():
            translation = by_language.get(code)
            for name in names:
                initial[f"{name}_{lang_key(code)}"] = getattr(translation, name, "") or ""
        return initial


def _char(max_length: int, label: Any = "", **kwargs: Any) -> Any:
    return lambda: forms.CharField(max_length=max_length, label=label or None, **kwargs)


def _text(label: Any = "", rows: int = 6) -> Any:
    return lambda: forms.CharField(label=label or None, widget=forms.Textarea(attrs={"rows": rows}))


# ---------------------------------------------------------------- auth


class StaffAuthenticationForm(AuthenticationForm):
    """Email + password; only staff accounts get in, everyone else is told why."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_staff": _(
            "This account cannot open the dashboard. Ask the shop owner for a staff account."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise ValidationError(self.error_messages["not_staff"], code="not_staff")


# ---------------------------------------------------------------- products


def category_choices(
    categories: Sequence[Category], *, exclude_path: str = ""
) -> list[tuple[str, str]]:
    """Select choices for a category tree, indented by depth ("— — Shirts")."""
    choices = [("", "—")]
    for c in categories:
        if exclude_path and c.path.startswith(exclude_path):
            continue
        choices.append((str(c.pk), "\u2003" * c.depth + str(c)))
    return choices


class ProductForm(TranslatedFieldsMixin, forms.Form):
    translated = {
        "name": _char(200, _("Name")),
        "description": _text(_("Description")),
        "seo_title": _char(70, _("SEO title")),
        "seo_description": lambda: forms.CharField(
            max_length=160, label=_("SEO description"), widget=forms.Textarea(attrs={"rows": 2})
        ),
    }
    required_first = ("name",)

    slug = forms.SlugField(
        label=_("URL handle"),
        max_length=160,
        required=False,
        help_text=_("Leave empty to make one from the English name."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ProductStatus.choices)
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("An active product stays hidden until then."),
    )
    brand = forms.CharField(label=_("Brand"), max_length=120, required=False)
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, empty_value=None, required=False
    )
    tags = forms.CharField(
        label=_("Tags"), max_length=500, required=False, help_text=_("Separate with commas.")
    )
    video_url = forms.URLField(label=_("Video URL"), required=False, assume_scheme="https")
    model_number = forms.CharField(label=_("Model number"), max_length=80, required=False)
    tax_class = forms.ChoiceField(
        label=_("Tax class"),
        required=False,
        help_text=_("Which tax rates apply to it (set up under Tax)."),
    )

    def __init__(self, *args: Any, categories: Sequence[Category] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_translated_fields()
        set_choices(self, "category", category_choices(categories))
        classes = tax_class_choices()
        default = classes[0][1] if classes else ""
        set_choices(
            self,
            "tax_class",
            [("", _("Default class (%(name)s)") % {"name": default}), *classes],
        )

    @classmethod
    def initial_for(cls, product: Any) -> dict[str, Any]:
        return {
            **cls.translated_initial(product, cls.translated),
            "slug": product.slug,
            "status": product.status,
            "publish_at": product.publish_at,
            "brand": product.brand.name if product.brand else "",
            "category": product.category_id,
            "tags": ", ".join(t.name for t in product.tags.all()),
            "video_url": product.video_url,
            "model_number": product.model_number,
            "tax_class": product.tax_class.code if product.tax_class_id else "",
        }

    def to_input(self, *, currency: str) -> ProductInput:
        d = self.cleaned_data
        return ProductInput(
            translations=self.translations(d),
            slug=d["slug"],
            status=d["status"],
            brand_name=d["brand"].strip(),
            category_id=d["category"],
            tag_names=[t.strip() for t in d["tags"].split(",") if t.strip()],
            publish_at=d["publish_at"],
            video_url=d["video_url"],
            model_number=d["model_number"].strip(),
            currency=currency,
        )


class OptionForm(forms.Form):
    """One option: its code, its name per language and its values as comma lists."""

    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("e.g. size, color"))
    name_en = forms.CharField(label=_("Name (English)"), max_length=60)
    name_zh_hans = forms.CharField(label=_("Name (简体中文)"), max_length=60, required=False)
    values_en = forms.CharField(
        label=_("Values (English)"), max_length=1000, help_text=_("Comma separated: S, M, L")
    )
    values_zh_hans = forms.CharField(
        label=_("Values (简体中文)"),
        max_length=1000,
        required=False,
        help_text=_("Same order, e.g. 小, 中, 大"),
    )

    @staticmethod
    def _split(text: str) -> list[str]:
        return [v.strip() for v in text.replace("，", ",").split(",") if v.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        en = self._split(data.get("values_en", ""))
        zh = self._split(data.get("values_zh_hans", ""))
        if zh and len(zh) != len(en):
            self.add_error("values_zh_hans", _("Give as many Chinese values as English ones."))
        codes = [slugify(v) or f"v{i + 1}" for i, v in enumerate(en)]
        if len(set(codes)) != len(codes):
            self.add_error("values_en", _("Each value must be different."))
        data["value_rows"] = [
            {"code": code, "en": value, **({"zh-hans": zh[i]} if zh else {})}
            for i, (code, value) in enumerate(zip(codes, en, strict=True))
        ]
        return data

    def to_input(self) -> OptionInput:
        d = self.cleaned_data
        names = {"en": d["name_en"]}
        if d.get("name_zh_hans"):
            names["zh-hans"] = d["name_zh_hans"]
        return OptionInput(code=d["code"], names=names, values=d["value_rows"])

    @staticmethod
    def initial_for(option: Any) -> dict[str, str]:
        def name(obj: Any, code: str) -> str:
            t = next((t for t in obj.translations.all() if t.language_code == code), None)
            return t.name if t else ""

        values = list(option.values.all())
        zh = [name(v, "zh-hans") for v in values]
        return {
            "code": option.code,
            "name_en": name(option, "en"),
            "name_zh_hans": name(option, "zh-hans"),
            "values_en": ", ".join(name(v, "en") or v.code for v in values),
            "values_zh_hans": ", ".join(zh) if all(zh) else "",
        }


class BaseOptionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        codes = [
            f.cleaned_data["code"]
            for f in self.forms
            if f.cleaned_data.get("code") and not f.cleaned_data.get("DELETE")
        ]
        if len(set(codes)) != len(codes):
            raise ValidationError(_("Each option needs its own code."))

    def to_inputs(self) -> list[OptionInput]:
        return [
            f.to_input()
            for f in self.forms
            if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


OptionFormSet = forms.formset_factory(
    OptionForm, formset=BaseOptionFormSet, extra=1, can_delete=True
)


def amount_initial(value: Decimal | None) -> str | None:
    """A stored amount (4 places) as a merchant typed it: "12.50", not "12.5000"."""
    if value is None:
        return None
    cents = value.quantize(Decimal("0.01"))
    return str(cents) if cents == value else format(value.normalize(), "f")


class VariantForm(forms.Form):
    """One row of the variant grid. `variant` (set by the view) is the row's variant."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    sku = forms.CharField(label=_("SKU"), max_length=64)
    price = forms.DecimalField(
        label=_("Price"), min_value=Decimal(0), max_digits=16, decimal_places=4
    )
    compare_at = forms.DecimalField(
        label=_("Compare at"), min_value=Decimal(0), max_digits=16, decimal_places=4, required=False
    )
    cost = forms.DecimalField(
        label=_("Cost"), min_value=Decimal(0), max_digits=16, decimal_places=4, required=False
    )
    barcode = forms.CharField(label=_("Barcode"), max_length=64, required=False)
    weight_grams = forms.IntegerField(label=_("Weight (g)"), min_value=0, required=False)
    on_hand = forms.IntegerField(label=_("On hand"), min_value=0, required=False)
    low_stock_threshold = forms.IntegerField(label=_("Low at"), min_value=0, initial=5)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    variant: Any = None
    label: str = ""
    reserved: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the grid's column heads are the visible labels
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def to_input(
        self, *, option_value_ids: Sequence[int] = (), image_id: int | None = None
    ) -> VariantInput:
        d = self.cleaned_data
        return VariantInput(
            sku=d["sku"].strip(),
            price=d["price"],
            compare_at=d["compare_at"],
            cost=d["cost"],
            barcode=d["barcode"].strip(),
            weight_grams=d["weight_grams"] or 0,
            option_value_ids=option_value_ids,
            image_id=image_id,
            low_stock_threshold=d["low_stock_threshold"],
            is_active=d["is_active"],
            track_inventory=self.variant.track_inventory if self.variant else True,
        )

    @staticmethod
    def initial_for(variant: Any, *, on_hand: int) -> dict[str, Any]:
        return {
            "id": variant.pk,
            "sku": variant.sku,
            "price": amount_initial(variant.price_amount),
            "compare_at": amount_initial(variant.compare_at_amount),
            "cost": amount_initial(variant.cost_amount),
            "barcode": variant.barcode,
            "weight_grams": variant.weight_grams,
            "on_hand": on_hand,
            "low_stock_threshold": variant.low_stock_threshold,
            "is_active": variant.is_active,
        }


VariantFormSet = forms.formset_factory(VariantForm, extra=1, can_delete=True)


class SpecForm(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=80, required=False)
    value_en = forms.CharField(label=_("Value (English)"), max_length=255, required=False)
    name_zh_hans = forms.CharField(label=_("Name (简体中文)"), max_length=80, required=False)
    value_zh_hans = forms.CharField(label=_("Value (简体中文)"), max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key in ("en", "zh_hans"):
            if bool(data.get(f"name_{key}")) != bool(data.get(f"value_{key}")):
                self.add_error(f"value_{key}", _("Give both a name and a value."))
        return data

    def row(self) -> dict[str, dict[str, str]] | None:
        d = self.cleaned_data
        row = {
            code: {"name": d[f"name_{lang_key(code)}"], "value": d[f"value_{lang_key(code)}"]}
            for code in ("en", "zh-hans")
            if d.get(f"name_{lang_key(code)}")
        }
        return row or None

    @staticmethod
    def initial_for(spec: Any) -> dict[str, str]:
        initial = {}
        by_language = {t.language_code: t for t in spec.translations.all()}
        for code in ("en", "zh-hans"):
            t = by_language.get(code)
            initial[f"name_{lang_key(code)}"] = t.name if t else ""
            initial[f"value_{lang_key(code)}"] = t.value if t else ""
        return initial


SpecFormSet = forms.formset_factory(SpecForm, extra=5, can_delete=True)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Several images from one <input multiple>; each is checked by Pillow."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ImagesUploadForm(forms.Form):
    images = MultipleImageField(label=_("Add images"), required=False)
    alt = forms.CharField(label=_("Alt text"), max_length=200, required=False)


class ImageAltForm(forms.Form):
    alt = forms.CharField(label=_("Alt text"), max_length=200, required=False)


class ImagesReorderForm(forms.Form):
    """Either the full order (`order`: ids, comma separated) or one move of one image."""

    order = forms.CharField(required=False)
    image = forms.IntegerField(required=False)
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], required=False)

    def new_order(self, current: list[int]) -> list[int]:
        d = self.cleaned_data
        if d.get("order"):
            try:
                return [int(i) for i in d["order"].split(",") if i.strip()]
            except ValueError as exc:
                raise ValidationError(_("The image order is not a list of ids.")) from exc
        image, direction = d.get("image"), d.get("direction")
        if image not in current or not direction:
            return current
        i = current.index(image)
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(current):
            current[i], current[j] = current[j], current[i]
        return current


class BulkProductsForm(forms.Form):
    ACTIONS = {
        "publish": (_("Publish"), ProductStatus.ACTIVE),
        "unpublish": (_("Unpublish"), ProductStatus.DRAFT),
        "archive": (_("Archive"), ProductStatus.ARCHIVED),
        "delete": (_("Delete"), None),
    }
    action = forms.ChoiceField(choices=[(k, v[0]) for k, v in ACTIONS.items()])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=())
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any posted id is allowed through; the service ignores ids that name nothing.
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        set_choices(self, "ids", [(v, v) for v in raw])
        self.fields["ids"].error_messages["required"] = _("Select at least one product.")


# ---------------------------------------------------------------- categories, collections


class CategoryForm(TranslatedFieldsMixin, forms.Form):
    translated = {"name": _char(120, _("Name")), "description": _text(_("Description"), rows=3)}
    required_first = ("name",)

    slug = forms.SlugField(label=_("URL handle"), max_length=140, required=False)
    parent = forms.TypedChoiceField(label=_("Parent"), coerce=int, empty_value=None, required=False)
    position = forms.IntegerField(label=_("Position"), initial=0)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, categories: Sequence[Category] = (), exclude_path: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._add_translated_fields()
        set_choices(self, "parent", category_choices(categories, exclude_path=exclude_path))

    @classmethod
    def initial_for(cls, category: Category) -> dict[str, Any]:
        return {
            **cls.translated_initial(category, cls.translated),
            "slug": category.slug,
            "parent": category.parent_id,
            "position": category.position,
            "is_active": category.is_active,
        }


class CollectionForm(TranslatedFieldsMixin, forms.Form):
    translated = {
        "name": _char(120, _("Name")),
        "description": _text(_("Description"), rows=3),
        "seo_title": _char(70, _("SEO title")),
        "seo_description": _char(160, _("SEO description")),
    }
    required_first = ("name",)

    slug = forms.SlugField(label=_("URL handle"), max_length=140, required=False)
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)
    featured_on_home = forms.BooleanField(label=_("Featured on the home page"), required=False)
    home_position = forms.IntegerField(label=_("Position on the home page"), initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_translated_fields()

    @classmethod
    def initial_for(cls, collection: Any) -> dict[str, Any]:
        return {
            **cls.translated_initial(collection, cls.translated),
            "slug": collection.slug,
            "is_published": collection.is_published,
            "featured_on_home": collection.featured_on_home,
            "home_position": collection.home_position,
        }


class CollectionProductsForm(forms.Form):
    """The collection's product ids in order, plus one edit (add/remove/up/down:<id>)."""

    product_ids = forms.CharField(required=False)
    op = forms.RegexField(regex=r"^(add|remove|up|down):\d+$", required=False)

    def new_order(self) -> list[int]:
        d = self.cleaned_data
        ids = [int(i) for i in d["product_ids"].split(",") if i.strip().isdigit()]
        if not d.get("op"):
            return ids
        verb, raw = d["op"].split(":")
        pid = int(raw)
        if verb == "add" and pid not in ids:
            ids.append(pid)
        elif verb == "remove" and pid in ids:
            ids.remove(pid)
        elif verb in ("up", "down") and pid in ids:
            i = ids.index(pid)
            j = i - 1 if verb == "up" else i + 1
            if 0 <= j < len(ids):
                ids[i], ids[j] = ids[j], ids[i]
        return ids


# ---------------------------------------------------------------- inventory


class StockAdjustForm(forms.Form):
    MODES = [("delta", _("Add or remove units")), ("set", _("Set the count on hand"))]
    mode = forms.ChoiceField(
        label=_("Change"), choices=MODES, initial="delta", widget=forms.RadioSelect
    )
    quantity = forms.IntegerField(
        label=_("Quantity"), help_text=_("For “add or remove”, use a minus sign to remove.")
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        error_messages={"required": _("Say why the stock changes (e.g. “Stocktake”, “Damaged”).")},
    )
    warehouse = forms.TypedChoiceField(
        label=_("Warehouse"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, warehouses: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "warehouse",
            [("", _("Default warehouse"))] + [(str(w.pk), w.name) for w in warehouses],
        )
        if len(warehouses) <= 1:
            self.fields["warehouse"].widget = forms.HiddenInput()

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(self.fields["reason"].error_messages["required"])
        return reason

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "set" and (data.get("quantity") or 0) < 0:
            self.add_error("quantity", _("A count on hand cannot be negative."))
        if data.get("mode") == "delta" and data.get("quantity") == 0:
            self.add_error("quantity", _("Enter how many units to add or remove."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        change = (
            {"set_on_hand": d["quantity"]}
            if d["mode"] == "set"
            else {"quantity_delta": d["quantity"]}
        )
        return {**change, "reason": d["reason"], "warehouse_id": d["warehouse"]}


# ---------------------------------------------------------------- shop settings


@cache
def currency_choices() -> list[tuple[str, str]]:
    """ISO 4217 currencies in current use somewhere, named in English."""
    names = Locale("en").currencies
    codes: set[str] = set()
    for territory in map(str, Locale("en").territories):
        if territory.isalpha() and len(territory) == 2:
            codes.update(get_territory_currencies(territory))
    return sorted(((c, f"{c} — {names.get(c, c)}") for c in codes), key=lambda x: x[0])


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f6f5c."))


def _link(value: str) -> None:
    if value and not (value.startswith("/") or value.startswith(("https://", "http://"))):
        raise ValidationError(_("Use a path like /collections/new or a full https:// address."))


class ShopSettingsForm(TranslatedFieldsMixin, forms.Form):
    translated = {
        "name": _char(120, _("Shop name")),
        "tagline": _char(200, _("Tagline")),
        "hero_title": _char(160, _("Hero title")),
        "hero_text": lambda: forms.CharField(
            max_length=300, label=_("Hero text"), widget=forms.Textarea(attrs={"rows": 2})
        ),
        "hero_link_label": _char(60, _("Hero button label")),
        "hero_link_url": lambda: forms.CharField(
            max_length=300, label=_("Hero button link"), validators=[_link]
        ),
        "shipping_policy": _text(_("Shipping policy"), rows=4),
        "returns_policy": _text(_("Returns policy"), rows=4),
        "privacy_policy": _text(_("Privacy policy"), rows=4),
        "terms": _text(_("Terms of service"), rows=4),
        "bank_transfer_instructions": lambda: forms.CharField(
            label=_("Bank transfer instructions"),
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_(
                "Shown to customers who choose bank transfer: account name, IBAN or account "
                "number, and what to write as the payment reference."
            ),
        ),
    }
    required_first = ("name",)

    logo = forms.ImageField(label=_("Logo"), required=False)
    logo_clear = forms.BooleanField(label=_("Remove the logo"), required=False)
    hero_image = forms.ImageField(label=_("Hero image"), required=False)
    hero_image_clear = forms.BooleanField(label=_("Remove the hero image"), required=False)
    primary_color = forms.CharField(
        label=_("Primary colour"),
        validators=[hex_colour],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    accent_color = forms.CharField(
        label=_("Accent colour"),
        validators=[hex_colour],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    currency = forms.ChoiceField(label=_("Currency"))
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Offer at least one language.")},
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    address = forms.CharField(
        label=_("Business address"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
        help_text=_("Shown on invoices and at the foot of emails. One item per line."),
    )
    alert_email = forms.EmailField(
        label=_("Alert email"), required=False, help_text=_("Where low-stock alerts go.")
    )
    # Checkout
    country = forms.ChoiceField(
        label=_("Shop country"),
        help_text=_("Where the shop ships from. The suggested shipping setup starts from it."),
    )
    prices_include_tax = forms.BooleanField(
        label=_("Prices include tax"),
        required=False,
        help_text=_(
            "On: the prices you enter already include tax, as is usual in the EU, the UK and "
            "China; checkout shows the tax they contain. Off: tax is added at checkout, as is "
            "usual in the US."
        ),
    )
    unpaid_cancel_hours = forms.IntegerField(
        label=_("Cancel unpaid orders after (hours)"),
        min_value=1,
        max_value=24 * 60,
        help_text=_(
            "Orders still unpaid after this many hours are cancelled and their stock is "
            "released. 72 gives bank transfers time to arrive."
        ),
    )
    return_window_days = forms.IntegerField(
        label=_("Return window (days)"),
        min_value=0,
        max_value=365,
        help_text=_("How long after delivery customers can ask for a return. 0 turns returns off."),
    )
    order_alert_email = forms.EmailField(
        label=_("New-order alert email"),
        required=False,
        help_text=_("Where an email goes for every new order. Empty: the contact email."),
    )

    UNTRANSLATED = (
        "primary_color",
        "accent_color",
        "currency",
        "languages",
        "contact_email",
        "address",
        "alert_email",
        "country",
        "prices_include_tax",
        "unpaid_cancel_hours",
        "return_window_days",
        "order_alert_email",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_translated_fields()
        set_choices(self, "currency", currency_choices())
        set_choices(self, "languages", languages())
        set_choices(
            self,
            "country",
            [(code, f"{name} ({code})") for code, name in country_choices(get_language())],
        )

    @classmethod
    def initial_for(cls, shop: Any) -> dict[str, Any]:
        return {
            **cls.translated_initial(shop, cls.translated),
            **{name: getattr(shop, name) for name in cls.UNTRANSLATED},
            "languages": shop.languages or [code for code, _label in languages()],
        }

    def service_calls(self) -> list[dict[str, Any]]:
        """The `shop_settings_update` keyword sets: shared values with English, then each
        other language's text."""
        d = self.cleaned_data
        shared: dict[str, Any] = {name: d[name] for name in self.UNTRANSLATED}
        for image in ("logo", "hero_image"):
            if d.get(image):
                shared[image] = d[image]
            elif d.get(f"{image}_clear"):
                shared[image] = ""
        return [
            {"language": code, **values, **(shared if i == 0 else {})}
            for i, (code, values) in enumerate(self.translations(d).items())
        ]


class VariantsGenerateForm(forms.Form):
    """The price (and SKU prefix) given to variants made from the options."""

    generate_price = forms.DecimalField(
        label=_("Price for new variants"),
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=4,
        required=False,
    )
    generate_sku_prefix = forms.CharField(
        label=_("SKU prefix"),
        max_length=40,
        required=False,
        help_text=_("Defaults to the URL handle."),
    )

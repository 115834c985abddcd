"""Seed the three tax classes every shop starts with: standard (the default), reduced, zero."""

from django.db import migrations

CLASSES = (
    ("standard", True, {"en": "Standard rate", "zh-hans": "标准税率"}),
    ("reduced", False, {"en": "Reduced rate", "zh-hans": "优惠税率"}),
    ("zero", False, {"en": "Zero rate", "zh-hans": "零税率"}),
)


def seed(apps, schema_editor):
    TaxClass = apps.get_model("tax", "TaxClass")
    Translation = apps.get_model("tax", "TaxClassTranslation")
    has_default = TaxClass.objects.filter(is_default=True).exists()
    for position, (code, is_default, names) in enumerate(CLASSES):
        tax_class, created = TaxClass.objects.get_or_create(
            code=code, defaults={"position": position, "is_default": is_default and not has_default}
        )
        if created:
            for language, name in names.items():
                Translation.objects.create(master=tax_class, language_code=language, name=name)


class Migration(migrations.Migration):
    dependencies = [("tax", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Background work for the catalogue."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.tasks import task
from PIL import Image, ImageOps

from duli.catalog.models import ImageRendition, ProductImage

RENDITION_WIDTHS = (320, 640, 960, 1440)


@task()
def image_renditions_make(image_id: int) -> int:
    """Make the WebP renditions of one product image; re-running makes only missing ones."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None:
        return 0
    have = set(image.renditions.filter(format="webp").values_list("width", flat=True))
    made = 0
    with image.image.open("rb") as fh, Image.open(fh) as original:
        source = ImageOps.exif_transpose(original).convert("RGB")
    stem = PurePosixPath(str(image.image.name)).stem
    for width in RENDITION_WIDTHS:
        if width in have or (width > source.width and width != RENDITION_WIDTHS[0]):
            continue
        resized = source.copy()
        resized.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        resized.save(buffer, "WEBP", quality=80, method=4)
        rendition = ImageRendition(image=image, width=width, height=resized.height, format="webp")
        rendition.file.save(f"{stem}-{width}.webp", ContentFile(buffer.getvalue()), save=False)
        try:
            with transaction.atomic():
                rendition.save()
            made += 1
        except IntegrityError:  # another worker made it first
            rendition.file.delete(save=False)
    return made

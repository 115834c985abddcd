"""Flat-illustration product pictures drawn with Pillow, so the demo needs no downloads.

Every object is drawn in a 1000 × 1000 design space at twice the output size and scaled
down, which gives smooth edges without an anti-aliasing library. `product_picture` puts an
object on a soft gradient with a shadow; `hero_picture` and `logo_picture` dress the shop.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from functools import cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

RGB = tuple[int, int, int]
Point = tuple[float, float]

SUPERSAMPLE = 2
BACKGROUNDS: list[tuple[str, str]] = [
    ("#f7f1e8", "#ead8c3"),
    ("#eef4f0", "#d5e3da"),
    ("#f4eff7", "#ded3ea"),
    ("#eef2f8", "#d3deec"),
    ("#f8efed", "#ecd3cc"),
    ("#f6f3e6", "#e5dcbc"),
]
# Light objects (white shirts, cream mugs) need a deeper backdrop to stand out.
DEEP_BACKGROUNDS: list[tuple[str, str]] = [
    ("#d9dfe3", "#b7c3cc"),
    ("#e0d6c8", "#c5b49c"),
    ("#d5ddd3", "#b2c0ae"),
]


def hex_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _hex(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """`a` moved a fraction `t` towards `b`."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def shade(colour: RGB, amount: float) -> RGB:
    """Darker for a positive amount, lighter for a negative one."""
    return (
        mix(colour, (20, 20, 28), amount) if amount >= 0 else mix(colour, (255, 255, 255), -amount)
    )


def luminance(colour: RGB) -> float:
    return (0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]) / 255


class Canvas:
    """A transparent layer addressed in a 1000-unit design space."""

    def __init__(self, size: int, colour: RGB, pattern: str = "") -> None:
        self.px = size * SUPERSAMPLE
        self.k = self.px / 1000
        self.image = Image.new("RGBA", (self.px, self.px), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)
        self.colour = colour
        self.pattern = pattern

    def _p(self, points: Sequence[Point]) -> list[tuple[float, float]]:
        return [(x * self.k, y * self.k) for x, y in points]

    def _b(self, box: Sequence[float]) -> list[float]:
        return [v * self.k for v in box]

    def poly(self, points: Sequence[Point], fill: RGB | tuple[int, int, int, int]) -> None:
        self.draw.polygon(self._p(points), fill=fill)

    def ellipse(self, box: Sequence[float], fill: RGB | tuple[int, int, int, int]) -> None:
        self.draw.ellipse(self._b(box), fill=fill)

    def ring(self, box: Sequence[float], colour: RGB, width: float) -> None:
        self.draw.ellipse(self._b(box), outline=colour, width=max(1, round(width * self.k)))

    def rect(
        self, box: Sequence[float], fill: RGB | tuple[int, int, int, int], radius: float = 0
    ) -> None:
        self.draw.rounded_rectangle(self._b(box), radius=radius * self.k, fill=fill)

    def line(
        self, points: Sequence[Point], colour: RGB | tuple[int, int, int, int], width: float
    ) -> None:
        self.draw.line(
            self._p(points), fill=colour, width=max(1, round(width * self.k)), joint="curve"
        )

    def arc(
        self, box: Sequence[float], start: float, end: float, colour: RGB, width: float
    ) -> None:
        self.draw.arc(self._b(box), start, end, fill=colour, width=max(1, round(width * self.k)))

    def cut(self, box: Sequence[float]) -> None:
        """Punch a transparent ellipse (a neckline, a handle's hole)."""
        self.draw.ellipse(self._b(box), fill=(0, 0, 0, 0))

    def apply_pattern(self) -> None:
        """Print the pattern over what is drawn so far (the garment's body), nowhere else."""
        if not self.pattern:
            return
        layer = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        d = ImageDraw.Draw(layer)
        k = self.k
        base = self.colour
        light = luminance(base) > 0.6
        ink = shade(base, 0.45) if light else shade(base, -0.75)
        if self.pattern == "stripe":
            for y in range(0, 1000, 44):
                d.rectangle([0, y * k, self.px, (y + 16) * k], fill=(*ink, 255))
        elif self.pattern == "check":
            for v in range(0, 1000, 90):
                d.rectangle([v * k, 0, (v + 34) * k, self.px], fill=(*shade(base, 0.35), 150))
                d.rectangle([0, v * k, self.px, (v + 34) * k], fill=(*shade(base, 0.35), 150))
            for v in range(45, 1000, 90):
                d.rectangle([v * k, 0, (v + 4) * k, self.px], fill=(*shade(base, -0.6), 200))
        elif self.pattern == "dots":
            for row, y in enumerate(range(0, 1000, 55)):
                for x in range(row % 2 * 27, 1000, 55):
                    d.ellipse(
                        [(x - 9) * k, (y - 9) * k, (x + 9) * k, (y + 9) * k], fill=(*ink, 255)
                    )
        elif self.pattern == "floral":
            petals = [shade(base, -0.8), (246, 214, 120), shade(base, 0.35)]
            for row, y in enumerate(range(10, 1000, 70)):
                for col, x in enumerate(range(row % 2 * 35, 1000, 70)):
                    colour = petals[(row + col) % len(petals)]
                    for i in range(5):
                        a = i * 2 * math.pi / 5 + row
                        cx, cy = x + 11 * math.cos(a), y + 11 * math.sin(a)
                        d.ellipse(
                            [(cx - 8) * k, (cy - 8) * k, (cx + 8) * k, (cy + 8) * k],
                            fill=(*colour, 255),
                        )
                    d.ellipse(
                        [(x - 5) * k, (y - 5) * k, (x + 5) * k, (y + 5) * k],
                        fill=(250, 236, 180, 255),
                    )
                    leaf = (110, 150, 100, 255)
                    d.ellipse([(x + 18) * k, (y + 14) * k, (x + 32) * k, (y + 22) * k], fill=leaf)
        layer.putalpha(ImageChops.multiply(layer.getchannel("A"), self.image.getchannel("A")))
        self.image = Image.alpha_composite(self.image, layer)
        self.draw = ImageDraw.Draw(self.image)

    def finish(self) -> Image.Image:
        """Scale down and give the object volume: light from the upper left."""
        size = self.px // SUPERSAMPLE
        obj = self.image.reduce(SUPERSAMPLE)
        alpha = obj.getchannel("A")
        shading = _shading(size).copy()
        shading.putalpha(ImageChops.multiply(shading.getchannel("A"), alpha))
        return Image.alpha_composite(obj, shading)


@cache
def _shading(size: int) -> Image.Image:
    """Darker to the right, a little highlight to the left; masked by each object's alpha."""
    ramp = Image.linear_gradient("L").rotate(90, expand=True).resize((size, size))
    dark = Image.new("RGBA", (size, size), (10, 10, 30, 0))
    dark.putalpha(Image.eval(ramp, lambda v: (255 - v) * 50 // 255))
    light = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    light.putalpha(Image.eval(ramp, lambda v: max(0, v - 150) * 40 // 105))
    return Image.alpha_composite(dark, light)


# ------------------------------------------------------------------------- garments


def _neck(c: Canvas, box: Sequence[float]) -> None:
    c.cut(box)
    x0, y0, x1, y1 = box
    c.arc((x0 - 6, y0 - 6, x1 + 6, y1 + 6), 10, 170, shade(c.colour, 0.25), 14)


def draw_dress(c: Canvas) -> None:
    col = c.colour
    c.poly(
        [
            (400, 190),
            (440, 180),
            (560, 180),
            (600, 190),
            (640, 250),
            (600, 300),
            (585, 430),
            (700, 830),
            (620, 850),
            (500, 858),
            (380, 850),
            (300, 830),
            (415, 430),
            (400, 300),
            (360, 250),
        ],
        col,
    )
    c.apply_pattern()
    _neck(c, (445, 150, 555, 250))
    c.rect((410, 418, 590, 446), shade(col, 0.25), 10)
    for x0, x1 in ((440, 400), (500, 500), (560, 600)):
        c.line([(x0, 470), (x1, 830)], shade(col, 0.099), 6)


def _tee_body(c: Canvas, sleeve: str) -> None:
    col = c.colour
    if sleeve == "none":
        c.poly(
            [
                (420, 200),
                (450, 190),
                (550, 190),
                (580, 200),
                (620, 320),
                (640, 820),
                (360, 820),
                (380, 320),
            ],
            col,
        )
    elif sleeve == "short":
        c.poly(
            [
                (390, 210),
                (300, 240),
                (200, 370),
                (270, 425),
                (335, 370),
                (335, 810),
                (665, 810),
                (665, 370),
                (730, 425),
                (800, 370),
                (700, 240),
                (610, 210),
            ],
            col,
        )
    else:
        c.poly(
            [
                (390, 210),
                (300, 240),
                (230, 520),
                (200, 760),
                (270, 770),
                (335, 470),
                (335, 810),
                (665, 810),
                (665, 470),
                (730, 770),
                (800, 760),
                (770, 520),
                (700, 240),
                (610, 210),
            ],
            col,
        )


def draw_tshirt(c: Canvas) -> None:
    _tee_body(c, "short")
    c.apply_pattern()
    _neck(c, (430, 170, 570, 270))
    c.line([(270, 425), (335, 370)], shade(c.colour, 0.2), 10)
    c.line([(730, 425), (665, 370)], shade(c.colour, 0.2), 10)


def draw_tank(c: Canvas) -> None:
    _tee_body(c, "none")
    c.apply_pattern()
    _neck(c, (440, 150, 560, 300))
    c.rect((360, 790, 640, 820), shade(c.colour, 0.15))


def draw_blouse(c: Canvas) -> None:
    col = c.colour
    _tee_body(c, "short")
    c.ellipse((190, 250, 360, 450), col)
    c.ellipse((640, 250, 810, 450), col)
    c.apply_pattern()
    _neck(c, (440, 170, 560, 260))
    c.line([(500, 255), (500, 810)], shade(col, 0.15), 6)
    for y in range(300, 800, 110):
        c.ellipse((490, y, 510, y + 20), shade(col, -0.5))


def draw_sweater(c: Canvas) -> None:
    col = c.colour
    _tee_body(c, "long")
    c.apply_pattern()
    _neck(c, (430, 170, 570, 270))
    rib = shade(col, 0.2)
    c.rect((335, 770, 665, 812), rib)
    c.poly([(200, 760), (270, 770), (262, 805), (195, 795)], rib)
    c.poly([(800, 760), (730, 770), (738, 805), (805, 795)], rib)


def draw_shirt(c: Canvas) -> None:
    col = c.colour
    _tee_body(c, "long")
    c.apply_pattern()
    dark = shade(col, 0.22)
    c.poly([(390, 210), (500, 300), (450, 330), (380, 250)], shade(col, -0.15))
    c.poly([(610, 210), (500, 300), (550, 330), (620, 250)], shade(col, -0.15))
    c.line([(500, 300), (500, 810)], dark, 6)
    for y in range(340, 800, 95):
        c.ellipse((490, y, 510, y + 20), shade(col, -0.55))
    c.rect((545, 380, 625, 470), dark, 6)
    c.rect((551, 386, 619, 464), col, 4)


def draw_trousers(c: Canvas, short: bool = False) -> None:
    col = c.colour
    hem = 520 if short else 850
    c.poly(
        [
            (340, 200),
            (660, 200),
            (700 if not short else 690, hem),
            (540, hem),
            (500, 400),
            (460, hem),
            (300 if not short else 310, hem),
        ],
        col,
    )
    c.apply_pattern()
    dark = shade(col, 0.22)
    c.rect((335, 180, 665, 230), dark, 6)
    for x in range(365, 660, 70):
        c.rect((x, 178, x + 14, 232), shade(col, 0.35), 3)
    c.arc((300, 170, 420, 330), 0, 90, dark, 7)
    c.arc((580, 170, 700, 330), 90, 180, dark, 7)
    c.line([(500, 230), (500, 330)], dark, 6)
    if not short:
        c.line([(420, 260), (400, 840)], shade(col, 0.071), 4)
        c.line([(580, 260), (600, 840)], shade(col, 0.071), 4)


# ------------------------------------------------------------------------- home


def draw_mug(c: Canvas) -> None:
    col = c.colour
    c.ellipse((585, 440, 745, 660), shade(col, 0.08))
    c.cut((625, 490, 705, 610))
    c.rect((300, 360, 640, 780), col, 50)
    c.ellipse((300, 335, 640, 395), shade(col, 0.3))
    c.ellipse((318, 345, 622, 388), shade(col, 0.45))
    c.rect((300, 700, 640, 780), shade(col, 0.1), 40)


def draw_teapot(c: Canvas) -> None:
    col = c.colour
    c.poly([(330, 560), (190, 400), (170, 410), (290, 640)], shade(col, 0.05))
    c.ring((600, 420, 790, 660), shade(col, 0.08), 40)
    c.ellipse((290, 400, 710, 800), col)
    c.ellipse((390, 360, 610, 430), shade(col, 0.15))
    c.ellipse((470, 320, 530, 375), shade(col, 0.3))
    c.arc((330, 460, 670, 760), 200, 250, shade(col, -0.5), 10)


def draw_bowl(c: Canvas) -> None:
    col = c.colour
    for dy, tone in ((130, 0.12), (0, 0.0)):
        c.draw.pieslice(c._b((250, 300 + dy, 750, 760 + dy)), 0, 180, fill=shade(col, tone))
        c.ellipse((250, 500 + dy, 750, 560 + dy), shade(col, 0.25 + tone))
        c.ellipse((270, 507 + dy, 730, 552 + dy), shade(col, -0.35))
        c.rect((420, 745 + dy, 580, 770 + dy), shade(col, 0.3 + tone), 8)


def draw_plate(c: Canvas) -> None:
    col = c.colour
    c.ellipse((180, 330, 820, 730), shade(col, 0.18))
    c.ellipse((195, 320, 805, 710), col)
    c.ellipse((300, 380, 700, 650), shade(col, -0.35))
    c.ring((195, 320, 805, 710), shade(col, 0.4), 10)


def draw_bottle(c: Canvas) -> None:
    col = c.colour
    glass = (*shade(col, -0.3), 190)
    c.ellipse((300, 450, 700, 850), glass)
    c.rect((430, 260, 570, 560), glass, 20)
    c.rect((415, 180, 585, 280), (*shade(col, 0.1), 230), 20)
    c.ellipse((370, 620, 630, 820), (*shade(col, -0.1), 160))
    c.line([(350, 560), (345, 700)], (255, 255, 255, 200), 16)


def draw_board(c: Canvas) -> None:
    col = c.colour
    c.rect((250, 220, 750, 820), col, 60)
    c.cut((455, 255, 545, 325))
    for i, y in enumerate(range(360, 800, 38)):
        c.line([(290, y), (710, y + (i % 3 - 1) * 10)], shade(col, 0.113), 5)


def draw_towel(c: Canvas) -> None:
    col = c.colour
    c.rect((300, 230, 700, 820), col, 10)
    c.apply_pattern()
    for y in (300, 330, 720, 750):
        c.rect((300, y, 700, y + 14), shade(col, 0.3))
    c.arc((460, 160, 540, 250), 180, 360, shade(col, 0.3), 10)


def draw_pan(c: Canvas) -> None:
    col = c.colour
    c.poly([(640, 540), (900, 470), (915, 505), (650, 600)], shade(col, 0.1))
    c.ellipse((200, 380, 680, 800), col)
    c.ellipse((235, 410, 645, 770), shade(col, -0.15))
    c.ellipse((290, 460, 590, 720), shade(col, -0.05))


def draw_cushion(c: Canvas) -> None:
    col = c.colour
    c.poly(
        [
            (240, 250),
            (500, 280),
            (760, 250),
            (730, 500),
            (760, 760),
            (500, 730),
            (240, 760),
            (270, 500),
        ],
        col,
    )
    c.apply_pattern()
    c.line(
        [
            (250, 255),
            (500, 285),
            (750, 255),
            (720, 500),
            (750, 755),
            (500, 725),
            (250, 755),
            (280, 500),
            (250, 255),
        ],
        shade(col, 0.25),
        8,
    )
    c.ellipse((470, 470, 530, 530), shade(col, 0.15))


def draw_vase(c: Canvas) -> None:
    col = c.colour
    c.poly(
        [
            (450, 200),
            (550, 200),
            (545, 290),
            (650, 420),
            (670, 560),
            (620, 780),
            (380, 780),
            (330, 560),
            (350, 420),
            (455, 290),
        ],
        col,
    )
    c.ellipse((440, 185, 560, 215), shade(col, 0.35))
    for x in range(380, 640, 40):
        c.line([(x, 430), (x + (500 - x) * 0.15, 770)], shade(col, 0.1), 6)
    c.line([(500, 200), (470, 80)], (96, 128, 80), 8)
    c.ellipse((430, 60, 500, 110), (120, 160, 100))


def draw_blanket(c: Canvas) -> None:
    col = c.colour
    for i, y in enumerate((560, 440, 320)):
        tone = (2 - i) * 0.1
        c.rect((230, y, 770, y + 150), shade(col, tone), 40)
        for x in range(260, 760, 36):
            c.line([(x, y + 20), (x + 18, y + 75), (x, y + 130)], shade(col, tone + 0.1), 5)
    for x in range(250, 770, 22):
        c.line([(x, 710), (x, 750)], shade(col, 0.2), 5)


def draw_candle(c: Canvas) -> None:
    col = c.colour
    c.rect((340, 420, 660, 800), shade(col, 0.05), 30)
    c.ellipse((340, 395, 660, 455), shade(col, -0.3))
    c.rect((380, 560, 620, 700), (250, 247, 240), 8)
    c.line([(420, 610), (580, 610)], shade(col, 0.4), 8)
    c.line([(440, 645), (560, 645)], shade(col, 0.25), 6)
    c.line([(500, 425), (500, 370)], (40, 40, 40), 6)
    c.ellipse((478, 270, 522, 375), (246, 190, 80))
    c.ellipse((488, 315, 512, 370), (255, 240, 190))


def draw_lamp(c: Canvas) -> None:
    col = c.colour
    c.rect((490, 500, 510, 760), shade(col, 0.45))
    c.ellipse((380, 740, 620, 800), shade(col, 0.55))
    c.poly([(360, 220), (640, 220), (730, 520), (270, 520)], col)
    for i in range(6):
        y = 250 + i * 45
        c.line([(360 - i * 15, y), (640 + i * 15, y)], shade(col, 0.141), 5)
    for x in range(380, 640, 40):
        c.line([(x, 225), (x - (500 - x) * 0.35 + (x - 500) * 0.0, 515)], shade(col, 0.088), 4)


def draw_basket(c: Canvas) -> None:
    col = c.colour
    c.arc((330, 200, 450, 460), 180, 360, shade(col, 0.25), 22)
    c.arc((550, 200, 670, 460), 180, 360, shade(col, 0.25), 22)
    c.poly([(250, 340), (750, 340), (690, 800), (310, 800)], col)
    for i, y in enumerate(range(360, 800, 40)):
        inset = (y - 340) * 0.13
        c.rect((250 + inset, y, 750 - inset, y + 22), shade(col, 0.15 if i % 2 else -0.1), 10)
    c.rect((240, 320, 760, 360), shade(col, 0.25), 16)


def draw_mirror(c: Canvas) -> None:
    col = c.colour
    c.ellipse((230, 200, 770, 740), col)
    c.ellipse((260, 230, 740, 710), (214, 228, 236))
    c.ellipse((290, 260, 740, 710), (196, 214, 226))
    c.line([(380, 330), (320, 420)], (255, 255, 255), 18)
    c.line([(440, 320), (340, 470)], (255, 255, 255), 10)
    c.line([(500, 200), (500, 140)], shade(col, 0.2), 6)


def draw_rug(c: Canvas) -> None:
    col = c.colour
    light = shade(col, -0.6) if luminance(col) < 0.6 else shade(col, 0.35)
    c.rect((260, 230, 740, 780), col, 6)
    c.rect((300, 270, 700, 740), light, 4)
    c.rect((330, 300, 670, 710), col, 4)
    for cy in (400, 505, 610):
        c.poly([(500, cy - 60), (590, cy), (500, cy + 60), (410, cy)], light)
    for x in range(270, 740, 20):
        c.line([(x, 780), (x, 830)], shade(col, -0.2), 5)
        c.line([(x, 230), (x, 180)], shade(col, -0.2), 5)


# ------------------------------------------------------------------------- bags


def draw_tote(c: Canvas) -> None:
    col = c.colour
    c.arc((360, 160, 520, 520), 180, 360, shade(col, 0.3), 26)
    c.arc((480, 160, 640, 520), 180, 360, shade(col, 0.3), 26)
    c.poly([(290, 360), (710, 360), (740, 820), (260, 820)], col)
    c.apply_pattern()
    c.rect((290, 360, 710, 400), shade(col, 0.15))
    c.rect((420, 520, 580, 620), shade(col, 0.1), 8)


def draw_crossbody(c: Canvas) -> None:
    col = c.colour
    c.arc((310, 120, 690, 760), 195, 345, shade(col, 0.25), 16)
    c.rect((300, 420, 700, 740), col, 50)
    c.poly([(300, 430), (700, 430), (700, 590), (500, 620), (300, 590)], shade(col, 0.12))
    c.ellipse((480, 585, 520, 625), (214, 178, 96))


def draw_backpack(c: Canvas) -> None:
    col = c.colour
    c.rect((330, 230, 670, 820), col, 60)
    c.rect((330, 180, 670, 300), shade(col, 0.15), 30)
    c.rect((380, 520, 620, 780), shade(col, 0.1), 40)
    c.rect((380, 520, 620, 580), shade(col, 0.2), 20)
    c.rect((480, 130, 520, 200), shade(col, 0.3), 8)
    c.rect((470, 280, 530, 330), (214, 178, 96), 6)


def draw_duffle(c: Canvas) -> None:
    col = c.colour
    c.arc((390, 280, 610, 560), 180, 360, shade(col, 0.3), 22)
    c.rect((200, 430, 800, 740), col, 150)
    c.ellipse((190, 440, 300, 730), shade(col, 0.15))
    c.ellipse((700, 440, 810, 730), shade(col, 0.15))
    c.line([(290, 470), (710, 470)], shade(col, 0.35), 8)
    c.rect((360, 560, 640, 660), shade(col, 0.08), 16)


def draw_bucket(c: Canvas) -> None:
    col = c.colour
    c.arc((360, 150, 640, 560), 180, 360, shade(col, 0.3), 14)
    c.poly([(340, 380), (660, 380), (690, 800), (310, 800)], col)
    c.ellipse((310, 760, 690, 830), shade(col, 0.1))
    c.ellipse((340, 355, 660, 405), shade(col, 0.35))
    c.line([(360, 430), (640, 430)], (230, 220, 200), 8)
    c.line([(520, 430), (560, 560)], (230, 220, 200), 6)


def draw_wallet(c: Canvas) -> None:
    col = c.colour
    c.rect((260, 330, 740, 690), col, 30)
    for i, y in enumerate((380, 440, 500)):
        c.rect((290, y, 710, y + 120), shade(col, 0.06 * (i + 1)), 20)
    c.rect((340, 360, 640, 400), (236, 232, 220), 6)
    c.line([(290, 660), (710, 660)], shade(col, -0.3), 4)


# ------------------------------------------------------------------------- jewellery


def _metal(colour: RGB) -> tuple[RGB, RGB]:
    return shade(colour, 0.1), shade(colour, -0.6)


def draw_earrings(c: Canvas) -> None:
    metal, _shine = _metal(c.colour)
    for x in (370, 630):
        c.arc((x - 50, 250, x + 50, 370), 180, 360, metal, 12)
        c.line([(x + 50, 310), (x + 50, 420)], metal, 12)
        c.ellipse((x + 10, 400, x + 90, 440), metal)
        c.ellipse((x - 25, 430, x + 125, 600), (240, 236, 228))
        c.ellipse((x + 5, 455, x + 55, 505), (255, 255, 255))


def draw_hoops(c: Canvas) -> None:
    metal, shine = _metal(c.colour)
    for x in (360, 640):
        c.ring((x - 120, 320, x + 120, 620), metal, 28)
        c.arc((x - 110, 330, x + 110, 610), 200, 260, shine, 10)


def draw_necklace(c: Canvas) -> None:
    metal, shine = _metal(c.colour)
    for i in range(40):
        a = math.pi * (0.05 + 0.9 * i / 39)
        x, y = 500 - 300 * math.cos(a), 230 + 420 * math.sin(a)
        c.ring((x - 16, y - 16, x + 16, y + 16), metal, 8)
    c.ellipse((455, 655, 545, 745), metal)
    c.ellipse((470, 668, 500, 698), shine)


def draw_ring(c: Canvas) -> None:
    metal, shine = _metal(c.colour)
    c.ring((290, 360, 710, 740), metal, 60)
    c.arc((300, 370, 700, 730), 200, 260, shine, 18)
    c.ellipse((420, 290, 580, 400), metal)
    c.ellipse((440, 305, 560, 380), shade(metal, -0.25))


def draw_bracelet(c: Canvas) -> None:
    col = c.colour
    for i in range(30):
        a = 2 * math.pi * i / 30
        x, y = 500 + 230 * math.cos(a), 520 + 150 * math.sin(a)
        bead = col if i % 5 else (214, 178, 96)
        c.ellipse((x - 32, y - 32, x + 32, y + 32), bead)
        c.ellipse((x - 18, y - 22, x - 4, y - 8), shade(bead, -0.5))


def draw_pendant(c: Canvas) -> None:
    col = c.colour
    c.arc((230, 80, 770, 640), 20, 160, (70, 50, 40), 10)
    c.ellipse((380, 480, 620, 720), col)
    c.cut((465, 565, 535, 635))
    c.ring((380, 480, 620, 720), shade(col, 0.25), 10)
    c.arc((400, 500, 600, 700), 200, 250, shade(col, -0.5), 10)


DRAWERS: dict[str, Callable[[Canvas], None]] = {
    "dress": draw_dress,
    "tshirt": draw_tshirt,
    "tank": draw_tank,
    "blouse": draw_blouse,
    "sweater": draw_sweater,
    "shirt": draw_shirt,
    "trousers": draw_trousers,
    "shorts": lambda c: draw_trousers(c, short=True),
    "mug": draw_mug,
    "teapot": draw_teapot,
    "bowl": draw_bowl,
    "plate": draw_plate,
    "bottle": draw_bottle,
    "board": draw_board,
    "towel": draw_towel,
    "pan": draw_pan,
    "cushion": draw_cushion,
    "vase": draw_vase,
    "blanket": draw_blanket,
    "candle": draw_candle,
    "lamp": draw_lamp,
    "basket": draw_basket,
    "mirror": draw_mirror,
    "rug": draw_rug,
    "tote": draw_tote,
    "crossbody": draw_crossbody,
    "backpack": draw_backpack,
    "duffle": draw_duffle,
    "bucket": draw_bucket,
    "wallet": draw_wallet,
    "earrings": draw_earrings,
    "hoops": draw_hoops,
    "necklace": draw_necklace,
    "ring": draw_ring,
    "bracelet": draw_bracelet,
    "pendant": draw_pendant,
}


def render_object(*, shape: str, colour: str, pattern: str = "", size: int = 1200) -> Image.Image:
    """The object alone on a transparent background, `size` pixels square."""
    canvas = Canvas(size, hex_rgb(colour), pattern)
    DRAWERS[shape](canvas)
    return canvas.finish()


@cache
def _gradient(top: str, bottom: str, size: tuple[int, int]) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(
        Image.new("RGB", size, hex_rgb(bottom)), Image.new("RGB", size, hex_rgb(top)), mask
    )


def _shadow(size: int, box: Sequence[float]) -> Image.Image:
    small = Image.new("L", (size // 4, size // 4), 0)
    k = size / 4 / 1000
    ImageDraw.Draw(small).ellipse([v * k for v in box], fill=70)
    return small.filter(ImageFilter.GaussianBlur(size / 4 / 45)).resize((size, size))


def _floor_shadow(obj: Image.Image) -> Image.Image:
    """A blurred ellipse just under the object's lowest point."""
    size = obj.width
    box = obj.getchannel("A").getbbox() or (0, 0, size, size)
    x0, x1, bottom = box[0] * 1000 / size, box[2] * 1000 / size, box[3] * 1000 / size
    spread = (x1 - x0) * 0.08
    return _shadow(size, (x0 - spread, bottom - 35, x1 + spread, bottom + 45))


def product_picture(
    *,
    shape: str,
    colour: str,
    pattern: str = "",
    variant: int = 0,
    size: int = 1200,
    detail: bool = False,
) -> bytes:
    """A square JPEG of the product: the object over a soft gradient with a floor shadow.

    `variant` picks the backdrop, so a product's pictures differ; `detail` zooms in as a
    close-up shot would."""
    light_object = luminance(hex_rgb(colour)) > 0.72
    palette = DEEP_BACKGROUNDS if light_object else BACKGROUNDS
    top, bottom = palette[variant % len(palette)]
    picture = _gradient(top, bottom, (size, size)).copy()
    obj = render_object(shape=shape, colour=colour, pattern=pattern, size=size)
    picture.paste((40, 30, 20), (0, 0), _floor_shadow(obj))
    picture.paste(obj, (0, 0), obj)
    if detail:
        m = size // 5
        picture = picture.crop((m, m, size - m, size - m)).resize(
            (size, size), Image.Resampling.BICUBIC
        )
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=86, optimize=True, progressive=True)
    return buffer.getvalue()


def hero_picture(*, primary: str, accent: str, width: int = 1920, height: int = 800) -> bytes:
    """A wide banner: a few of the shop's things arranged on a gradient in its colours."""
    bg_top = mix(hex_rgb(primary), (255, 255, 255), 0.82)
    bg_bottom = mix(hex_rgb(primary), (255, 255, 255), 0.62)
    picture = _gradient(_hex(bg_top), _hex(bg_bottom), (width, height)).copy()
    deco = ImageDraw.Draw(picture)
    sun = mix(hex_rgb(accent), (255, 255, 255), 0.55)
    deco.ellipse(
        [width * 0.58, -height * 0.35, width * 0.58 + height * 1.1, height * 0.75], fill=sun
    )
    things = [
        ("dress", "#8db5d8", "floral", 0.52, 0.95),
        ("tote", "#d5c29f", "", 0.66, 0.72),
        ("vase", "#c4663f", "", 0.78, 0.7),
        ("mug", "#9aae94", "", 0.89, 0.5),
    ]
    for shape, colour, pattern, x, scale in things:
        size = int(height * scale)
        obj = render_object(shape=shape, colour=colour, pattern=pattern, size=size)
        left, top = int(width * x - size / 2), height - size - int(height * 0.04)
        picture.paste((40, 30, 20), (left, top), _floor_shadow(obj))
        picture.paste(obj, (left, top), obj)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


def logo_picture(*, primary: str, accent: str, text: str = "Duli") -> bytes:
    """A PNG logo: a shopping-bag mark and the shop's word mark, on transparency."""
    scale = 4
    w, h = 560 * scale, 160 * scale
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    p, a = hex_rgb(primary), hex_rgb(accent)
    d.rounded_rectangle([8 * scale, 8 * scale, 152 * scale, 152 * scale], radius=36 * scale, fill=p)
    d.arc(
        [56 * scale, 26 * scale, 104 * scale, 86 * scale],
        180,
        360,
        fill=(255, 255, 255),
        width=7 * scale,
    )
    bag = [(40, 58), (120, 58), (130, 130), (30, 130)]
    d.polygon([(x * scale, y * scale) for x, y in bag], fill=(255, 255, 255))
    d.ellipse([72 * scale, 84 * scale, 88 * scale, 100 * scale], fill=a)
    font = _font(96 * scale)
    d.text((180 * scale, 80 * scale), text, fill=shade(p, 0.2), font=font, anchor="lm")
    logo = image.resize((w // scale, h // scale), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    logo.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("DejaVuSans-Bold.ttf", "Arial Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)

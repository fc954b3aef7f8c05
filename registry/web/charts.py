"""Bar charts as server-side SVG: no script, no library, no inline style (the CSP forbids it).

Geometry goes in SVG attributes, colours in classes of ``charts.css``. Every label is escaped
(an organization's name is data). A chart is a picture of a table the page also shows, so it is
``aria-hidden`` beside that table rather than a second, worse reading of the same numbers.
"""

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from markupsafe import Markup

BAR_HEIGHT: Final = 22
GAP: Final = 8
LABEL_WIDTH: Final = 340
BAR_AREA: Final = 380
VALUE_WIDTH: Final = 170
FONT_SIZE: Final = 13
"""The labels' size in the drawing's units (``.chart-label`` in ``entity.css``)."""
NARROW_WIDTH: Final = 340
"""The phone's drawing: drawn at its own size on a 390 px screen, so 13 units are 13 px."""
NARROW_BAR: Final = 16
NARROW_ROW: Final = 46
"""A label's line (20), its bar (16) and the gap to the next label (10)."""
NARROW_BARS_AT_LEAST: Final = 100
INSET: Final = 2
"""Room left of a label: a "T" reaches a pixel left of where it starts."""
BIDI_CONTROLS: Final = dict.fromkeys(
    [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
"""Direction marks and overrides: one in a label would turn the rest of the drawing around."""
EM_WIDTHS: Final = {
    character: width
    for characters, width in [
        (" \u00a0\u202f.,:;'|ilIjJіІʻʼ’", 0.34),
        ("!()[]-/frtї", 0.42),
        ('csz?*–"гзэс', 0.56),
        ("«»₸₽$€", 0.66),
        ("дцъk", 0.72),
        ("жшщюмыфwMМФЫЪ+#<=>^~×÷", 0.94),
        ("mWЖШЩЮ№…%—@ÆæŒœЉЊљњŴŵĦ", 1.1),
    ]
    for character in characters
}
"""Characters' advances (in ems) narrower or wider than most, at least as wide as in DejaVu
Sans: the widest usual sans-serif, the fallback of the site's font stack and Chromium's font
on Linux. Measured in Chromium with ``canvas.measureText``."""
KAZAKH_AND_UZBEK_LETTERS: Final = frozenset("әғқңөұүһҳӘҒҚҢӨҰҮҺҲ")
"""Cyrillic letters beyond U+045F of the portal's languages (ў, і and the rest are below)."""


def em_width(character: str) -> float:
    """At most the character's advance in DejaVu Sans: a label measured so never runs past its
    room, whatever the reader's font (most are narrower)."""
    if unicodedata.combining(character) or unicodedata.category(character) in {"Mn", "Cf"}:
        return 0
    if character in EM_WIDTHS:
        return EM_WIDTHS[character]
    if not (character < "\u0460" or character in KAZAKH_AND_UZBEK_LETTERS):
        return 1.1  # a script not measured: more than the widest letters above
    return 0.8 if character.isupper() or not character.isalnum() else 0.66


def text_width(text: str, size: float = FONT_SIZE) -> float:
    return size * sum(em_width(character) for character in text)


def fitted(text: str, room: float) -> str:
    """``text``, or as much of it as fits ``room`` (in the drawing's units) followed by "…"."""
    if text_width(text) <= room:
        return text
    room -= text_width("…")
    used = 0.0
    for end, character in enumerate(text):
        used += text_width(character)  # one character at a time, not the prefix again
        if used > room:
            return text[:end].rstrip() + "…"
    return text.rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    shown: str
    """The value as the reader's locale writes it."""


def bars(rows: Sequence[tuple[str, Decimal]], shown: Callable[[Decimal], str]) -> list[Bar]:
    return [Bar(label, value, shown(value)) for label, value in rows]


def bar_chart(items: Sequence[Bar], *, css_class: str = "") -> Markup:
    """Horizontal bars, longest = the largest value; zero and negative values draw no bar.

    Two drawings, ``entity.css`` showing one: beside the bars for a wide screen, and each label
    over its bar for a phone, drawn at its own size so that its text stays as large as the
    page's small print (the wide one scaled to a phone's width made it about 5 px). A label is
    shortened with "…" where it would not fit; the bar's <title> and the table beside the
    chart have it whole."""
    if not items:
        return Markup("")
    largest = max((item.value for item in items), default=Decimal(0))

    def length(item: Bar, area: int) -> int:
        return 0 if largest <= 0 or item.value <= 0 else int(area * item.value / largest)

    return _wide(items, length, css_class) + _narrow(items, length, css_class)


def _opening(kind: str, css_class: str, width: int, height: int, shown_width: str) -> Markup:
    return Markup(
        '<svg class="chart {} {}" viewBox="0 0 {} {}" width="{}" role="presentation" '
        'aria-hidden="true" focusable="false" preserveAspectRatio="xMinYMin meet">'
    ).format(kind, css_class, width, height, shown_width)


def _label(item: Bar) -> str:
    return item.label.translate(BIDI_CONTROLS)


def _wide(items: Sequence[Bar], length: Callable[[Bar, int], int], css_class: str) -> Markup:
    """Labels right-aligned in a column left of the bars, values after the bars."""
    # Wider than usual where a value after its bar would run past the drawing's edge.
    width = max(
        LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        *(
            LABEL_WIDTH + length(item, BAR_AREA) + 6 + int(text_width(item.shown)) + 2
            for item in items
        ),
    )
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    parts = [_opening("chart-wide", css_class, width, height, "100%")]
    for row, item in enumerate(items):
        y = GAP + row * (BAR_HEIGHT + GAP)
        bar = length(item, BAR_AREA)
        parts.append(
            Markup(
                "<g><title>{title}: {shown}</title>"
                '<text class="chart-label" x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
                '<rect class="chart-bar" x="{bx}" y="{y}" width="{length}" height="{h}" rx="2"/>'
                '<text class="chart-value" x="{vx}" y="{ty}">{shown}</text></g>'
            ).format(
                title=item.label,
                shown=item.shown,
                label=fitted(_label(item), LABEL_WIDTH - 8),
                lx=LABEL_WIDTH - 8,
                bx=LABEL_WIDTH,
                vx=LABEL_WIDTH + bar + 6,
                y=y,
                ty=y + BAR_HEIGHT - 6,
                length=bar,
                h=BAR_HEIGHT,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _narrow(items: Sequence[Bar], length: Callable[[Bar, int], int], css_class: str) -> Markup:
    """Each label on its own line over its bar, the value after the bar: a phone's chart."""
    values = max(int(text_width(item.shown)) for item in items) + 8
    width = max(NARROW_WIDTH, INSET + NARROW_BARS_AT_LEAST + values)
    area = width - INSET - values
    height = len(items) * NARROW_ROW - 2
    parts = [_opening("chart-narrow", css_class, width, height, str(width))]
    for row, item in enumerate(items):
        y = 4 + row * NARROW_ROW
        bar = length(item, area)
        parts.append(
            Markup(
                "<g><title>{title}: {shown}</title>"
                '<text class="chart-label" x="{x}" y="{ly}">{label}</text>'
                '<rect class="chart-bar" x="{x}" y="{by}" width="{length}" height="{h}" rx="2"/>'
                '<text class="chart-value" x="{vx}" y="{vy}">{shown}</text></g>'
            ).format(
                title=item.label,
                shown=item.shown,
                label=fitted(_label(item), width - INSET),
                x=INSET,
                ly=y + FONT_SIZE,
                by=y + 20,
                vx=INSET + bar + 6,
                vy=y + 20 + NARROW_BAR - 4,
                length=bar,
                h=NARROW_BAR,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)

"""Bar charts as server-side SVG: no script, no library, no inline style (the CSP forbids it).

Geometry goes in SVG attributes, colours in classes of ``charts.css``. Every label is escaped
(an organization's name is data). A chart is a picture of a table the page also shows, so it is
``aria-hidden`` beside that table rather than a second, worse reading of the same numbers.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from markupsafe import Markup

BAR_HEIGHT: Final = 22
GAP: Final = 8
LABEL_WIDTH: Final = 280
BAR_AREA: Final = 440
VALUE_WIDTH: Final = 170
MAX_LABEL: Final = 34
BIDI_CONTROLS: Final = dict.fromkeys(
    [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
"""Direction marks and overrides: one in a label would turn the rest of the drawing around."""


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    shown: str
    """The value as the reader's locale writes it."""


def bars(rows: Sequence[tuple[str, Decimal]], shown: Callable[[Decimal], str]) -> list[Bar]:
    return [Bar(label, value, shown(value)) for label, value in rows]


def bar_chart(items: Sequence[Bar], *, css_class: str = "") -> Markup:
    """Horizontal bars, longest = the largest value; zero and negative values draw no bar."""
    if not items:
        return Markup("")
    largest = max((item.value for item in items), default=Decimal(0))
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        Markup(
            '<svg class="chart {}" viewBox="0 0 {} {}" width="100%" role="presentation" '
            'aria-hidden="true" focusable="false" preserveAspectRatio="xMinYMin meet">'
        ).format(css_class, width, height)
    ]
    for row, item in enumerate(items):
        y = GAP + row * (BAR_HEIGHT + GAP)
        length = 0 if largest <= 0 or item.value <= 0 else int(BAR_AREA * item.value / largest)
        label = item.label.translate(BIDI_CONTROLS)
        label = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
        parts.append(
            Markup(
                "<g><title>{title}: {shown}</title>"
                '<text class="chart-label" x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
                '<rect class="chart-bar" x="{bx}" y="{y}" width="{length}" height="{h}" rx="2"/>'
                '<text class="chart-value" x="{vx}" y="{ty}">{shown}</text></g>'
            ).format(
                title=item.label,
                shown=item.shown,
                label=label,
                lx=LABEL_WIDTH - 8,
                bx=LABEL_WIDTH,
                vx=LABEL_WIDTH + max(length, 0) + 6,
                y=y,
                ty=y + BAR_HEIGHT - 6,
                length=length,
                h=BAR_HEIGHT,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)

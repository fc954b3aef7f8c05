"""Server-side SVG bar charts: geometry from the values, labels escaped, nothing inline."""

from decimal import Decimal

from registry.web.charts import LABEL_WIDTH, NARROW_WIDTH, Bar, bar_chart, fitted, text_width


def test_bars_are_as_long_as_their_values() -> None:
    svg = str(
        bar_chart(
            [
                Bar("2025", Decimal(50), "50"),
                Bar("2026", Decimal(200), "200"),
                Bar("none", Decimal(0), "0"),
            ]
        )
    )
    wide, narrow = svg.split("</svg>")[:2]
    widths = [int(part.split('"')[0]) for part in wide.split('width="')[2:]]
    assert widths == [95, 380, 0]  # 380 is the bar area; the first width is the svg's
    widths = [int(part.split('"')[0]) for part in narrow.split('width="')[2:]]
    assert abs(widths[1] - 4 * widths[0]) < 4  # rounded down
    assert widths[2] == 0
    assert "style=" not in svg
    assert 'aria-hidden="true"' in svg


def test_labels_are_escaped_and_shortened() -> None:
    hostile = '<script>alert(1)</script> "x" \u202eevil and a very long name indeed'
    svg = str(bar_chart([Bar(hostile, Decimal(1), "<b>1</b>")]))
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "…</text>" in svg
    assert "<title>&lt;script&gt;alert(1)" in svg


def test_an_empty_chart_is_nothing() -> None:
    assert str(bar_chart([])) == ""


def test_direction_overrides_are_left_out_of_the_drawing() -> None:
    svg = str(bar_chart([Bar("abc\u202edef\u2066", Decimal(1), "1")]))
    assert '<text class="chart-label" x="332" y="24" text-anchor="end">abcdef</text>' in svg
    assert '<text class="chart-label" x="2" y="17">abcdef</text>' in svg
    assert "<title>abc\u202edef\u2066: 1</title>" in svg  # the title keeps the data as it is


def test_a_label_is_shortened_to_its_room_not_to_a_number_of_letters() -> None:
    """Found by a journalist: 34 letters of "НАО «Центр поддержки гражданских инициатив»" ran
    past the chart's left edge ("АО «Центр…"); Cyrillic capitals are wider than Latin letters."""
    name = "НАО «Центр поддержки гражданских инициатив»"
    shown = fitted(name, LABEL_WIDTH - 8)
    assert shown.endswith("…")
    assert name.startswith(shown[:-1])
    assert text_width(shown) <= LABEL_WIDTH - 8
    assert fitted("Грант", LABEL_WIDTH) == "Грант"
    wide = fitted("Ш" * 40, 200)
    narrow = fitted("і" * 40, 200)
    assert len(wide) < len(narrow)


def test_every_label_fits_each_drawing_and_a_long_value_widens_it() -> None:
    name = "Алматы қаласының Қоғамдық даму басқармасы"
    svg = str(bar_chart([Bar(name, Decimal(1), "1 234 567 890 123 456 789,00 ₸")]))
    wide, narrow = svg.split("</svg>")[:2]
    assert 'class="chart chart-wide ' in wide
    assert 'width="100%"' in wide
    assert 'class="chart chart-narrow ' in narrow
    assert 'viewBox="0 0 890 ' not in wide  # the value after the longest bar needs more
    assert f'width="{NARROW_WIDTH}"' in narrow  # drawn at its own size: 13 units are 13 px
    for drawing in (wide, narrow):
        label = drawing.split('class="chart-label"')[1].split(">")[1].split("<")[0]
        assert label.endswith("…")
        assert name.startswith(label[:-1])
        assert f"<title>{name}: " in drawing

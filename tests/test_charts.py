"""Server-side SVG bar charts: geometry from the values, labels escaped, nothing inline."""

from decimal import Decimal

from registry.web.charts import Bar, bar_chart


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
    widths = [int(part.split('"')[0]) for part in svg.split('width="')[2:]]
    assert widths == [110, 440, 0]  # 440 is the bar area; the first width is the svg's
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
    assert '<text class="chart-label" x="272" y="24" text-anchor="end">abcdef</text>' in svg
    assert "<title>abc\u202edef\u2066: 1</title>" in svg  # the title keeps the data as it is

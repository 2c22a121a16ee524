"""Charts of the dashboards as inline SVG built on the server: no JavaScript, no style attributes
(a strict Content-Security-Policy holds), and WeasyPrint prints the very same markup.

Colours are SVG presentation attributes (not CSS), so a chart looks right in the browser and in
the PDF alike; every element also carries a class (`chart-bar`, `chart-series-1`...) that a
stylesheet may override. A chart is an image with a title and a description for screen
readers (`role="img"`, `aria-labelledby`); the numbers themselves are in the table beside it.
"""

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The portal's red first, then colours that stay apart for the common colour-vision deficiencies
# and in greyscale print.
PALETTE = ("#8b1a1a", "#1f5f8b", "#d98c1f", "#3f7f3f", "#6b4c9a", "#7a7a7a")
INK = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"
WEB_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
PRINT_FONT = "Doc Serif, serif"


def _number(value: float) -> str:
    """Coordinates with at most one decimal: shorter markup, same picture."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _shorten(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str], font):
    return mark_safe(  # noqa: S308  (every text below went through escape())
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="{escape(font)}" font-size="12">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def nice_ceiling(value: int) -> int:
    """The axis maximum: 1, 2 or 5 times a power of ten, at or above `value`."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def bar_chart(
    rows: Sequence[tuple[str, int]],
    *,
    chart_id: str,
    title: str,
    desc: str,
    empty: str,
    limit: int = 12,
    font: str = WEB_FONT,
) -> SafeString:
    """Horizontal bars, one per (label, value), in the given order: long Vietnamese labels read
    better beside a bar than under a column. Only the first `limit` rows are drawn."""
    rows = list(rows)[:limit]
    width, label_w, value_w, row_h, top = 640, 210, 56, 26, 6
    bar_w = width - label_w - value_w
    height = top * 2 + max(len(rows), 1) * row_h
    if not rows or not any(value for _label, value in rows):
        body = [
            f'<text class="chart-empty" x="{width / 2}" y="{height / 2 + 4}" '
            f'text-anchor="middle" fill="{MUTED}">{escape(empty)}</text>'
        ]
        return _svg(chart_id, width, height, title, desc, body, font)
    peak = max(value for _label, value in rows)
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * row_h
        length = bar_w * value / peak
        body.append(
            f'<g class="chart-row"><title>{escape(label)}: {value}</title>'
            f'<text class="chart-label" x="{label_w - 8}" y="{y + 17}" text-anchor="end" '
            f'fill="{INK}">{escape(_shorten(label, 32))}</text>'
            f'<rect class="chart-bar chart-series-0" x="{label_w}" y="{y + 5}" '
            f'width="{_number(length)}" height="16" fill="{PALETTE[0]}"/>'
            f'<text class="chart-value" x="{_number(label_w + length + 6)}" y="{y + 17}" '
            f'fill="{INK}">{value}</text></g>'
        )
    return _svg(chart_id, width, height, title, desc, body, font)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    kind: str = "column"  # or "line": drawn over the columns, with a dot on each value


def trend_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    desc: str,
    empty: str,
    font: str = WEB_FONT,
) -> SafeString:
    """Rounds along the bottom: column series side by side, line series over them, a legend on
    top and a y axis with round steps (1, 2 or 5 times a power of ten)."""
    width, height = 640, 280
    left, right, top, bottom = 44, 12, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values]
    if not labels or not any(values):
        body = [
            f'<text class="chart-empty" x="{width / 2}" y="{height / 2}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(empty)}</text>'
        ]
        return _svg(chart_id, width, height, title, desc, body, font)
    peak = nice_ceiling(max(values))
    ticks = 5 if peak % 5 == 0 and peak >= 5 else (4 if peak % 4 == 0 else 2 if peak >= 2 else 1)

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / peak

    body = []
    for t in range(ticks + 1):
        value = peak * t / ticks
        y = y_of(value)
        body.append(
            f'<line class="chart-grid" x1="{left}" x2="{width - right}" y1="{_number(y)}" '
            f'y2="{_number(y)}" stroke="{GRID}" stroke-width="1"/>'
            f'<text class="chart-axis" x="{left - 6}" y="{_number(y + 4)}" text-anchor="end" '
            f'fill="{MUTED}">{_number(value)}</text>'
        )
    slot = plot_w / len(labels)
    columns = [(i, s) for i, s in enumerate(series) if s.kind == "column"]
    col_w = min(28.0, slot * 0.7 / max(len(columns), 1))
    for r, label in enumerate(labels):
        centre = left + slot * (r + 0.5)
        start = centre - col_w * len(columns) / 2
        for k, (i, s) in enumerate(columns):
            value = s.values[r]
            y = y_of(value)
            body.append(
                f'<rect class="chart-bar chart-series-{i}" x="{_number(start + k * col_w)}" '
                f'y="{_number(y)}" width="{_number(col_w - 2)}" '
                f'height="{_number(top + plot_h - y)}" fill="{PALETTE[i % len(PALETTE)]}">'
                f"<title>{escape(label)} · {escape(s.name)}: {value}</title></rect>"
            )
        lines = textwrap.wrap(label, 16)[:2] or [""]
        spans = "".join(
            f'<tspan x="{_number(centre)}" dy="{0 if n == 0 else 13}">{escape(text)}</tspan>'
            for n, text in enumerate(lines)
        )
        body.append(
            f'<text class="chart-axis" x="{_number(centre)}" y="{top + plot_h + 16}" '
            f'text-anchor="middle" fill="{INK}">{spans}</text>'
        )
    for i, s in enumerate(series):
        if s.kind != "line":
            continue
        colour = PALETTE[i % len(PALETTE)]
        points = [(left + slot * (r + 0.5), y_of(v)) for r, v in enumerate(s.values)]
        path = " ".join(f"{_number(x)},{_number(y)}" for x, y in points)
        body.append(
            f'<polyline class="chart-line chart-series-{i}" points="{path}" fill="none" '
            f'stroke="{colour}" stroke-width="2.5"/>'
        )
        body.extend(
            f'<circle class="chart-dot chart-series-{i}" cx="{_number(x)}" cy="{_number(y)}" '
            f'r="4" fill="{colour}"><title>{escape(labels[r])} · {escape(s.name)}: '
            f"{s.values[r]}</title></circle>"
            for r, (x, y) in enumerate(points)
        )
    x = left
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        mark = (
            f'<rect x="{x}" y="10" width="12" height="12" fill="{colour}"/>'
            if s.kind == "column"
            else f'<line x1="{x}" x2="{x + 12}" y1="16" y2="16" stroke="{colour}" '
            f'stroke-width="2.5"/><circle cx="{x + 6}" cy="16" r="3.5" fill="{colour}"/>'
        )
        body.append(
            f'<g class="chart-legend chart-series-{i}">{mark}<text x="{x + 18}" y="21" '
            f'fill="{INK}">{escape(s.name)}</text></g>'
        )
        x += 30 + 7 * len(s.name)
    return _svg(chart_id, width, height, title, desc, body, font)

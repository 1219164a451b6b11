"""Coverage over time as a static SVG drawn here: no browser, no Plotly image export (kaleido needs Chrome), no
external asset; the same markup shows in the HTML briefing and WeasyPrint's PDF.

The SVG carries digits and ISO dates only: WeasyPrint draws SVG text without shaping, so Arabic inside the SVG
would come out as separate, reversed letters. The chart's title and legend are HTML around it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

WIDTH, HEIGHT = 720, 240
# Plot area inside the SVG: room for the count labels on the left and the dates below.
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 10, 28
# Date labels under the axis: enough to read the period, few enough not to overlap at ~70 px each.
MAX_X_LABELS = 8
BAR_COLOUR = "#2b6cb0"
GRID_COLOUR = "#d9dee5"
TEXT_COLOUR = "#4a5568"


def nice_ticks(top: int, *, most: int = 5) -> list[int]:
    """Round gridline values from 0 up to at least ``top`` (1, 2 or 5 times a power of ten apart)."""
    if top <= 0:
        return [0, 1]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return list(range(0, math.ceil(top / step) * step + 1, step))


def _label(day: date, interval: str) -> str:
    return day.strftime("%Y-%m") if interval == "month" else day.isoformat()


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return value.to_pydatetime().date()  # a pandas Timestamp


def coverage_svg(points: Sequence[dict[str, Any]], *, interval: str) -> Markup:
    """Bars of ``count`` per bin for TrendPoint rows, with count gridlines and a few bin labels."""
    width, height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    ticks = nice_ticks(max((int(p["count"]) for p in points), default=0))
    scale = height / ticks[-1]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'style="direction:ltr" font-family="Noto Sans, DejaVu Sans, sans-serif" font-size="11" fill="{TEXT_COLOUR}">'
    ]
    for t in ticks:
        y = TOP + height - t * scale
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID_COLOUR}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{t:,}</text>')
    n = len(points)
    if n:
        slot = width / n
        bar = max(slot * 0.8, 0.5)
        for i, p in enumerate(points):
            h = int(p["count"]) * scale
            x = LEFT + i * slot + (slot - bar) / 2
            parts.append(f'<rect x="{x:.2f}" y="{TOP + height - h:.2f}" width="{bar:.2f}" height="{h:.2f}" '
                         f'fill="{BAR_COLOUR}"><title>{_label(_day(p["bin"]), interval)}: {int(p["count"]):,}</title></rect>')
        every = max(1, math.ceil(n / MAX_X_LABELS))
        for i in range(0, n, every):
            x = LEFT + (i + 0.5) * slot
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle">{_label(_day(points[i]["bin"]), interval)}</text>')
    parts.append("</svg>")
    # Markup: every value above is a number or a date formatted here, nothing from an article.
    return Markup("".join(parts))

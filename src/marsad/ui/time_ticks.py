"""Where a time axis puts its ticks and what they say, in English or Arabic.

Plotly chooses date ticks for the whole range an axis would span; once long empty stretches are cut out of it
(see marsad.ui.charts.empty_stretches) its choice can leave a stretch of coverage with a single stray tick ("2017"
on a chart of 2018) and no month names. Here each stretch of the axis gets ticks of its own, spaced for its share
of the width, and labels that say the period: days, months, years, with the year under the first tick of each
stretch and wherever it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from marsad.ui.i18n import in_direction

# How many labels a time axis holds without crowding: the narrowest time chart (the Overview's, three quarters of
# a laptop screen) is about 700 px wide, and a two-line label ("Sep" over "2018", "5 مارس") needs some 70 px.
TARGET_TICKS = 9


@dataclass(frozen=True)
class Step:
    """A tick spacing: every ``n`` days (7 and 14 fall on Mondays, where weekly bins start), months or years."""

    unit: Literal["day", "month", "year"]
    n: int

    @property
    def days(self) -> float:
        return self.n * {"day": 1, "month": 30.4, "year": 365.25}[self.unit]


# Finest first. Months step by divisors of 12 and years by "round" numbers (1990, 1995, 2000).
STEPS = (
    Step("day", 1), Step("day", 2), Step("day", 7), Step("day", 14),
    Step("month", 1), Step("month", 2), Step("month", 3), Step("month", 6),
    Step("year", 1), Step("year", 2), Step("year", 5), Step("year", 10), Step("year", 25), Step("year", 50),
)  # fmt: skip


def aligned(lo: pd.Timestamp, hi: pd.Timestamp, step: Step) -> list[pd.Timestamp]:
    """The dates from ``lo`` to ``hi`` (inclusive) that fall on ``step``: midnights, (every other) Monday, the first
    of every ``n``-th month from the first, the first of January of a year that ``n`` divides."""
    first = lo.ceil("D")
    if step.unit == "day" and step.n < 7:
        return list(pd.date_range(first, hi, freq=f"{step.n}D"))
    if step.unit == "day":
        mondays = pd.date_range(first, hi, freq="W-MON")
        return list(mondays[:: step.n // 7])  # fortnights from the first Monday: a stretch's first week is named
    if step.unit == "month":  # from the stretch's first month: its start, and so its first year, gets a label
        return list(pd.date_range(first, hi, freq="MS")[:: step.n])
    return [d for d in pd.date_range(first, hi, freq="YS") if d.year % step.n == 0]


def _step_for(lo: pd.Timestamp, hi: pd.Timestamp, budget: int, finest_days: float) -> tuple[Step, list[pd.Timestamp]]:
    """The finest step, no finer than a bin, that puts between one and ``budget`` ticks on ``lo``–``hi``."""
    for step in STEPS:
        if step.days < finest_days * 0.9:  # a tick between two bins names no point of the chart
            continue
        ticks = aligned(lo, hi, step)
        if 1 <= len(ticks) <= budget:
            return step, ticks
    return STEPS[-1], [lo]  # a stretch too short to hold any aligned date: name where it starts


def _label(day: pd.Timestamp, step: Step, lang: str, *, with_year: bool) -> str:
    from babel.dates import format_skeleton, get_month_names  # lazy: only charts with dates need it

    if step.unit == "year":
        return str(day.year)
    if step.unit == "month":
        main = get_month_names("abbreviated", locale=lang)[day.month]
    else:
        main = format_skeleton("MMMd", day.date(), locale=lang)
    # Plotly lays SVG text out left to right: an Arabic "5 مارس" keeps its order only inside its own isolate.
    lines = [in_direction(main, lang)] + ([str(day.year)] if with_year else [])
    return "<br>".join(lines)


def time_ticks(
    segments: Sequence[tuple[pd.Timestamp, pd.Timestamp]], lang: str, *, bin_days: float, target: int = TARGET_TICKS
) -> tuple[list[pd.Timestamp], list[str]]:
    """Tick positions and labels for a time axis made of ``segments`` (the stretches left between cuts, each
    drawn as wide as it is long) whose points are ``bin_days`` apart. Every segment gets at least one tick and a
    share of ``target`` that follows its share of the axis; the year goes under the first tick of each segment
    and under every tick where it changes."""
    spans = [max(hi - lo, pd.Timedelta(0)) for lo, hi in segments]
    total = sum(spans, pd.Timedelta(0)) or pd.Timedelta(days=1)
    values: list[pd.Timestamp] = []
    labels: list[str] = []
    for (lo, hi), span in zip(segments, spans, strict=True):
        budget = max(1, int(target * (span / total)))
        step, ticks = _step_for(lo, hi, budget, bin_days)
        previous_year = None
        for day in ticks:
            labels.append(_label(day, step, lang, with_year=day.year != previous_year))
            values.append(day)
            previous_year = day.year
    return values, labels

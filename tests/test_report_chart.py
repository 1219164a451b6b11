import re
from datetime import datetime

import pytest

from marsad.report.chart import MAX_X_LABELS, coverage_svg, nice_ticks


@pytest.mark.parametrize(
    ("top", "expected"),
    [(0, [0, 1]), (1, [0, 1]), (4, [0, 1, 2, 3, 4]), (6, [0, 2, 4, 6]), (7, [0, 2, 4, 6, 8]),
     (23, [0, 5, 10, 15, 20, 25]), (940, [0, 200, 400, 600, 800, 1000])],
)
def test_nice_ticks(top, expected):
    assert nice_ticks(top) == expected


def _points(counts):
    return [{"bin": datetime(2020, 9, 1 + i), "count": c, "total": c, "ratio": 1.0} for i, c in enumerate(counts)]


def test_one_bar_per_bin_with_its_count():
    svg = str(coverage_svg(_points([3, 0, 7]), interval="day"))
    titles = re.findall(r"<rect [^>]*><title>([^<]*)</title>", svg)
    assert titles == ["2020-09-01: 3", "2020-09-02: 0", "2020-09-03: 7"]
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([0-9.]+)"', svg)]
    assert heights[1] == 0 and heights[2] > heights[0] > 0
    assert heights[2] / heights[0] == pytest.approx(7 / 3)


def test_month_labels_are_thinned():
    svg = str(coverage_svg(_points([1] * 28), interval="month"))
    labels = re.findall(r'text-anchor="middle">([^<]*)<', svg)
    assert 1 < len(labels) <= MAX_X_LABELS
    assert all(re.fullmatch(r"\d{4}-\d{2}", x) for x in labels)


def test_no_bins_still_draws_axes():
    svg = str(coverage_svg([], interval="week"))
    assert svg.startswith("<svg") and "<rect" not in svg and "<line" in svg

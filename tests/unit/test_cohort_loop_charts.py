"""Figure builders of the cohorts and loop pages, checked on small frames worked out by hand."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chs_app.charts.cohorts import curves_figure, heatmap_figure, row_labels
from chs_app.charts.loop import days_to_touch_figure, outcome_figure
from chs_core.outcomes.loop import OutcomeGroup


def _triangle():
    values = pd.DataFrame([[1.0, 0.5, 0.75], [1.0, 0.9, np.nan], [1.0, np.nan, np.nan]],
                          index=["2025-01", "2025-02", "2025-03"], columns=[0, 1, 2])
    sizes = pd.Series([4, 10, 2], index=values.index)
    observed = pd.DataFrame([[4, 4, 4], [10, 10, 0], [2, 0, 0]], index=values.index, columns=[0, 1, 2])
    return values, sizes, observed


def test_heatmap_leaves_young_cells_blank_and_puts_a_clickable_marker_on_each_filled_cell():
    values, sizes, observed = _triangle()
    fig = heatmap_figure(values, sizes, observed, "Logo", 0.5, 1.0)
    heat, markers = fig.data
    assert list(heat.y) == ["2025-01 · 4", "2025-02 · 10", "2025-03 · 2"] == row_labels(sizes)
    assert heat.text[2][1] == "" and heat.text[0][1] == "50%"  # an empty cell shows nothing, never 0%
    assert math.isnan(heat.z[2][2])
    assert len(markers.x) == 6  # 3 + 2 + 1 filled cells
    assert ("1", "2025-02 · 10") in set(zip(markers.x, markers.y))
    assert ("1", "2025-03 · 2") not in set(zip(markers.x, markers.y))


def test_curves_have_one_line_per_cohort_with_gaps():
    values, sizes, _ = _triangle()
    fig = curves_figure(values, sizes, "Logo")
    assert [t.name for t in fig.data] == ["2025-01 (4)", "2025-02 (10)", "2025-03 (2)"]
    assert math.isnan(fig.data[2].y[1])


def test_days_to_touch_bins_by_week_and_colours_the_target():
    flags = pd.DataFrame({"days_to_touch": [1, 7, 8, 14, 15, 120, np.nan]})
    fig = days_to_touch_figure(flags, 14, max_days=28)
    bars = fig.data[0]
    # Weekly bins 1-7, 8-14, 15-21, 22-28, then over 28: 1, 7 | 8, 14 | 15 | - | 120 (no touch: not drawn).
    assert list(bars.y) == [2, 2, 1, 0, 1]
    assert (bars.customdata[1], bars.customdata[4]) == ("8-14 days", "over 28 days")
    assert bars.marker.color[:2] == ("#16a34a", "#16a34a") and bars.marker.color[2] == "#dc2626"  # day 14 is in time


def test_outcome_bars_carry_the_interval():
    groups = [OutcomeGroup("touched in time", 3, 2, 2 / 3, 0.2077, 0.9385), OutcomeGroup("not touched", 0, 0, None,
                                                                                          None, None)]
    fig = outcome_figure(groups, 0.4)
    bar = fig.data[0]
    assert len(bar.y) == 1  # a group with no judged flags is not drawn
    assert bar.error_y.array[0] == np.float64(0.9385 - 2 / 3)
    assert bar.error_y.arrayminus[0] == np.float64(2 / 3 - 0.2077)

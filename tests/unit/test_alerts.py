"""Score-drop alerts on constructed cases."""
from datetime import date

import pandas as pd

from chs_core.model.schema import Alert
from chs_core.outcomes.alerts import alert_dates, score_drops

T = date(2026, 10, 31)
START = date(2026, 10, 17)  # 14 days earlier


def scored(rows):
    return pd.DataFrame(rows, columns=["account_id", "as_of", "health_score", "arr"])


def test_alert_dates_are_the_window_ends():
    assert alert_dates(T, Alert(20, 14)) == [START, T]


def test_drops_of_at_least_the_threshold_fire_biggest_first():
    frame = scored([
        ("fall", START, 72.0, 24_000), ("fall", T, 45.0, 24_000),        # 27 points: fires (the domain's example)
        ("edge", START, 60.0, 1_000), ("edge", T, 40.0, 1_000),          # exactly 20: fires
        ("small", START, 60.0, 1_000), ("small", T, 40.1, 1_000),        # 19.9: does not
        ("rise", START, 40.0, 1_000), ("rise", T, 80.0, 1_000),          # up: does not
        ("new", T, 10.0, 1_000),                                         # no earlier score: cannot alert
        ("gap", START, 90.0, 1_000), ("gap", T, float("nan"), 1_000),    # no data now: not a drop
    ])
    out = score_drops(frame, T, Alert(20, 14))
    assert out["account_id"].tolist() == ["fall", "edge"]
    assert out["drop"].tolist() == [27.0, 20.0]
    assert out["score_before"].tolist() == [72.0, 60.0] and out["arr"].tolist() == [24_000, 1_000]


def test_threshold_and_window_come_from_the_model():
    frame = scored([("a", date(2026, 10, 24), 70.0, 1), ("a", T, 60.0, 1), ("a", START, 90.0, 1)])
    assert score_drops(frame, T, Alert(10, 7))["drop"].tolist() == [10.0]  # 7-day window: 70 → 60
    assert score_drops(frame, T, Alert(20, 14))["drop"].tolist() == [30.0]  # 14-day window: 90 → 60
    assert score_drops(frame, T, Alert(31, 14)).empty

"""why_it_moved: the change in one sentence, checked on hand-made terms and events (the numbers are the inputs')."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from chs_core.workspace.change import TERM_COLUMNS, Change, why_it_moved

F, T = date(2026, 9, 15), date(2026, 9, 29)


def _change(rows: list[list], score_from: float, score_to: float) -> Change:
    return Change("X", F, T, score_from, score_to, (), (), pd.DataFrame(rows, columns=list(TERM_COLUMNS)))


def _events(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["date", "kind", "what"])


DROP = [["flag", None, "usage_decline", "Usage down > 30%", "not fired", "fired", -10.0],
        ["metric", "growth", "usage_trend", "Usage trend (28 d)", "+19%", "-35%", -6.87],
        ["metric", "engagement", "nps", "NPS", "+0", "-51", -5.96],
        ["metric", "support", "urgent_tickets_90d", "Urgent tickets (90 d)", "0", "2", -1.63],
        ["metric", "usage", "key_feature_adoption", "Key-feature adoption", "17%", "20%", +0.45]]


def test_a_drop_names_the_departure_and_the_three_biggest_losses_as_the_table_rounds_them():
    events = _events([(date(2026, 9, 29), "ticket", "P1 ticket (open)"),
                      (date(2026, 9, 16), "contact", "Tobias Berg (admin) left")])
    text = why_it_moved(_change(DROP, 73.0, 49.0), events)  # shown -10, -6.9, -6.0, -1.6, +0.5 (largest remainder)
    assert text.startswith("The score fell 24.0 points (73.0 → 49.0) after Tobias Berg (admin) left on 16 Sep; ")
    assert "most of it: Usage down > 30% fired (-10.0), Usage trend (28 d) (-6.9), NPS (-6.0)." in text
    assert "P1 ticket" not in text and "Key-feature" not in text  # tickets are in the terms; gains are not causes
    assert "not marked as champion, so no champion-departure flag fired" in text


def test_a_champion_whose_flag_fired_needs_no_caveat_and_a_rise_names_the_training():
    flag = [["flag", None, "champion_departure", "Champion left", "not fired", "fired", -15.0]]
    text = why_it_moved(_change(flag, 70.0, 55.0), _events([(date(2026, 9, 16), "contact", "Lena (champion) left")]))
    assert text == "The score fell 15.0 points (70.0 → 55.0) after Lena (champion) left on 16 Sep; most of it: " \
                   "Champion left fired (-15.0)."
    rise = [["flag", None, "usage_decline", "Usage down > 30%", "fired", "not fired", 10.0],
            ["metric", "engagement", "nps", "NPS", "-51", "+0", 7.2]]
    events = _events([(date(2026, 10, 1), "activity", "training held"), (date(2026, 10, 2), "activity", "call held")])
    assert why_it_moved(_change(rise, 46.0, 63.2), events) == (
        "The score rose 17.2 points (46.0 → 63.2) after training held on 01 Oct; most of it: "
        "Usage down > 30% cleared (+10.0), NPS (+7.2).")


def test_no_comparison_gives_the_note():
    c = Change("X", F, T, np.nan, 50.0, (), (), pd.DataFrame(columns=list(TERM_COLUMNS)), "X was not a customer")
    assert why_it_moved(c, _events([])) == "X was not a customer"

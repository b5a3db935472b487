"""The seed story: one written account (not a random draw) laid over the simulated demo.

The practitioners' example the product is built on (domain.md): a mid-size customer's
core admin leaves, the team stops using the team-management feature, usage collapses and
the score falls from about 72 to about 45 within two weeks; the score-drop alert (20 points
in 14 days) fires, the CSM trains the new admin within 48 hours, and two weeks later the
score is back at about 75, saving a 24k ARR renewal.

Account ACC-00072 "Kestrel Freight GmbH" (Mid-Market, Logistics, EMEA, CSM Hannah Okafor,
20 seats, 24,000 ARR, customer since 2024-11-16). Dates for the default demo (end month
2026-10, default as-of date 2026-10-31); every date moves with the demo's end month
(story_dates). Scores with the default model.yaml (tests/unit/test_demo_story.py pins them):

| what | date | score |
|---|---|---|
| steady use; the admin's last day (contact Tobias Berg, role admin, left_date) | 2026-09-16 (Wed) | 72.7 Healthy |
| usage collapses: nobody runs team management, the team drifts off in two days | from 2026-09-17 (Thu) | |
| the usage-decline flag fires (28 days vs the 28 before, below -30 %) | 2026-09-25 | 55.8 |
| two P1 tickets from the new admin; four locked-out users answer NPS 2-4 | 2026-09-29 | |
| score-drop alert: first day >= 20 points below 14 days earlier | 2026-09-29 (Tue) | 47.4 At risk |
| bottom, and the month end the executive page shows the alert at | 2026-09-30 | 46.0 At risk |
| the CSM trains the new admin Sara Ahmed (training, held, notes) | 2026-10-01 (Thu) | 49.8 |
| the usage-decline flag clears; recovered two weeks after the training | 2026-10-15 | 74.4 Healthy |
| renewal meeting held: 20 seats, 24,000 ARR agreed | 2026-10-20 | |
| default as-of date | 2026-10-31 | 75.4 Healthy |
| renewal_date | 2026-11-16 | |

On the executive page the alert shows at the as-of date 2026-09-30 (a month end inside the
alert's run, compared with 2026-09-16); at the default as-of date 2026-10-31 it is over and
the account page shows the whole arc: departure, collapse, alert, training and recovery.

The departed admin is not marked as a champion. Marking him one was tried and rejected: the
default model's champion-departure flag (-15 and a cap at 49 for 90 days) would take the score
from 73 to 49 on the departure day itself (so the alert would fire on 09-16, not 09-29, and the
month end 09-30 compared with 09-16 would show none), push the bottom to about 32 (Critical),
and hold it at 49 until mid-December, forbidding the recovery the story is about; the model is
never tuned to the demo. So no flag names the departure; the drop is carried by what followed it:
the usage collapse (usage trend and its flag, depth), two urgent tickets with poor CSAT and the
detractor answers, and the account page's "Why it moved" sentence (workspace.change.why_it_moved)
names the departure and those terms together, and says why no champion flag fired. After the training the new admin puts
everyone into team workspaces, so key-feature adoption ends above where it was.

The story needs at least STORY_MIN_MONTHS months of history and STORY_INDEX + 1 accounts;
smaller demos (unit-test worlds) leave it out. tests/conftest.py's 250 x 15 demo includes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from chs_core.demo.story_tables import story_frames

STORY_INDEX = 71  # row of the simulated world the story replaces
STORY_ACCOUNT = f"ACC-{STORY_INDEX + 1:05d}"
STORY_MIN_MONTHS = 6


@dataclass(frozen=True)
class StoryDates:
    """The story's days for a demo ending with end_month (first of the month)."""

    window_start: date  # first window month (nothing is dated before it)
    end: date  # last day of the data
    customer_since: date
    admin_left: date
    collapse: date  # first working day without the admin
    support_ticket: date  # the new admin's P1 ticket
    detractors: date  # two locked-out team members answer NPS 3 and 4
    training: date
    renewal_meeting: date
    renewal: date
    expected_alert: date  # first day the default model's score-drop alert fires (pinned by a test)
    recovered: date  # two weeks after the training


def _add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def _next_busday(d: date) -> date:
    return pd.Timestamp(np.busday_offset(np.datetime64(d, "D"), 0, roll="forward")).date()


def story_dates(end_month: date, window_start: date) -> StoryDates:
    """Days of the story for a window [window_start, end of end_month]."""
    prev = _add_months(end_month, -1)
    admin_left = pd.Timestamp(np.busday_offset(np.datetime64(prev + timedelta(days=15), "D"), 0, roll="backward")).date()
    collapse = _next_busday(admin_left + timedelta(days=1))
    expected_alert = _next_busday(collapse + timedelta(days=12))
    training = _next_busday(expected_alert + timedelta(days=2))
    renewal = _add_months(end_month, 1) + timedelta(days=15)
    return StoryDates(
        window_start=window_start,
        end=_add_months(end_month, 1) - timedelta(days=1),
        customer_since=date(renewal.year - 2, renewal.month, renewal.day),
        admin_left=admin_left,
        collapse=collapse,
        support_ticket=collapse + timedelta(days=12),
        detractors=collapse + timedelta(days=12),
        training=training,
        renewal_meeting=_next_busday(training + timedelta(days=19)),
        renewal=renewal,
        expected_alert=expected_alert,
        recovered=training + timedelta(days=14),
    )


def has_story(n_accounts: int, n_months: int) -> bool:
    return n_accounts > STORY_INDEX and n_months >= STORY_MIN_MONTHS


def story_for(end_month: date, window_start: date) -> dict[str, pd.DataFrame]:
    """The story's rows for a demo window, table by table."""
    return story_frames(STORY_ACCOUNT, story_dates(end_month, window_start))


def apply_story(name: str, frame: pd.DataFrame, written: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One table with the story account's rows replaced by the written story (the frame keeps its columns).

    usage_events is left to the caller: its rows are dropped while drawn and the story's appended as a chunk.
    """
    if name == "accounts":
        acc = frame.set_index("account_id")
        row = written["accounts"].set_index("account_id")
        acc.loc[STORY_ACCOUNT, row.columns] = row.loc[STORY_ACCOUNT]
        return acc.reset_index()[frame.columns].astype(frame.dtypes.to_dict())
    keep = frame[frame["account_id"] != STORY_ACCOUNT]
    return pd.concat([keep, written[name].astype(frame.dtypes.to_dict())], ignore_index=True)

"""The seed story's rows, table by table (see stories.py for the story and its dates).

Written, not simulated: a fixed seed draws only the day-to-day texture (which user is active
on which day), so the story's scores do not move when the rest of the generator changes.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # only for the type hint: stories.py imports this module
    from chs_core.demo.stories import StoryDates

SEED = 72
SEATS = 20
ARR = 24_000.0
CORE = ["dashboards", "reports", "search", "exports", "sharing", "alerts"]
# Feature profile per user: the admin runs the team workspaces, integrations and automations with one
# team lead; the champion lives in dashboards and the API; everyone else in the core features.
ADMIN_FEATURES = ["team_management", "admin", "integrations", "automation", "dashboards", "reports"]
LEAD_FEATURES = ["team_management", "dashboards", "reports", "search", "sharing"]
POWER_FEATURES = ["api", "dashboards", "reports", "exports", "search"]
USER_FEATURES = ["dashboards", "reports", "search", "exports", "sharing", "alerts"]
PEOPLE = [  # slot (1-based user number), role, name, champion, daily chance of being active, features
    (1, "champion", "Lena Fischer", True, 0.85, POWER_FEATURES),
    (2, "admin", "Tobias Berg", False, 0.90, ADMIN_FEATURES),
    (3, "executive_sponsor", "Katrin Novak", False, 0.0, ["dashboards", "reports"]),
    (4, "decision_maker", "Jonas Larsen", False, 0.30, ["dashboards", "reports", "exports"]),
    (5, "end_user", "Amara Okafor", False, 0.70, LEAD_FEATURES),
    (6, "end_user", "Marco Rossi", False, 0.65, USER_FEATURES),
]
NEW_ADMIN = "Sara Ahmed"
LIGHT_USERS = 4  # users 7-10 use it most weeks; 11-20 hold seats they rarely use
FADE_DAYS = 2  # days the team takes to drift off after the admin left
COLLAPSED = 0.08  # share of usual use left once the team has drifted off
TEAM_FEATURES = {"team_management", "admin", "integrations", "automation"}


def _days(start: date, stop: date) -> np.ndarray:
    """Working days in [start, stop]."""
    days = np.arange(np.datetime64(start, "D"), np.datetime64(stop + timedelta(days=1), "D"))
    return days[np.is_busday(days)]


def _activity(day: np.datetime64, d: StoryDates) -> tuple[float, float, float]:
    """(chance of use on a user's usual weekday, on another day, events per feature) on a working day."""
    collapse, training = np.datetime64(d.collapse, "D"), np.datetime64(d.training, "D")
    if day < collapse:
        return 0.92, 0.04, 0.6
    if day < training:  # without team management the team drifts off within days
        fade = min(1.0, float((day - collapse).astype(int) + 1) / FADE_DAYS)
        return 0.92 * (1.0 - (1.0 - COLLAPSED) * fade), 0.0, 0.2
    if day < training + np.timedelta64(14, "D"):  # the trained team rebuilds its workspaces
        return 1.0, 0.35, 1.2
    return 0.92, 0.04, 0.6


def _team(account: str) -> list[tuple[str, frozenset, float, list[str]]]:
    """(user id, usual weekdays, chance on a day for occasional users, features) per seat holder."""
    rng = np.random.default_rng(SEED)
    people = [(f"{account}-U{slot:04d}", p, feats) for slot, _, _, _, p, feats in PEOPLE]
    for slot in range(len(PEOPLE) + 1, SEATS + 1):  # a few light users, the rest rarely log in
        p = rng.uniform(0.25, 0.5) if slot <= len(PEOPLE) + LIGHT_USERS else 0.004
        people.append((f"{account}-U{slot:04d}", p, USER_FEATURES))
    people.append((f"{account}-U0002R", 1.0, ADMIN_FEATURES))  # the new admin, from the collapse on
    # A weekly rhythm (the same weekdays every week) keeps the story's trend free of day-to-day noise.
    return [(user, frozenset(rng.choice(5, size=round(5 * p), replace=False).tolist()) if p >= 0.1 else frozenset(),
             p if p < 0.1 else 0.0, feats) for user, p, feats in people]


def _usage(account: str, d: StoryDates) -> pd.DataFrame:
    first = max(d.window_start, d.customer_since)
    collapse, training = np.datetime64(d.collapse, "D"), np.datetime64(d.training, "D")
    admin_id, new_admin_id = f"{account}-U0002", f"{account}-U0002R"
    team = _team(account)
    rows = []
    for day in _days(first, d.end):
        rng = np.random.default_rng([SEED, int(day.astype(np.int64))])  # a day's draws never depend on the window
        usual, other, per_feature = _activity(day, d)
        down = collapse <= day < training
        weekday = int((day.astype(np.int64) + 3) % 7)  # 0 = Monday
        for user, weekdays, rare, feats in team:
            if (user == admin_id and day >= collapse) or (user == new_admin_id and day < collapse):
                continue
            chance = 0.92 if user == new_admin_id else usual if weekday in weekdays else max(rare, other * bool(weekdays))
            if rng.random() >= chance:
                continue
            if down:
                pool = CORE if user == new_admin_id else [f for f in feats if f not in TEAM_FEATURES] or CORE[:3]
            else:  # once trained, the new admin puts everyone into team workspaces
                pool = feats + ["team_management"] if day >= training and "team_management" not in feats else feats
            for feature in rng.choice(pool, size=min(len(pool), 1 + rng.poisson(0.6)), replace=False):
                rows.append((account, user, day, str(feature), 1 + rng.poisson(per_feature)))
    frame = pd.DataFrame(rows, columns=["account_id", "user_id", "event_date", "feature", "event_count"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    return frame


def _months(d: StoryDates) -> list[date]:
    first = max(d.window_start, d.customer_since.replace(day=1))
    return list(pd.date_range(first, d.end, freq="MS").date)


def _contacts(account: str, d: StoryDates) -> pd.DataFrame:
    rows = [(f"CS{account[-5:]}{slot:02d}", account, name, role, champ, f"{account}-U{slot:04d}",
             pd.Timestamp(d.admin_left) if role == "admin" else pd.NaT)
            for slot, role, name, champ, _, _ in PEOPLE]
    rows.append((f"CS{account[-5:]}{len(PEOPLE) + 1:02d}", account, NEW_ADMIN, "admin", False,
                 f"{account}-U0002R", pd.NaT))
    return pd.DataFrame(rows, columns=["contact_id", "account_id", "contact_name", "role", "is_champion",
                                       "user_id", "left_date"])


def _activities(account: str, d: StoryDates) -> pd.DataFrame:
    rows = []
    for m in _months(d):
        rows.append((m + timedelta(days=8), "meeting", "held", "Monthly check-in with Lena, no open issues"))
        rows.append((m + timedelta(days=20), "email", "held", None))
        if m.month % 3 == d.customer_since.month % 3:
            rows.append((m + timedelta(days=14), "qbr", "held", "QBR: automation saving the dispatch team hours"))
    if d.customer_since >= d.window_start:
        rows.append((d.customer_since + timedelta(days=10), "training", "held", "Onboarding training for the team"))
    alert = d.expected_alert
    rows += [
        (alert, "note", "held", "Admin left; new admin not yet trained on team management"),
        (alert, "call", "held", f"Called {NEW_ADMIN} (new admin): team workspaces broken since Tobias left"),
        (d.training, "training", "held", f"Trained {NEW_ADMIN} on team management, integrations and automation; "
                                         "rebuilt the team workspaces together"),
        (d.training + timedelta(days=7), "call", "held", "Follow-up: all 20 seats back in their team workspaces"),
        (d.renewal_meeting, "renewal_meeting", "held",
         f"Renewal agreed: 20 seats, 24,000 ARR from {d.renewal:%Y-%m-%d}"),
    ]
    frame = pd.DataFrame([(account, *r) for r in rows if d.window_start <= r[0] <= d.end],
                         columns=["account_id", "activity_date", "activity_type", "outcome", "notes"])
    frame["activity_date"] = pd.to_datetime(frame["activity_date"])
    frame["notes"] = frame["notes"].astype("str")
    return frame.sort_values("activity_date", kind="stable", ignore_index=True)


def _tickets(account: str, d: StoryDates) -> pd.DataFrame:
    rows = [(pd.Timestamp(m) + pd.Timedelta(days=12, hours=10), 20.0, "P3", False, 5.0)
            for m in _months(d) if m.month % 2 == 0]
    rows.append((pd.Timestamp(d.support_ticket) + pd.Timedelta(hours=9), 52.0, "P1", False, 1.0))
    rows.append((pd.Timestamp(d.support_ticket) + pd.Timedelta(hours=14), 30.0, "P1", False, 2.0))
    frame = pd.DataFrame([(f"TS{account[-5:]}{i:03d}", account, opened, opened + pd.Timedelta(hours=hours), prio,
                           esc, csat) for i, (opened, hours, prio, esc, csat) in enumerate(rows, 1)],
                         columns=["ticket_id", "account_id", "opened_at", "resolved_at", "priority", "escalated", "csat"])
    return frame[frame["opened_at"] < pd.Timestamp(d.end) + pd.Timedelta(days=1)]


def _nps(account: str, d: StoryDates) -> pd.DataFrame:
    rows = []
    for m in _months(d):  # quarterly waves until the story starts
        if m.month in (1, 4, 7, 10) and m + timedelta(days=7) < d.collapse:
            rows += [(m + timedelta(days=5), 8, "champion"), (m + timedelta(days=6), 7, "decision_maker"),
                     (m + timedelta(days=7), 8, "end_user")]
    # In-app answers from four team members locked out of their workspaces, then a pulse after the training.
    rows += [(d.detractors, 2, "end_user"), (d.detractors, 3, "end_user"), (d.detractors, 3, "end_user"),
             (d.detractors, 4, "end_user"),
             (d.training + timedelta(days=6), 10, "admin"), (d.training + timedelta(days=6), 9, "champion"),
             (d.training + timedelta(days=7), 9, "end_user"), (d.training + timedelta(days=7), 9, "decision_maker")]
    return pd.DataFrame([(account, pd.Timestamp(day), score, role) for day, score, role in rows if day <= d.end],
                        columns=["account_id", "responded_at", "score", "respondent_role"])


def _invoices(account: str, d: StoryDates) -> pd.DataFrame:
    rows = []
    for m in _months(d):
        if m.month == d.customer_since.month:  # annual: at signing and at each renewal
            due = m + timedelta(days=30)
            rows.append((f"INVS{account[-5:]}{m:%y%m}", account, pd.Timestamp(due), pd.Timestamp(due - timedelta(days=3)), ARR))
    frame = pd.DataFrame(rows, columns=["invoice_id", "account_id", "due_date", "paid_date", "amount"])
    return frame[frame["due_date"] <= pd.Timestamp(d.end)]


def story_frames(account: str, d: StoryDates) -> dict[str, pd.DataFrame]:
    """Every contract table's rows for the story account."""
    months = _months(d)
    return {
        "accounts": pd.DataFrame([{
            "account_id": account, "account_name": "Kestrel Freight GmbH", "segment": "Mid-Market",
            "industry": "Logistics", "region": "EMEA", "csm": "Hannah Okafor", "licensed_seats": SEATS,
            "renewal_date": pd.Timestamp(d.renewal), "customer_since": pd.Timestamp(d.customer_since),
            "acquisition_channel": "Partner"}]),
        "arr_monthly": pd.DataFrame({"account_id": account, "month": pd.to_datetime(months), "arr": ARR,
                                     "seats": SEATS}),
        "usage_events": _usage(account, d),
        "tickets": _tickets(account, d),
        "nps_responses": _nps(account, d),
        "contacts": _contacts(account, d),
        "csm_activities": _activities(account, d),
        "invoices": _invoices(account, d),
    }

"""What happened after each as-of date: churn, and churn or contraction, within a horizon of h months.

For a score as of T (in month m, judged against months m+1 .. m+h, i.e. (T, T+h]):
- churned: the account has no ARR (no row, or 0) in at least one month of (T, T+h]; an account that
  stops paying and comes back inside the window still stopped paying.
- churned or contracted: churned, or its lowest ARR in (T, T+h] is below its ARR in T's month.
Only rows that can be judged are kept: the account pays in T's month, and every month of (T, T+h] is
in the data and not after `end_month` (the last complete month). The labels depend on the data only,
never on the model, so a tuning session labels the history once and re-judges every draft with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chs_core.kpis.periods import arr_frame, month_start
from chs_core.sources import Dataset


@dataclass(frozen=True, eq=False)
class Labels:
    """Judged rows of a history (positions `rows` into it) with their outcomes; arrays align with `rows`."""

    horizon_months: int
    rows: np.ndarray  # int positions in the history frame
    account_id: np.ndarray  # str
    account_code: np.ndarray  # int per account (fast grouping)
    as_of: np.ndarray  # datetime64[ns]
    arr: np.ndarray  # ARR in the as-of month
    churned: np.ndarray  # bool
    lost: np.ndarray  # bool: churned or contracted
    lost_arr: np.ndarray  # ARR at as-of minus the lowest ARR in the window (>= 0)
    days_to_renewal: np.ndarray  # float, NaN when unknown
    horizon_days: np.ndarray  # days from the as-of date to the end of its horizon
    segment: np.ndarray | None  # object, None without a segment column

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def in_renewal_window(self) -> np.ndarray:
        """Rows whose renewal falls inside the horizon (days to renewal <= the horizon's days; overdue too)."""
        with np.errstate(invalid="ignore"):
            return self.days_to_renewal <= self.horizon_days

    @property
    def has_renewal_date(self) -> bool:
        return bool((~np.isnan(self.days_to_renewal)).any())

    def account_ranks(self) -> np.ndarray:
        """Each row's account's rank among the sorted account ids (pd.factorize(account_id, sort=True)'s codes),
        from the account codes: 100k ids sorted instead of 1.5M hashed."""
        k = int(self.account_code.max()) + 1 if len(self) else 0
        one_id = np.empty(k, dtype=object)
        one_id[self.account_code] = self.account_id  # every row of a code has the same id
        rank = np.empty(k, dtype=np.int64)
        rank[np.argsort(one_id)] = np.arange(k)
        return rank[self.account_code]


def label_history(history: pd.DataFrame, arr_monthly: pd.DataFrame | Dataset, horizon_months: int,
                  end_month: date | None = None, days_to_renewal: np.ndarray | None = None) -> Labels:
    """Label every judgeable (account, as-of) row of `history` (account_id, as_of; optional segment,
    days_to_renewal) with its outcome within `horizon_months`; see the module docstring.

    days_to_renewal: per history row, when the history frame does not carry the column itself.
    """
    if horizon_months < 1:
        raise ValueError("horizon_months must be at least 1")
    arr = arr_frame(arr_monthly)
    n = len(history)
    empty = _empty(horizon_months, history)
    if arr.empty or n == 0:
        return empty
    first = arr["month"].min()
    last = arr["month"].max() if end_month is None else min(arr["month"].max(), pd.Timestamp(month_start(end_month)))
    span = _month_index(last, first) + 1
    present = np.zeros(span + horizon_months + 1, dtype=bool)
    idx = _month_index(arr["month"], first)
    keep = idx < span  # months after end_month are not trusted
    present[idx[keep]] = True
    names, arr_acc, acc = _account_codes(arr["account_id"], history["account_id"])
    accounts = len(names)
    table = np.zeros((accounts + 1, len(present)))  # last row: accounts absent from arr_monthly
    table[arr_acc[keep], idx[keep]] = arr["arr"].to_numpy()[keep]

    as_of = pd.to_datetime(history["as_of"]).to_numpy()
    months = _month_index(as_of, first)
    acc = np.where(acc < 0, accounts, acc)
    m = np.clip(months, 0, len(present) - 1)
    window = m[:, None] + np.arange(1, horizon_months + 1)[None, :]  # (rows, h) month indices
    window = np.clip(window, 0, len(present) - 1)
    judged = (months >= 0) & (months + horizon_months < span) & present[window].all(axis=1)
    now = table[acc, m]
    judged &= now > 0
    rows = np.flatnonzero(judged)
    future = table[acc[rows][:, None], window[rows]]
    low = future.min(axis=1)
    now = now[rows]
    churned = (future <= 0).any(axis=1)
    horizon_end = _month_end_of_index(first, months[rows] + horizon_months)
    days = (days_to_renewal if days_to_renewal is not None else
            pd.to_numeric(history["days_to_renewal"], errors="coerce").to_numpy(dtype=float)
            if "days_to_renewal" in history.columns else np.full(n, np.nan))
    judged_acc = acc[rows]  # judged rows have ARR: each is an account of arr_monthly, matched by its id's text
    return Labels(
        horizon_months=horizon_months,
        rows=rows,
        account_id=names[judged_acc],  # one str object per account (1.8M ids converted took 0.3 s)
        account_code=pd.factorize(judged_acc)[0],
        as_of=as_of[rows],
        arr=now,
        churned=churned,
        lost=churned | (low < now),
        lost_arr=np.clip(now - low, 0.0, None),
        days_to_renewal=np.asarray(days, dtype=float)[rows],
        horizon_days=((horizon_end - as_of[rows].astype("datetime64[D]")).astype(float)),
        segment=history["segment"].astype(object).to_numpy()[rows] if "segment" in history.columns else None,
    )


def _account_codes(arr_ids: pd.Series, history_ids: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the accounts of arr_monthly as str objects, each ARR row's account code, each history row's code or -1),
    matched as text in Arrow's hash tables (2M + 1.8M ids in a third of a second; pandas' index lookups: 1.8 s)."""
    arr_text = pa.array(arr_ids.astype(str).array)
    history_text = pa.array(history_ids.astype(str).array)
    accounts = pc.unique(arr_text)
    return (np.array(accounts.to_pylist(), dtype=object), _codes_in(arr_text, accounts),
            _codes_in(history_text, accounts))


def _codes_in(values, accounts) -> np.ndarray:
    return np.asarray(pc.index_in(values, value_set=accounts).fill_null(-1).to_numpy(), dtype=np.int64)


def _month_index(months, first: pd.Timestamp):
    """Months after `first` (0 = first's month): of one timestamp, or of each value of a series or array (counted
    in numpy's calendar months: a 1.8M-row history in milliseconds, not through pandas periods)."""
    if isinstance(months, pd.Timestamp):
        return (months.year - first.year) * 12 + (months.month - first.month)
    calendar = pd.to_datetime(pd.Series(months)).to_numpy().astype("datetime64[M]")
    return (calendar - np.datetime64(f"{first.year:04d}-{first.month:02d}", "M")).astype(np.int64)


def _month_end_of_index(first: pd.Timestamp, index: np.ndarray) -> np.ndarray:
    """The last day (datetime64[D]) of the month `index` months after `first`."""
    base = np.datetime64(f"{first.year:04d}-{first.month:02d}", "M")
    return (base + index.astype("timedelta64[M]") + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")


def _empty(horizon_months: int, history: pd.DataFrame) -> Labels:
    z = np.zeros(0)
    return Labels(horizon_months, z.astype(int), z.astype(str), z.astype(int), z.astype("datetime64[ns]"), z,
                  z.astype(bool),
                  z.astype(bool), z, z, z, np.zeros(0, dtype=object) if "segment" in history.columns else None)

"""The ARR bridge and the retention KPIs: GRR, NRR, logo retention, expansion rate.

Definitions (domain.md, "Executive KPIs"), for a period from snapshot S to snapshot E,
per account s = ARR at S and e = ARR at E (0 when the account has no row that month,
so an account missing from E's rows has churned):
- cohort: accounts with s > 0; new business (s == 0, e > 0) never enters GRR/NRR/logo/expansion.
- churn s (e == 0), contraction s - e (0 < e < s), expansion e - s (e > s), new e (s == 0).
- GRR = sum(min(s, e)) / sum(s) over the cohort: capped per account, so never above 100%.
- NRR = sum(e) / sum(s) over the cohort.  Logo retention = share of the cohort with e > 0.
- Expansion rate = share of the cohort with e > s.
- Bridge: sum(s) - churn - contraction + expansion + new = sum(e).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pandas as pd

from chs_core.kpis.benchmarks import small_sample
from chs_core.kpis.periods import PERIOD_MONTHS, QUARTER_END_MONTHS, Period, add_months, arr_frame, month_start, resolve_period
from chs_core.selection import only_accounts
from chs_core.sources import Dataset


@dataclass(frozen=True)
class RetentionKpis:
    """Bridge amounts, account counts and retention rates for one period (rates are fractions)."""

    period: Period
    start_arr: float
    churn: float
    contraction: float
    expansion: float
    new: float
    end_arr: float
    cohort_accounts: int  # accounts with ARR > 0 at the start
    retained_accounts: int  # cohort accounts with ARR > 0 at the end
    expanded_accounts: int
    churned_accounts: int
    contracted_accounts: int
    new_accounts: int  # includes reactivations
    grr: float | None  # None when the cohort is empty
    nrr: float | None
    logo_retention: float | None
    expansion_rate: float | None

    def to_dict(self) -> dict:
        """JSON-friendly dict; the period is nested with ISO dates."""
        out = asdict(self)
        out["period"] = {**out["period"], "start": self.period.start.isoformat(),
                         "end": self.period.end.isoformat()}
        return out


def _classify(s: pd.Series, e: pd.Series) -> np.ndarray:
    return np.select(
        [(s > 0) & (e == 0), (s > 0) & (e < s), (s > 0) & (e > s), (s == 0) & (e > 0)],
        ["churn", "contraction", "expansion", "new"], default="flat")


def _start_end(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """start_arr and end_arr per account (index account_id) for accounts paying at either snapshot."""
    start_ts, end_ts = pd.Timestamp(month_start(start)), pd.Timestamp(month_start(end))
    if start_ts >= end_ts:
        raise ValueError(f"period start {start} must be before its end {end}")
    s = frame.loc[frame["month"] == start_ts].set_index("account_id")["arr"].rename("start_arr")
    e = frame.loc[frame["month"] == end_ts].set_index("account_id")["arr"].rename("end_arr")
    both = pd.concat([s, e], axis=1).fillna(0.0)
    return both[(both["start_arr"] > 0) | (both["end_arr"] > 0)]


def arr_movements(arr_monthly: pd.DataFrame | Dataset, start: date, end: date,
                  account_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per account paying at start or end: how its ARR moved between the two snapshots.

    In: arr_monthly (account_id, month, arr) or a Dataset.
    Out: account_id, start_arr, end_arr, movement (churn | contraction | expansion | new | flat),
    change (end_arr - start_arr), reactivated (True for "new" accounts that paid before start).
    """
    frame = only_accounts(arr_frame(arr_monthly), account_ids)
    out = _start_end(frame, start, end)
    out["movement"] = _classify(out["start_arr"], out["end_arr"])
    out["change"] = out["end_arr"] - out["start_arr"]
    new = out["movement"] == "new"
    earlier = frame[frame["account_id"].isin(out.index[new])]  # only new accounts can be returning ones
    paid_before = earlier.loc[(earlier["month"] < pd.Timestamp(month_start(start))) & (earlier["arr"] > 0), "account_id"]
    out["reactivated"] = new & out.index.isin(paid_before.unique())
    return out.rename_axis("account_id").reset_index().sort_values("account_id", ignore_index=True)


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator / denominator) if denominator > 0 else None


def _kpis(period: Period, s: pd.Series, e: pd.Series) -> RetentionKpis:
    """KPIs from aligned start/end ARR series (one entry per account, 0 when not paying)."""
    cohort = s > 0
    cs, ce = s[cohort], e[cohort]
    n = int(cohort.sum())
    return RetentionKpis(
        period=period,
        start_arr=float(s.sum()),
        churn=float(cs[ce == 0].sum()),
        contraction=float((cs - ce)[(ce > 0) & (ce < cs)].sum()),
        expansion=float((ce - cs)[ce > cs].sum()),
        new=float(e[~cohort & (e > 0)].sum()),
        end_arr=float(e.sum()),
        cohort_accounts=n,
        retained_accounts=int((ce > 0).sum()),
        expanded_accounts=int((ce > cs).sum()),
        churned_accounts=int((ce == 0).sum()),
        contracted_accounts=int(((ce > 0) & (ce < cs)).sum()),
        new_accounts=int((~cohort & (e > 0)).sum()),
        # Per-account cap: an account that grew keeps only its starting ARR in GRR.
        grr=_ratio(np.minimum(cs, ce).sum(), cs.sum()),
        nrr=_ratio(ce.sum(), cs.sum()),
        logo_retention=_ratio((ce > 0).sum(), n),
        expansion_rate=_ratio((ce > cs).sum(), n),
    )


def retention_kpis(arr_monthly: pd.DataFrame | Dataset, period: Period,
                   account_ids: Iterable[str] | None = None) -> RetentionKpis:
    """Bridge and retention KPIs for one period; account_ids restricts the population (page filters)."""
    both = _start_end(only_accounts(arr_frame(arr_monthly), account_ids), period.start, period.end)
    return _kpis(period, both["start_arr"], both["end_arr"])


@dataclass(frozen=True)
class BridgeStep:
    """One bar of the ARR bridge: start - churn - contraction + expansion + new = end."""

    key: str  # field of RetentionKpis holding the amount
    label: str
    sign: int  # +1 adds to the bridge, -1 takes away; 0 for the start and end totals
    measure: str  # plotly Waterfall: absolute (start), relative (moves), total (end)
    accounts_field: str | None  # field of RetentionKpis counting the accounts behind the bar


# The one declaration of the bridge; the chart, the reconciliation table and the JSON read it.
BRIDGE_STEPS: tuple[BridgeStep, ...] = (
    BridgeStep("start_arr", "Start ARR", 0, "absolute", "cohort_accounts"),
    BridgeStep("churn", "Churn", -1, "relative", "churned_accounts"),
    BridgeStep("contraction", "Contraction", -1, "relative", "contracted_accounts"),
    BridgeStep("expansion", "Expansion", +1, "relative", "expanded_accounts"),
    BridgeStep("new", "New business", +1, "relative", "new_accounts"),
    BridgeStep("end_arr", "End ARR", 0, "total", None),
)


def bridge_amounts(kpis: RetentionKpis) -> list[tuple[BridgeStep, float, int | None]]:
    """Each bridge step with its amount (unsigned) and its account count (None for the end total)."""
    return [(s, getattr(kpis, s.key), getattr(kpis, s.accounts_field) if s.accounts_field else None)
            for s in BRIDGE_STEPS]


def _trend_ends(months: list[date], kind: str) -> list[date]:
    first = months[0]
    ends = [m for m in months if add_months(m, -PERIOD_MONTHS[kind]) >= first]
    if kind == "quarter":
        ends = [m for m in ends if m.month in QUARTER_END_MONTHS]
    return ends


def retention_trend(arr_monthly: pd.DataFrame | Dataset, kind: str, months: list[date] | None = None,
                    account_ids: Iterable[str] | None = None, through: date | None = None) -> pd.DataFrame:
    """Retention KPIs for a series of periods of one kind over the data span.

    kind "month": each month vs the one before; "quarter": each quarter-end month vs 3 months
    before; "ttm": each month vs 12 months before. `months` lists the end months to use (default:
    every eligible data month); an end month whose start precedes the data is skipped. `through`:
    no period ends after this month (the as-of month, or the last complete one: a part-loaded month
    would read as mass churn).
    Out: label, kind, start, end, then every RetentionKpis field (start_arr ... expansion_rate), and
    small_cohort (fewer starting accounts than the small_cohort_accounts setting: too few to mean much),
    one row per period in end order; rates are NaN when the cohort is empty.
    """
    if kind not in PERIOD_MONTHS:
        raise ValueError(f"unknown period kind {kind!r}; use one of {', '.join(PERIOD_MONTHS)}")
    frame = only_accounts(arr_frame(arr_monthly), account_ids)
    columns = ["label", "kind", "start", "end", *[f for f in RetentionKpis.__dataclass_fields__ if f != "period"],
               "small_cohort"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    # One account x month matrix, so each period is two column look-ups.
    wide = frame.pivot_table(index="account_id", columns="month", values="arr", aggfunc="sum", fill_value=0.0)
    data = sorted(month_start(m) for m in wide.columns)
    if months is None:
        ends = _trend_ends(data, kind)
    else:
        ends = sorted({month_start(m) for m in months
                       if data[0] <= add_months(month_start(m), -PERIOD_MONTHS[kind])})
    if through is not None:
        ends = [m for m in ends if m <= month_start(through)]
    zeros = pd.Series(0.0, index=wide.index)
    rows = []
    for end in ends:
        period = resolve_period(kind, end)
        s = wide.get(pd.Timestamp(period.start), zeros)
        e = wide.get(pd.Timestamp(period.end), zeros)
        flat = asdict(_kpis(period, s, e))
        flat.pop("period")
        rows.append({"label": period.label, "kind": kind, "start": period.start, "end": period.end, **flat,
                     "small_cohort": small_sample(flat["cohort_accounts"])})
    return pd.DataFrame(rows, columns=columns)

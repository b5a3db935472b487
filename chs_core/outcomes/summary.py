"""A backtest in a few plain lines (`python -m chs_core backtest --format text`)."""
from __future__ import annotations

from chs_core.outcomes.backtest import Backtest
from chs_core.outcomes.quality import Quality


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def _num(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _ci(q: Quality) -> str:
    return "" if q.auc_ci is None else f" (95% CI {q.auc_ci[0]:.2f}-{q.auc_ci[1]:.2f})"


def quality_line(label: str, q: Quality) -> str:
    return (f"{label}: AUC {_num(q.auc)}{_ci(q)}, top-decile lift {_num(q.lift_top_decile, 1)}x, "
            f"base rate {_pct(q.base_rate)}, recall {_pct(q.recall)} of account-months / "
            f"{_pct(q.recall_accounts)} of accounts, precision {_pct(q.precision)}, "
            f"false positive rate {_pct(q.false_positive_rate)} ({q.rows:,} rows, {q.positives:,} with the outcome)")


def summary_text(bt: Backtest) -> str:
    """A short summary: pooled and renewal-window quality, tiers, baselines, warnings from the diagnostics."""
    if bt.rows == 0:
        return "\n".join(bt.notes) or "Nothing to judge."
    span = f"{bt.as_of_dates[0]} to {bt.as_of_dates[-1]}"
    lines = [f"Backtest: {bt.rows:,} scores of {bt.accounts:,} accounts as of {len(bt.as_of_dates)} dates ({span}), "
             f"judged on the next {bt.horizon_months} months.", ""]
    for report, name in ((bt.churn, "Churn"), (bt.churn_or_contraction, "Churn or contraction")):
        lines.append(quality_line(f"{name}, all scores", report.pooled))
        if report.renewal_window is not None:
            lines.append(quality_line(f"{name}, renewal within the horizon", report.renewal_window))
    lines += ["", "Churn rate by tier (calibration):"]
    lines += [f"  {t.tier:<10} {_pct(t.rate):>6}  ({t.positives:,} of {t.rows:,})" for t in bt.churn.tiers if t.rows]
    if bt.baselines:
        lines += ["", "Baselines (AUC for churn; the configured score on the same rows in brackets):"]
        for b in bt.baselines:
            lines.append(f"  {b.name}: {_num(b.auc)} [{_num(b.configured_auc)}]  {b.note or b.description}")
    warnings = [c for c in bt.diagnostics if c.verdict in ("inverted", "never precedes churn")]
    if warnings:
        lines += ["", "Check these signals:"]
        for c in warnings:
            what = (f"oriented AUC {_num(c.oriented_auc)}: points the other way" if c.verdict == "inverted"
                    else f"fired on {c.fired_rows:,} rows, never followed by churn within the horizon")
            lines.append(f"  {c.kind} {c.name}: {what}")
    lines += ["", *bt.notes] if bt.notes else []
    return "\n".join(lines)

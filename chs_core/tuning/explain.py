"""What a weight suggestion learned, in words a CS analyst can check: gain, biggest moves, collinear pairs."""
from __future__ import annotations

import numpy as np

from chs_core.outcomes.quality import Quality

COLLINEAR_R = 0.8  # |correlation| of two metrics' points above which their weights are interchangeable


def collinear_pairs(x: np.ndarray, names: tuple[str, ...]) -> tuple[tuple[str, str, float], ...]:
    """Pairs of metrics whose points move together on the training rows (|r| >= COLLINEAR_R)."""
    if x.shape[0] < 3:
        return ()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.corrcoef(x, rowvar=False)
    out = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if np.isfinite(r[i, j]) and abs(r[i, j]) >= COLLINEAR_R:
                out.append((names[i], names[j], float(r[i, j])))
    return tuple(out)


def _f(x: float | None, fmt: str = "{:.2f}") -> str:
    return "-" if x is None else fmt.format(x)


def summary_lines(cur: Quality, new: Quality, gain: float | None, ci, claimed: bool, shares, pairs, dropped,
                  dates, h: int, w_cur: float | None, w_new: float | None) -> tuple[str, ...]:
    train, test = dates
    lines = [f"Fitted on {len(train)} as-of dates ({train[0]} to {train[-1]}) and tested on the {len(test)} later "
             f"ones ({test[0]} to {test[-1]}), {h} months apart, so no test outcome was seen while fitting."]
    interval = "" if ci is None else f" (95% interval {ci[0]:+.3f} to {ci[1]:+.3f})"
    lines.append(f"Out of sample, AUC {_f(cur.auc)} now vs {_f(new.auc)} suggested{interval}; top-decile lift "
                 f"{_f(cur.lift_top_decile, '{:.1f}')}x vs {_f(new.lift_top_decile, '{:.1f}')}x; recall at the at-risk "
                 f"cut-off {_f(cur.recall, '{:.0%}')} vs {_f(new.recall, '{:.0%}')}.")
    if all(b == a for _, _, a, b in shares):
        lines.append("The fit found no metric that ranks churners better than chance: the draft is the current model.")
    if claimed:
        lines.append(f"The suggestion ranks churners better by {gain:+.3f} AUC, more than chance would explain.")
    else:
        lines.append("No reliable gain: the difference is within what chance gives on these accounts. "
                     "Keep the current weights.")
    if w_cur is not None or w_new is not None:
        lines.append(f"Inside the renewal window (renewal within {h} months), where timing no longer separates "
                     f"accounts: AUC {_f(w_cur)} now vs {_f(w_new)} suggested.")
    moves = sorted(shares, key=lambda s: abs(s[3] - s[2]), reverse=True)[:4]
    lines.append("Largest changes in share of the score: " + "; ".join(
        f"{m} {a:.0%} -> {b:.0%}" for _, m, a, b in moves) + ".")
    zero = [m for _, m, a, b in shares if b == 0 and a > 0]
    if zero:
        lines.append("Set to 0 (no help in ranking churners, or pointing the other way): " + ", ".join(zero) + ".")
    after = {m: b for _, m, _, b in shares}
    for a, b, r in pairs:
        if after.get(a, 0) == 0 and after.get(b, 0) == 0:
            lines.append(f"{a} and {b} move together (r = {r:.2f}); neither helps once the others are in.")
        else:
            lines.append(f"{a} and {b} move together (r = {r:.2f}): the penalty shares their weight; read the two "
                         "as one signal.")
    if dropped:
        lines.append("The draft drops the weight overrides (" + "; ".join(dropped) + ") so the learned weights apply "
                     "to every account; threshold overrides stay.")
    return tuple(lines)

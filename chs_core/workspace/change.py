"""How one account's score moved between two dates: terms per metric, flag and cap that add up to the change.

When the effective model changed between the dates (a lifecycle-stage or segment override switched), the
change splits in two exactly:
    score(to) - score(from) = [score(to data, to model) - score(from data, to model)]   per metric / flag / cap
                            + [score(from data, to model) - score(from data, from model)]  one "model" term
so each metric's term is a change in the account's data judged by one rule, and the rule change is apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from chs_core.model.overrides import effective_model
from chs_core.model.schema import Model
from chs_core.scoring.explain import contributions
from chs_core.scoring.score import score_frame
from chs_core.workspace.explain import applied_overrides, rows_on, stage_of
from chs_core.workspace.words import metric_label, rounded_to_total, value_text

TERM_COLUMNS = ("kind", "component", "name", "label", "value_from", "value_to", "change")


@dataclass(frozen=True)
class Change:
    """terms: kind (metric | flag | cap | model), component, name, label, value_from, value_to (metric values in
    words, or 'fired' / 'not fired' for flags), change (points). The changes add up to score_to - score_from.
    Terms with no change are left out. `note` says why there are no terms (not a customer, no score)."""

    account_id: str
    from_date: date
    to_date: date
    score_from: float
    score_to: float
    model_from: tuple[str, ...]  # overrides in force on each date
    model_to: tuple[str, ...]
    terms: pd.DataFrame
    note: str = ""

    @property
    def change(self) -> float:
        return self.score_to - self.score_from

    def to_dict(self) -> dict:
        terms = self.terms.astype(object).where(self.terms.notna(), None).to_dict(orient="records")
        nan = np.isnan
        return {"account_id": self.account_id, "from": str(self.from_date), "to": str(self.to_date),
                "score_from": None if nan(self.score_from) else round(self.score_from, 4),
                "score_to": None if nan(self.score_to) else round(self.score_to, 4),
                "change": None if nan(self.change) else round(self.change, 4),
                "model_from": list(self.model_from), "model_to": list(self.model_to), "terms": terms,
                "note": self.note}


def _effective(model: Model, frame: pd.DataFrame) -> tuple[Model, tuple[str, ...]]:
    row = frame.iloc[0]
    segment = None if pd.isna(row.get("segment")) else str(row["segment"])
    stage = stage_of(str(row["lifecycle_stage"]))
    return effective_model(model, segment, stage), applied_overrides(model, segment, stage)


def _points(long: pd.DataFrame) -> pd.Series:
    return long.groupby(["kind", "name"], sort=False)["points"].sum()


def explain_change(metrics: pd.DataFrame, model: Model, account_id: str, from_date: date, to_date: date) -> Change:
    """The score change of `account_id` from `from_date` to `to_date`, term by term (see the module docstring)."""
    before, after = rows_on(metrics, account_id, from_date), rows_on(metrics, account_id, to_date)
    empty = pd.DataFrame(columns=list(TERM_COLUMNS))
    if before.empty or after.empty:
        when = from_date if before.empty else to_date
        return Change(str(account_id), from_date, to_date, np.nan, np.nan, (), (), empty,
                      f"{account_id} was not a customer on {when} (no ARR that month), so there is no score to compare.")
    s_from = score_frame(before.reset_index(drop=True), model)
    s_to = score_frame(after.reset_index(drop=True), model)
    em_from, names_from = _effective(model, s_from.frame)
    em_to, names_to = _effective(model, s_to.frame)
    score_from, score_to = float(s_from.frame["health_score"].iloc[0]), float(s_to.frame["health_score"].iloc[0])
    if np.isnan(score_from) or np.isnan(score_to):
        when = from_date if np.isnan(score_from) else to_date
        return Change(str(account_id), from_date, to_date, score_from, score_to, names_from, names_to, empty,
                      f"No score on {when}: too little data (coverage below the model's minimum), so the change "
                      "cannot be taken apart.")
    # The from-date data judged by the to-date rules (the effective model has no overrides left to apply).
    same_rules = s_from if em_from == em_to else score_frame(before.reset_index(drop=True), em_to)
    long_to = contributions(s_to, np.array([0]))
    long_from = contributions(same_rules, np.array([0]))
    delta = _points(long_to).sub(_points(long_from), fill_value=0.0)
    terms = _terms(delta, long_to, s_from, s_to, model)
    model_term = float(same_rules.frame["health_score"].iloc[0]) - score_from
    if em_from != em_to:
        label = (f"Scoring rules changed: {', '.join(names_from) or 'no override'} -> "
                 f"{', '.join(names_to) or 'no override'}")
        terms.loc[len(terms)] = ["model", None, "effective_model", label, ", ".join(names_from) or "base model",
                                 ", ".join(names_to) or "base model", model_term]
    terms = terms[terms["change"] != 0]
    order = terms["change"].abs().sort_values(ascending=False, kind="stable").index  # biggest moves first
    return Change(str(account_id), from_date, to_date, score_from, score_to, names_from, names_to,
                  terms.loc[order].reset_index(drop=True))


def _terms(delta: pd.Series, long_to: pd.DataFrame, s_from, s_to, model: Model) -> pd.DataFrame:
    component = long_to[long_to["kind"] == "metric"].set_index("name")["component"]
    flags = {f.name: f.label for f in model.flags}
    cap_labels = {"cap": "Capped by a risk flag", "floor": "Score cannot go below 0"}
    rows = []
    for (kind, name), change in delta.items():
        if kind == "metric":
            raw_from, raw_to = float(s_from.raw[name].iloc[0]), float(s_to.raw[name].iloc[0])
            rows.append([kind, component.get(name), name, metric_label(name), value_text(name, raw_from),
                         value_text(name, raw_to), change])
        elif kind == "flag":
            fired = [bool(s.frame[f"flag_{name}"].iloc[0]) for s in (s_from, s_to)]
            rows.append([kind, None, name, flags[name], *("fired" if x else "not fired" for x in fired), change])
        else:
            rows.append([kind, None, name, cap_labels.get(name, name), "", "", change])
    return pd.DataFrame(rows, columns=list(TERM_COLUMNS))


def why_it_moved(c: Change, events: pd.DataFrame, top: int = 3) -> str:
    """The change in one sentence a CSM can act on: what happened in between that the metrics cannot name
    (departures, ARR changes; trainings when it rose) and the terms that moved the score most that way.

    events: evidence.events_between(...) for the same dates (date, kind, what). A departed contact the data does
    not mark as champion is said so: the champion-departure flag only sees champions, so the drop is then carried
    by what followed the departure (usage, tickets, answers), and the sentence links the two.
    """
    if c.note or np.isnan(c.change):
        return c.note
    fell = c.change < 0
    kinds = events["kind"].isin(["contact", "arr"]) | (~fell & events["what"].str.startswith("training held"))
    causes = events[kinds].sort_values("date", kind="stable")
    text = f"The score {'fell' if fell else 'rose'} {abs(c.change):.1f} points ({c.score_from:.1f} → {c.score_to:.1f})"
    if len(causes):
        text += " after " + "; ".join(f"{w} on {pd.Timestamp(d):%d %b}" for d, w in zip(causes["date"], causes["what"]))
    terms = c.terms.assign(change=rounded_to_total(c.terms["change"].to_numpy()))  # as the table shows them
    side = terms[(terms["change"] < 0) if fell else (terms["change"] > 0)]
    biggest = side.reindex(side["change"].abs().sort_values(ascending=False, kind="stable").index).head(top)
    if len(biggest):
        text += "; most of it: " + ", ".join(f"{_term_words(t)} ({t.change:+.1f})" for t in biggest.itertuples())
    departed = causes[(causes["kind"] == "contact") & ~causes["what"].str.contains("(champion)", regex=False)]
    if fell and len(departed) and not ((c.terms["kind"] == "flag") & (c.terms["name"] == "champion_departure")).any():
        text += (". The contact who left is not marked as champion, so no champion-departure flag fired: the drop "
                 "shows in what followed the departure")
    return text + "."


def _term_words(t) -> str:
    if t.kind == "flag":
        return f"{t.label} {'fired' if t.value_to == 'fired' else 'cleared'}"
    return str(t.label)

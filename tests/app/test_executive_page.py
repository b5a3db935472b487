"""Executive page through AppTest: the KPI cards, period controls, filters and the bridge's accounts agree with
figures worked out here, independently of the page's cached pipeline.

Retention is recomputed in plain pandas from arr_monthly with domain.md's formulas (cohort = ARR > 0 in the
start month; GRR = Σ min(start, end) / Σ start; NRR = Σ end / Σ start; logo = paying at the end / cohort;
expansion = grew / cohort). Health is scored by `chs_core.pipeline.score_dates` at the one as-of date needed
(the page scores every month end of the history in one set-based pass and caches it), then averaged here.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from chs_app import state
from chs_app.format import money, pct, score
from chs_core.kpis.periods import add_months, month_end
from chs_core.kpis.retention import arr_movements
from chs_core.model import load_model
from chs_core.pipeline import score_dates
from chs_core.settings import DEFAULT_MODEL as DEFAULT_MODEL_PATH
from chs_core.sources import open_dataset

CARDS = ("GRR", "NRR", "Logo retention", "Expansion rate", "Average health", "ARR-weighted health",
         "At-risk ARR", "At-risk share of ARR")
PERIOD_MONTHS = {"ttm": 12, "quarter": 3, "month": 1}
MOVEMENTS = ("churn", "contraction", "expansion", "new")


# ---------- expected figures, computed here ----------

def _arr(db: Path) -> pd.DataFrame:
    """account_id, month (Timestamp), arr: one row per account and month, negative ARR counted as 0."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        raw = con.execute("SELECT account_id, date_trunc('month', month) AS month, arr FROM arr_monthly").df()
    finally:
        con.close()
    raw["month"] = pd.to_datetime(raw["month"])
    raw["arr"] = raw["arr"].fillna(0.0).clip(lower=0.0)
    return raw.groupby(["account_id", "month"], as_index=False)["arr"].sum()


def _accounts(db: Path) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT account_id, segment, region, csm FROM accounts").df()
    finally:
        con.close()


def _start_end(arr: pd.DataFrame, start: date, end: date, ids: list[str] | None) -> pd.DataFrame:
    """start and end ARR per account paying at either snapshot (0 when not paying)."""
    s = arr[arr["month"] == pd.Timestamp(start)].set_index("account_id")["arr"].rename("start")
    e = arr[arr["month"] == pd.Timestamp(end)].set_index("account_id")["arr"].rename("end")
    both = pd.concat([s, e], axis=1).fillna(0.0)
    if ids is not None:
        both = both[both.index.isin(set(ids))]
    return both[(both["start"] > 0) | (both["end"] > 0)]


def _movement_ids(arr: pd.DataFrame, start: date, end: date, ids: list[str] | None = None) -> dict[str, set[str]]:
    both = _start_end(arr, start, end, ids)
    s, e = both["start"], both["end"]
    return {"churn": set(both.index[(s > 0) & (e == 0)]), "contraction": set(both.index[(e > 0) & (e < s)]),
            "expansion": set(both.index[(s > 0) & (e > s)]), "new": set(both.index[(s == 0) & (e > 0)])}


def expected_cards(db: Path, kind: str, end: date, ids: list[str] | None = None) -> dict[str, str]:
    """The eight KPI card values for the period of `kind` ending with month `end`, formatted as the page does."""
    start = add_months(end, -PERIOD_MONTHS[kind])
    both = _start_end(_arr(db), start, end, ids)
    cohort = both[both["start"] > 0]
    s, e = cohort["start"], cohort["end"]
    n = len(cohort)
    cards = {
        "GRR": pct(np.minimum(s, e).sum() / s.sum()) if n else pct(None),
        "NRR": pct(e.sum() / s.sum()) if n else pct(None),
        "Logo retention": pct((e > 0).sum() / n) if n else pct(None),
        "Expansion rate": pct((e > s).sum() / n) if n else pct(None),
    }
    ds = open_dataset(db)
    try:
        scores = score_dates(ds, load_model(DEFAULT_MODEL_PATH), [month_end(end)]).frame
    finally:
        ds.close()
    if ids is not None:
        scores = scores[scores["account_id"].isin(set(ids))]
    scored = scores[scores["health_score"].notna()]
    arr = scored["arr"].fillna(0.0)
    at_risk_arr = float(arr[scored["at_risk"].astype(bool)].sum())
    cards.update({
        "Average health": score(scored["health_score"].mean()),
        "ARR-weighted health": score(float((scored["health_score"] * arr).sum() / arr.sum())),
        "At-risk ARR": money(at_risk_arr),
        "At-risk share of ARR": pct(at_risk_arr / arr.sum()),
    })
    return cards


def shown_cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric if m.label in CARDS}


def data_months(db: Path) -> list[date]:
    return [m.date() for m in sorted(_arr(db)["month"].unique())]


def ok(at) -> None:
    """The run finished with no exception and no error box."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# ---------- tests ----------

def test_default_view_is_trailing_twelve_months_to_the_last_month_and_cards_match_the_core(run_app, demo_db):
    at = run_app()
    ok(at)
    last = data_months(demo_db)[-1]  # the demo's last month is complete, so it is the default end month
    assert at.radio(key=state.EXEC_PERIOD_KIND).value == "ttm"
    assert at.selectbox(key=state.EXEC_END_MONTH).value == last
    cards = shown_cards(at)
    assert list(cards) == list(CARDS)
    assert cards == expected_cards(demo_db, "ttm", last)


def test_quarter_and_month_views_show_the_core_figures_for_those_periods(run_app, demo_db):
    at = run_app()
    last = data_months(demo_db)[-1]
    ttm = shown_cards(at)
    at.radio(key=state.EXEC_PERIOD_KIND).set_value("quarter").run()
    ok(at)
    quarter = shown_cards(at)
    assert quarter == expected_cards(demo_db, "quarter", last)
    assert quarter["GRR"] != ttm["GRR"]  # a 3-month window loses less than a 12-month one
    at.radio(key=state.EXEC_PERIOD_KIND).set_value("month").run()
    ok(at)
    assert shown_cards(at) == expected_cards(demo_db, "month", last)


def test_an_earlier_end_month_moves_every_card_to_that_month(run_app, demo_db):
    months = data_months(demo_db)
    earlier = months[12]  # 15 months of data: months[0] is the first month with a full 12-month cohort before it
    at = run_app()
    at.selectbox(key=state.EXEC_END_MONTH).set_value(earlier).run()
    ok(at)
    assert not at.warning
    assert shown_cards(at) == expected_cards(demo_db, "ttm", earlier)


def test_an_end_month_without_a_starting_cohort_warns_and_shows_dashes(run_app, demo_db):
    months = data_months(demo_db)
    at = run_app()
    at.selectbox(key=state.EXEC_END_MONTH).set_value(months[5]).run()  # 12 months back is before the data
    ok(at)
    assert any("no starting cohort" in w.value for w in at.warning)
    cards = shown_cards(at)
    assert [cards[k] for k in ("GRR", "NRR", "Logo retention", "Expansion rate")] == ["—"] * 4
    assert cards == expected_cards(demo_db, "ttm", months[5])


def test_segment_filter_restricts_every_card_to_that_segments_accounts(run_app, demo_db):
    accounts = _accounts(demo_db)
    enterprise = accounts.loc[accounts["segment"] == "Enterprise", "account_id"].tolist()
    assert 0 < len(enterprise) < len(accounts)
    at = run_app()
    everyone = shown_cards(at)
    at.multiselect(key=state.FILTER_SEGMENT).set_value(["Enterprise"]).run()
    ok(at)
    cards = shown_cards(at)
    assert cards == expected_cards(demo_db, "ttm", data_months(demo_db)[-1], enterprise)
    assert cards != everyone


def test_filters_that_match_no_account_show_the_empty_state_not_an_error(run_app, demo_db):
    accounts = _accounts(demo_db)
    pairs = accounts.groupby(["segment", "csm"]).size()
    every = pd.MultiIndex.from_product([sorted(accounts["segment"].unique()), sorted(accounts["csm"].unique())])
    empty = [pair for pair in every if pair not in pairs.index]
    assert empty, "the demo should have a segment and CSM with no shared account"
    segment, csm = empty[0]
    at = run_app()
    at.multiselect(key=state.FILTER_SEGMENT).set_value([segment])
    at.multiselect(key=state.FILTER_CSM).set_value([csm]).run()
    ok(at)
    assert any("No accounts match the filters" in i.value for i in at.info)
    assert not shown_cards(at)


def _bridge_accounts(at) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if {"account_id", "amount"} <= set(d.value.columns)]
    assert len(tables) == 1
    return tables[0]


def test_accounts_behind_each_bridge_bar_are_exactly_that_movements_accounts(run_app, demo_db):
    last = data_months(demo_db)[-1]
    start = add_months(last, -12)
    expected = _movement_ids(_arr(demo_db), start, last)
    core = arr_movements(_arr(demo_db), start, last)
    at = run_app()
    assert at.radio(key=state.EXEC_BRIDGE_BAR).value == "churn"
    for movement in MOVEMENTS:
        at.radio(key=state.EXEC_BRIDGE_BAR).set_value(movement).run()
        ok(at)
        shown = _bridge_accounts(at)
        assert expected[movement], movement  # the demo has accounts behind every bar
        assert set(shown["account_id"]) == expected[movement], movement
        assert len(shown) == len(expected[movement])  # no account listed twice
        assert set(shown["account_id"]) == set(core.loc[core["movement"] == movement, "account_id"])
        word = "new business" if movement == "new" else movement
        assert [b.label for b in at.get("download_button")] == [f"Download {word} accounts (CSV)"]


def test_bridge_accounts_follow_the_sidebar_filter(run_app, demo_db):
    accounts = _accounts(demo_db)
    smb = accounts.loc[accounts["segment"] == "SMB", "account_id"].tolist()
    last = data_months(demo_db)[-1]
    expected = _movement_ids(_arr(demo_db), add_months(last, -12), last, smb)
    at = run_app()
    at.multiselect(key=state.FILTER_SEGMENT).set_value(["SMB"]).run()
    at.radio(key=state.EXEC_BRIDGE_BAR).set_value("contraction").run()
    ok(at)
    assert set(_bridge_accounts(at)["account_id"]) == expected["contraction"]


def test_download_button_is_offered(run_app):
    at = run_app()
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["Download churn accounts (CSV)"]


def test_filters_persist_across_pages(run_app, page_paths):
    at = run_app()
    at.multiselect(key=state.FILTER_SEGMENT).set_value(["SMB"]).run()
    at.switch_page(page_paths["data_quality"]).run()
    assert not at.exception
    assert at.title[0].value == "Data"
    assert at.multiselect(key=state.FILTER_SEGMENT).value == ["SMB"]
    at.switch_page(page_paths["executive"]).run()
    ok(at)
    assert at.title[0].value == "Executive overview"
    assert at.multiselect(key=state.FILTER_SEGMENT).value == ["SMB"]
    assert "segment: SMB" in " ".join(c.value for c in at.caption)


# ---------- state a leader can share ----------

def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_a_shared_link_reproduces_the_view(monkeypatch, demo_db):
    """A URL with period, as-of date, a filter and a bridge bar opens on exactly that view (a reload does the same)."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP, TIMEOUT
    months = data_months(demo_db)
    earlier = months[-3]
    accounts = _accounts(demo_db)
    enterprise = accounts.loc[accounts["segment"] == "Enterprise", "account_id"].tolist()
    monkeypatch.setenv("CHS_DATA", str(demo_db))
    monkeypatch.delenv("CHS_MODEL", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"period": "Quarter", "as_of": month_end(earlier).isoformat(), "segment": ["Enterprise"],
                            "bridge": "Contraction"})
    at.run()
    ok(at)
    assert at.radio(key=state.PERIOD_KIND).value == "quarter"
    assert at.selectbox(key=state.AS_OF).value == earlier
    assert at.multiselect(key=state.FILTER_SEGMENT).value == ["Enterprise"]
    assert at.radio(key=state.EXEC_BRIDGE_BAR).value == "contraction"
    assert shown_cards(at) == expected_cards(demo_db, "quarter", earlier, enterprise)
    expected = _movement_ids(_arr(demo_db), add_months(earlier, -3), earlier, enterprise)["contraction"]
    assert set(_bridge_accounts(at)["account_id"]) == expected


def test_a_link_with_values_the_data_does_not_have_falls_back_to_the_defaults(monkeypatch, demo_db):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP, TIMEOUT
    monkeypatch.setenv("CHS_DATA", str(demo_db))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"period": "Fortnight", "as_of": "1999-01-31", "segment": ["Nope"]})
    at.run()
    ok(at)
    assert at.radio(key=state.PERIOD_KIND).value == "ttm"
    assert at.selectbox(key=state.AS_OF).value == data_months(demo_db)[-1]
    assert at.multiselect(key=state.FILTER_SEGMENT).value == []


def test_period_and_as_of_persist_across_pages(run_app, page_paths, demo_db):
    months = data_months(demo_db)
    at = run_app()
    at.radio(key=state.PERIOD_KIND).set_value("month").run()
    at.selectbox(key=state.AS_OF).set_value(months[-4]).run()
    at.switch_page(page_paths["data_quality"]).run()
    assert not at.exception
    at.switch_page(page_paths["executive"]).run()
    ok(at)
    assert at.radio(key=state.PERIOD_KIND).value == "month"
    assert at.selectbox(key=state.AS_OF).value == months[-4]
    assert shown_cards(at) == expected_cards(demo_db, "month", months[-4])


def test_the_sidebar_names_the_model_and_the_data(run_app, demo_db):
    from chs_core.model import load_model
    model = load_model(DEFAULT_MODEL_PATH)
    at = run_app()
    text = "\n".join(c.value for c in at.sidebar.caption)
    assert f"**Model:** {model.name} · version {model.version}" in text
    assert f"**Data:** {demo_db}" in text  # the source's own label (not the bundled demo's path, so no "Demo data")


# ---------- verdicts that apply ----------

def test_a_quarter_shows_annualised_verdicts_and_none_for_the_expansion_rate(run_app):
    at = run_app()
    at.radio(key=state.PERIOD_KIND).set_value("quarter").run()
    ok(at)
    captions = [c.value for c in at.caption if c.value.startswith("Benchmark")]
    grr, nrr, logo, expansion = captions[:4]
    for caption in (grr, nrr, logo):
        assert "a year" in caption and "annualised" in caption, caption
    assert "no verdict for a quarter" in expansion and "[" not in expansion  # no coloured word at all
    assert "annualised" not in captions[4]  # average health is as of a date: judged as it is


# ---------- links to the work queue ----------

def test_the_at_risk_card_tiers_and_alerts_link_to_the_queue_filtered_accordingly(run_app, demo_db):
    from urllib.parse import parse_qs

    from chs_core.model import load_model
    model = load_model(DEFAULT_MODEL_PATH)
    below = [t.name for t in model.tiers if t.min_score < model.at_risk_below]  # At risk, Critical by default
    at = run_app()
    ok(at)
    as_of = month_end(data_months(demo_db)[-1]).isoformat()
    links = {link.proto.label: (link.proto.page, parse_qs(link.proto.query_string)) for link in at.get("page_link")}
    assert links["Open in the queue"] == ("at_risk", {"tier": below, "as_of": [as_of]})
    tier_links = {label: q for label, (page, q) in links.items() if "tier" in q and label != "Open in the queue"}
    assert {q["tier"][0] for q in tier_links.values()} == set(model.tier_names())
    tier_table = next(d.value for d in at.dataframe if {"Tier", "Accounts", "ARR share"} <= set(d.value.columns))
    counts = dict(zip(tier_table["Tier"], tier_table["Accounts"]))
    for label, q in tier_links.items():
        assert label == f"{q['tier'][0]} ({counts[q['tier'][0]]})"  # the tier table's count is in the link
    assert links["Open these accounts in the work queue"] == ("at_risk", {"alert": ["1"], "as_of": [as_of]})

"""AppTest: the at-risk work queue and the account page, checked against the core computed a second way.

The queue's totals are recomputed from score_dates (plain at_risk and ARR sums), its alerts with the executive
page's score_drops, and the account page's score and change with explain / explain_change.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from chs_app import state
from chs_app.format import money
from chs_core.model import load_model
from chs_core.outcomes.alerts import alert_dates, score_drops
from chs_core.pipeline import check_source, score_dates
from chs_core.settings import DEFAULT_MODEL
from chs_core.sources import open_dataset


@pytest.fixture(scope="module")
def core(demo_db):
    """Scores on the default as-of date and the alert window start, straight from the pipeline."""
    checked = check_source(demo_db)
    model = load_model(DEFAULT_MODEL)
    as_of = checked.default_as_of
    with open_dataset(demo_db) as ds:
        frame = score_dates(ds, model, alert_dates(as_of, model.alert)).frame
    now = frame[pd.to_datetime(frame["as_of"]).dt.date == as_of]
    return {"as_of": as_of, "now": now, "drops": score_drops(frame, as_of, model.alert), "model": model}


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "reasons" in d.value.columns)


def test_default_queue_is_every_account_below_the_cut_off(open_page, core):
    at = open_page("at_risk")
    assert not at.exception
    at_risk = core["now"][core["now"]["at_risk"]]
    assert _metric(at, "Accounts") == f"{len(at_risk):,}"
    assert _metric(at, "ARR") == money(at_risk["arr"].sum())
    table = _table(at)
    assert len(table) == len(at_risk)
    assert (table["health_score"] < 50).all()
    # Renewals within 90 days first, then ARR at stake, largest first.
    soon = table["days_to_renewal"].between(0, 90)
    assert not (~soon).to_numpy()[: soon.sum()].any()
    stake = table["arr"] * (100 - table["health_score"]) / 100
    assert stake[soon].is_monotonic_decreasing and stake[~soon].is_monotonic_decreasing
    assert table["open"].iloc[0] == f"account?account={table['open'].iloc[0].split('=')[1].split('&')[0]}" \
        f"&as_of={core['as_of']}"


def test_tier_and_alert_filters_match_the_core(open_page, core):
    at = open_page("at_risk")
    at.radio(key="queue_scope").set_value("all")
    at.multiselect(key="queue_tiers").set_value(["Critical"]).run()
    assert _metric(at, "Accounts") == f"{(core['now']['tier'] == 'Critical').sum():,}"
    at.multiselect(key="queue_tiers").set_value([])
    at.toggle(key="queue_alert").set_value(True).run()
    drops = core["drops"]
    assert sorted(_table(at)["open"].str.extract(r"account=([^&]+)")[0]) == sorted(drops["account_id"])
    assert _metric(at, "ARR") == money(drops["arr"].sum())


def test_link_parameters_set_the_filters_and_bad_ones_are_named(open_page, core):
    at = open_page("at_risk", tier=["At risk", "Nope"], alert="1")
    assert at.radio(key="queue_scope").value == "all"
    assert at.multiselect(key="queue_tiers").value == ["At risk"]
    assert at.toggle(key="queue_alert").value is True
    assert any("tier 'Nope'" in w.value for w in at.warning)
    want = core["drops"][core["drops"]["tier"].astype(str) == "At risk"]
    assert _metric(at, "Accounts") == f"{len(want):,}"


def test_sidebar_csm_filter_scopes_the_queue(open_page, core):
    at = open_page("at_risk")
    csm = core["now"]["csm"].dropna().iloc[0]
    at.multiselect(key=state.FILTER_CSM).set_value([csm]).run()
    mine = core["now"][(core["now"]["csm"] == csm) & core["now"]["at_risk"]]
    assert _metric(at, "Accounts") == f"{len(mine):,}"
    assert set(_table(at)["csm"]) <= {csm}


def test_opening_a_row_shows_that_account(open_page, core, page_paths):
    at = open_page("at_risk")
    first = _table(at).iloc[0]
    account_id = first["open"].split("account=")[1].split("&")[0]
    at.selectbox(key="queue_open_pick").set_value(account_id).run()
    link = next(p.proto for p in at.get("page_link") if p.proto.label == "Open account")
    assert not link.disabled and link.page.endswith("account")
    query = parse_qs(link.query_string)  # the link carries the account and the queue's as-of date
    assert query["account"] == [account_id] and query["as_of"] == [str(core["as_of"])]
    for key, values in query.items():  # follow it, as the browser does
        at.query_params[key] = values
    at.switch_page(page_paths["account"]).run()
    assert not at.exception
    assert at.title[0].value == first["account_name"]
    assert at.query_params["account"] == [account_id] or at.query_params["account"] == account_id


def test_coming_back_to_the_queue_keeps_its_link_filters(open_page, page_paths):
    at = open_page("at_risk", tier="Critical")
    critical = _metric(at, "Accounts")
    at.switch_page(page_paths["account"]).run()  # widget values are dropped on leaving the page
    at.switch_page(page_paths["at_risk"]).run()
    assert at.multiselect(key="queue_tiers").value == ["Critical"] and _metric(at, "Accounts") == critical


def test_deep_link_explains_the_score_and_the_change(open_page, core, demo_db):
    from chs_core.workspace import explain_change
    from chs_core.workspace.history import account_metrics

    row = core["now"][core["now"]["at_risk"]].iloc[0]
    at = open_page("account", account=row["account_id"])
    assert not at.exception
    assert at.title[0].value == row["account_name"]
    assert _metric(at, "Health score") == f"{row['health_score']:.1f}"
    as_of, since = core["as_of"], core["as_of"] - timedelta(days=30)
    with open_dataset(demo_db) as ds:
        pair = account_metrics(ds, core["model"], row["account_id"], [since, as_of])
    change = explain_change(pair, core["model"], row["account_id"], since, as_of)
    shown = next(t.value for t in at.table if "What" in t.value.columns)  # the change terms
    # The rounded terms on the page add up to the change shown with one decimal.
    assert shown["Points"].sum() == pytest.approx(round(change.change, 1), abs=1e-9)
    components = next(t.value for t in at.table if "Re-weighted" in t.value.columns)
    assert components["Points"].sum() == pytest.approx(row["base_score"])  # metric points make up the base score


def test_unknown_account_says_so_and_offers_a_way_back(open_page):
    at = open_page("account", account="NO-SUCH-ID")
    assert not at.exception
    assert any("No account with id `NO-SUCH-ID`" in e.value for e in at.error)
    assert at.title[0].value == "Account not found"
    assert any(link.proto.page.endswith("at_risk") or "At-risk" in link.proto.label for link in at.get("page_link"))


def test_account_page_without_an_id_offers_a_picker(open_page, core):
    at = open_page("account")
    assert not at.exception
    account_id = core["now"]["account_id"].iloc[0]
    at.selectbox(key="account_pick").set_value(account_id).run()
    assert not at.exception
    assert at.title[0].value == core["now"]["account_name"].iloc[0]

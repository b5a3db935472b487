"""The executive page on thin data (only accounts and arr_monthly): every section says what is missing and what
to supply; no "nan", no empty axes, no zero counts where there are accounts.

Data: dbt Labs' MRR playbook sample converted to the contract (tests/thin_data.py). Figures by hand from the
converted arr_monthly: 28 customers pay in Dec 2019 ($15,060 ARR); 12 paid in Dec 2018 (the TTM cohort).
"""
from __future__ import annotations

import pandas as pd
import pytest

from chs_app import state
from chs_app.sections.executive_details import TABS
from tests.thin_data import DBT_MRR, dbt_mrr_contract


@pytest.fixture
def thin(tmp_path):
    if not DBT_MRR.exists():
        pytest.skip(f"{DBT_MRR} is not on this machine")
    arr = dbt_mrr_contract(tmp_path / "dbt")
    return tmp_path / "dbt", arr


def _all_text(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "subheader", "error") for e in getattr(at, kind)]
    parts += [m.value for m in at.metric] + [str(m.help or "") for m in at.metric]
    return "\n".join(str(p) for p in parts)


def _each_tab(at):
    """Run the page once per tab of its lower half (only the open tab is drawn) and yield it."""
    for label in TABS:
        at.session_state[state.EXEC_SECTION] = label
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        yield at


def test_thin_data_sections_say_what_is_missing_and_what_to_supply(run_app, thin):
    folder, arr = thin
    dec = arr[pd.to_datetime(arr["month"]) == "2019-12-01"]
    assert (dec["arr"] > 0).sum() == 28 and dec["arr"].sum() == 15060.0
    at = run_app(data=folder)
    assert not at.exception, [e.value for e in at.exception]
    text, infos, charts, tables = "", "", set(), []
    for tab in _each_tab(at):
        text += _all_text(tab)
        infos += "\n".join(i.value for i in tab.info)
        charts |= {c.key for c in tab.get("plotly_chart")}
        tables += [d.value for d in tab.dataframe]
    assert "nan" not in text.lower().replace("nanc", "")  # never "avg nan" (but "finance" is fine)
    # Health: why nothing is scored (coverage vs min_coverage) and which tables to supply.
    at.session_state[state.EXEC_SECTION] = TABS[0]
    health = "\n".join(w.value for w in at.run().warning)
    assert "None of the 28 accounts has enough data for a health score" in health
    assert "min_coverage of 30%" in health
    assert "usage_events, tickets, nps_responses, contacts, csm_activities, invoices" in health
    # The tier section gives the right reason (no scores), not "needs scores 3 months before".
    assert "Nothing to judge: no account has a health score" in infos
    assert "No health scores to show" in infos  # health trend and breakdown: an empty state, not an empty chart
    # Only the ARR charts (bridge, GRR/NRR trend): no empty health, at-risk, distribution or breakdown chart.
    assert charts == {"executive_bridge_chart", "executive_retention_trend"}
    # Breakdown: the 28 accounts and their $15,060, none of them scored.
    table = next(t for t in tables if {"all_accounts", "all_arr"} <= set(t.columns))
    assert table["all_accounts"].sum() == 28 and table["all_arr"].sum() == pytest.approx(15060.0)
    assert table["accounts"].sum() == 0 and table["avg_health"].isna().all()
    # The bridge cannot say whether losses were seen coming, and says so.
    assert "Cannot tell: none of the accounts that churned or contracted had a health score" in text


def test_a_kpi_from_a_tiny_cohort_carries_a_small_sample_note(run_app, thin):
    folder, arr = thin
    dec18 = arr[pd.to_datetime(arr["month"]) == "2018-12-01"]
    assert (dec18["arr"] > 0).sum() == 12  # the TTM cohort to Dec 2019
    at = run_app(data=folder)
    grr = [c.value for c in at.caption if c.value.startswith("Benchmark 85%")]
    assert grr and "small sample: 12 accounts" in grr[0]
    assert any("Small sample:" in m.value for m in at.markdown)
    cards = {m.label: m.value for m in at.metric}
    assert cards["Average health"] == "—" and cards["At-risk ARR"] == "—"  # dashes, never zeros

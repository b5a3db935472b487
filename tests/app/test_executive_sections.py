"""The executive page's lower half is in tabs: only the open tab is drawn, a link names the tab (?section=), and
the open tab stays open while the controls above change."""
from __future__ import annotations

from chs_app import state
from chs_app.sections.executive_details import TABS
from tests.app.test_executive_page import ok

CHARTS = {  # the charts each tab draws on the demo (the bridge is always there, above the tabs)
    "Health and alerts": {"executive_distribution_chart"},
    "Tier outcomes": {"executive_outcomes_chart"},
    "Trends": {"executive_retention_trend", "executive_health_trend", "executive_at_risk_trend"},
    "By segment, region, CSM": {"executive_breakdown_chart"},
}


def _charts(at) -> set[str]:
    return {c.key for c in at.get("plotly_chart")} - {"executive_bridge_chart"}


def test_only_the_open_tab_is_drawn_and_health_is_the_default(run_app):
    at = run_app()
    ok(at)
    assert [t.label for t in at.tabs] == list(TABS)
    assert _charts(at) == CHARTS["Health and alerts"]
    for label in TABS[1:]:
        at.session_state[state.EXEC_SECTION] = label
        at.run()
        ok(at)
        assert _charts(at) == CHARTS[label], label


def test_a_link_opens_its_tab_and_the_tab_stays_open_when_the_period_changes(monkeypatch, demo_db):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP, TIMEOUT
    monkeypatch.setenv("CHS_DATA", str(demo_db))
    monkeypatch.delenv("CHS_MODEL", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params[state.EXEC_SECTION] = "Trends"
    at.run()
    ok(at)
    assert _charts(at) == CHARTS["Trends"]
    at.radio(key=state.PERIOD_KIND).set_value("quarter").run()
    ok(at)
    assert _charts(at) == CHARTS["Trends"]
    assert any("quarter periods" in m.value for m in at.markdown)  # the GRR/NRR trend follows the period

"""Executive page links to each account's page: the bridge's account lists and the score-drop alert table.

Expected URLs are built here from arr_monthly and model.yaml by hand: a churned account opens at its last paid month
end (its last snapshot with ARR inside the period), every other account at the period end, both compared from the
period start; an alerted account opens at the as-of date compared from the start of the drop window.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from chs_app import state
from chs_core.kpis.periods import add_months, month_end
from chs_core.model import load_model
from chs_core.settings import DEFAULT_MODEL
from tests.app.test_executive_page import _arr, _movement_ids, data_months, ok


def _by_columns(at, columns: set[str]):
    found = [d.value for d in at.dataframe if columns <= set(d.value.columns)]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def _query(url: str) -> tuple[str, dict[str, list[str]]]:
    parsed = urlparse(url)
    return parsed.path, parse_qs(parsed.query)


def test_bridge_accounts_link_to_their_account_page_at_the_right_date(run_app, demo_db):
    arr = _arr(demo_db)
    last = data_months(demo_db)[-1]
    start = add_months(last, -12)
    churned = _movement_ids(arr, start, last)["churn"]
    inside = arr[(arr["month"] >= str(start)) & (arr["month"] <= str(last)) & (arr["arr"] > 0)]
    last_paid = inside.groupby("account_id")["month"].max()
    at = run_app()
    ok(at)
    table = _by_columns(at, {"open", "account_id", "amount"})
    assert set(table["account_id"]) == churned
    for account, url in zip(table["account_id"], table["open"]):
        path, q = _query(url)
        paid = month_end(last_paid[account].date())
        assert path == "account" and q["account"] == [account]
        assert q["as_of"] == [paid.isoformat()]
        assert q.get("since") == ([month_end(start).isoformat()] if paid > month_end(start) else None)
    at.radio(key=state.EXEC_BRIDGE_BAR).set_value("expansion").run()
    table = _by_columns(at, {"open", "account_id", "amount"})
    assert len(table) and all(_query(u)[1] == {"account": [a], "as_of": [month_end(last).isoformat()],
                                               "since": [month_end(start).isoformat()]}
                              for a, u in zip(table["account_id"], table["open"]))


def test_score_drop_alerts_link_to_the_account_page_over_the_drop_window(run_app, demo_db):
    window = load_model(DEFAULT_MODEL).alert.within_days
    as_of = month_end(data_months(demo_db)[-1])
    at = run_app()
    ok(at)
    alerts = _by_columns(at, {"open", "account_id", "drop", "reason"})
    assert len(alerts), "the demo has score-drop alerts at its last month end"
    expected = [f"account?account={a}&as_of={as_of.isoformat()}&since={(as_of - timedelta(days=window)).isoformat()}"
                for a in alerts["account_id"]]
    assert alerts["open"].tolist() == expected

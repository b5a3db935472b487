"""The Data page: thin data says what can be scored and what to add; connecting another source switches the app.

Coverage figures by hand from model.yaml (total component weight 105):
- subscriptions only (accounts and ARR derived, no seats, no renewal dates): growth 20 x arr_trend 2/5 +
  financial 5 x tenure 0.5/3.5 = 8 + 0.714 = 8.71 -> 8 % of 105.
- plus usage_events: usage 35 x 8/9 (all but exec_sponsor_active, which needs contacts) + growth 20 x 4/5
  (usage and ARR trend) + 0.714 = 31.11 + 16 + 0.714 = 47.83 -> 46 %.
models/billing_only.yaml (weight 100): growth 60 x arr_trend 3/4 + commercial 40 x tenure 2/6 = 45 + 13.3 -> 58 %.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DBT = Path(__file__).resolve().parents[3] / "shared" / "external" / "dbt-mrr-playbook" / "subscription_periods.csv"


@pytest.fixture
def dbt_raw(tmp_path) -> Path:
    if not DBT.exists():
        pytest.skip(f"{DBT} is not on this machine")
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "subscription_periods.csv").write_bytes(DBT.read_bytes())
    return folder


@pytest.fixture
def dbt_subscriptions(dbt_raw) -> Path:
    frame = pd.read_csv(dbt_raw / "subscription_periods.csv")
    frame.rename(columns={"customer_id": "account_id", "monthly_amount": "mrr"}).to_csv(
        dbt_raw / "subscriptions.csv", index=False)
    (dbt_raw / "subscription_periods.csv").unlink()
    return dbt_raw


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("CHS_WORKSPACE_DIR", str(tmp_path / "workspace"))


def _text(at) -> str:
    kinds = ("markdown", "caption", "info", "warning", "success", "error")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def _button(at, key: str):
    return next(b for b in at.button if b.key == key)


def test_thin_data_says_what_is_derived_what_can_be_scored_and_what_to_add(page_paths, run_app, dbt_subscriptions):
    at = run_app(data=dbt_subscriptions)
    at.switch_page(page_paths["data_quality"]).run()
    assert not at.exception, [e.value for e in at.exception]
    text = _text(at)
    assert "**accounts** was not supplied: derived from subscriptions" in text
    assert "**arr_monthly** was not supplied: derived from subscriptions" in text
    warning = "\n".join(w.value for w in at.warning)
    assert "No account can be scored: the data covers at most 8% of the model's weight, below min_coverage 30%" in warning
    assert "add usage_events to score 46% of the model's weight" in warning
    tables = next(d.value for d in at.dataframe if "status" in d.value.columns).set_index("table")
    assert tables.loc["arr_monthly", "status"] == "derived from subscriptions"
    assert tables.loc["subscriptions", "rows"] == 121
    # The billing-only model is offered, and with it accounts can be scored.
    _button(at, "data_use_billing_model").click().run()
    assert "Accounts can be scored: the data covers at most 58% of the model's weight" in _text(at)
    at.switch_page(page_paths["executive"]).run()
    assert not at.exception
    health = {m.label: m.value for m in at.metric}
    assert any("health" in label.lower() and value not in ("—", "-") for label, value in health.items()), health


def test_connect_a_folder_see_the_proposed_mapping_validate_and_switch_the_app(page_paths, run_app, dbt_raw, tmp_path):
    at = run_app()
    at.switch_page(page_paths["data_quality"]).run()
    at.text_input(key="data_connect_target").input(str(dbt_raw)).run()
    _button(at, "data_connect_read").click().run()
    assert not at.exception, [e.value for e in at.exception]
    proposal = at.text_area(key="data_connect_mapping_text").value
    assert 'account_id: "customer_id"' in proposal and 'mrr: "monthly_amount"' in proposal
    assert any("Valid: accounts 55, arr_monthly 352, subscriptions 121" in s.value for s in at.success)
    _button(at, "data_connect_use").click().run()
    assert not at.exception
    assert str(dbt_raw) in _text(at) and "workspace" in _text(at)  # the source, and its mapping kept in the workspace
    assert sorted(p.name for p in dbt_raw.iterdir()) == ["subscription_periods.csv"]  # nothing written beside it
    at.switch_page(page_paths["executive"]).run()
    assert not at.exception
    kpis = {m.label: m.value for m in at.metric}
    assert kpis.get("GRR") == "58.1%" and kpis.get("NRR") == "70.1%", kpis


def test_an_edited_mapping_with_an_unknown_key_is_refused_with_the_key(page_paths, run_app, dbt_raw):
    at = run_app()
    at.switch_page(page_paths["data_quality"]).run()
    at.text_input(key="data_connect_target").input(str(dbt_raw)).run()
    _button(at, "data_connect_read").click().run()
    at.text_area(key="data_connect_mapping_text").input("tabels: {}\n").run()
    assert not at.exception
    assert "did you mean 'tables'" in "\n".join(e.value for e in at.error)
    assert not any(b.key == "data_connect_use" for b in at.button)


def test_uploads_go_into_a_new_workspace_folder_and_never_overwrite(tmp_path, monkeypatch):
    from chs_app import sources

    class Upload:
        def __init__(self, name, data):
            self.name, self._data = name, data

        def getvalue(self):
            return self._data

    first = sources.save_uploads([Upload("../../evil name.csv", b"a\n1\n")])
    second = sources.save_uploads([Upload("evil name.csv", b"a\n2\n")])
    assert first != second and first.parent == second.parent == tmp_path / "workspace" / "uploads"
    assert [p.name for p in first.iterdir()] == ["evil_name.csv"] and (first / "evil_name.csv").read_bytes() == b"a\n1\n"

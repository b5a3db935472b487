"""The command line, run in-process with main([...]) on the six-account book (tests/fixtures.py).

Scores by hand. The book has only accounts and arr_monthly, so the only metrics with data are
arr_trend (ARR vs 3 months before; higher_better, bad -0.2, good 0.1) in growth (weight 20) and
tenure_months (higher_better, bad 3, good 24) in financial (weight 5); every other component
is dropped and the two are re-weighted: base = (20 * growth + 5 * financial) / 25.
At 2026-03-31 (reference month 2026-03, compared with 2025-12):
  B: 1500/2000 - 1 = -0.25 -> 0; tenure 38 -> 100; base (0 + 500)/25 = 20; downgrade flag -15 -> 5
  C: 4200/3000 - 1 = +0.4 -> 100; tenure 100 -> 100 (Thriving)
  D: 800/800 - 1 = 0 -> (0 + 0.2)/0.3 = 66.667; base (1333.33 + 500)/25 = 73.333 (Healthy)
  E: 600/600 - 1 = 0 -> 66.667; tenure Oct 2025 -> Mar 31 = 5 months -> (5-3)/21 = 9.524;
     base (1333.33 + 47.62)/25 = 55.238 (Neutral)
  A (ARR 0 row) and F (no row) are not customers: no score.
At 2025-03-31 nobody has ARR 3 months before (data starts 2025-01): growth is dropped and the
score is the tenure score: A-D 100, F (since 2024-10: 5 months) 9.524.
Those two metrics are a sliver of the default model (coverage 0.08, below its min_coverage 0.3),
so by default every account is "No data" (test_two_tables_give_no_data_by_default); the scores
above are checked with the same model at min_coverage 0 (the `reweight_all` fixture).
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from chs_core.cli import main
from chs_core.contract import TABLES
from tests.fixtures import six_accounts, write_csv_folder

ROOT = Path(__file__).resolve().parents[2]
D_SCORE = 20 * (0.2 / 0.3) * 100 / 25 + 5 * 100 / 25  # 73.333
E_SCORE = 20 * (0.2 / 0.3) * 100 / 25 + 5 * (2 / 21 * 100) / 25  # 55.238
F_TENURE_SCORE = 2 / 21 * 100  # 9.524


def _strict_json(text: str):
    """Parse as strict JSON: NaN / Infinity are rejected as other JSON readers would."""
    def reject(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=reject)


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return write_csv_folder(six_accounts(), tmp_path_factory.mktemp("good"))


@pytest.fixture(scope="module")
def reweight_all(tmp_path_factory) -> str:
    """The default model.yaml with min_coverage 0: every account with any data gets a score."""
    text = (ROOT / "model.yaml").read_text()
    assert "\nmin_coverage: 0.3\n" in text
    path = tmp_path_factory.mktemp("model") / "model.yaml"
    path.write_text(text.replace("\nmin_coverage: 0.3\n", "\nmin_coverage: 0\n"))
    return str(path)


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> Path:
    frames = six_accounts()
    frames["accounts"] = frames["accounts"].rename(columns={"segment": "segmnt"})
    frames["arr_monthly"].loc[3, "arr"] = -5.0
    return write_csv_folder(frames, tmp_path_factory.mktemp("bad"))


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# validate ----------------------------------------------------------------------------------

def test_validate_good_folder(capsys, good):
    code, out, _ = _run(capsys, "validate", "--data", str(good))
    assert code == 0
    # accounts: 6 rows; arr_monthly: A 15 + B 15 + C 15 + D 15 + E 6 (Oct-Mar) + F 14 = 80
    assert f"{good}: 0 error(s), 0 warning(s). Tables: accounts 6, arr_monthly 80." in out


def test_validate_bad_folder_names_each_problem_and_fix(capsys, bad):
    code, out, _ = _run(capsys, "validate", "--data", str(bad))
    assert code == 2
    lines = out.splitlines()
    missing = next(line for line in lines if "accounts.segment" in line)
    assert "missing" in missing and "Fix: rename column 'segmnt' to 'segment'" in missing
    negative = next(line for line in lines if "arr_monthly.arr" in line)
    assert "negative ARR" in negative and "-5" in negative and "Fix:" in negative
    assert "2 error(s)" in lines[-1]


def test_score_refuses_bad_data_with_the_problems(capsys, bad):
    code, out, err = _run(capsys, "score", "--data", str(bad), "--as-of", "2026-03-31")
    assert code == 2 and out == ""
    assert "cannot be used" in err and "accounts.segment" in err and "arr_monthly.arr" in err


def test_validate_missing_path(capsys, tmp_path):
    code, _, err = _run(capsys, "validate", "--data", str(tmp_path / "nowhere"))
    assert code == 2
    assert "does not exist" in err and "Traceback" not in err


def test_a_results_store_that_cannot_be_created_names_the_setting(capsys, good, tmp_path, monkeypatch):
    (tmp_path / "a_file").write_text("")
    monkeypatch.setenv("CHS_RESULTS_STORE", str(tmp_path / "a_file" / "results.duckdb"))  # its folder is a file
    code, out, err = _run(capsys, "score", "--data", str(good), "--as-of", "2026-03-31")
    assert code == 2 and out == ""
    assert "results store" in err and "CHS_RESULTS_STORE" in err and "off" in err and "Traceback" not in err


# score -------------------------------------------------------------------------------------

def _by_account(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("account_id")


def _check_scores(frame: pd.DataFrame, abs_tol: float) -> None:
    assert sorted(frame["account_id"]) == ["B", "C", "D", "E"]  # A and F have churned
    assert {"health_score", "tier", "flags", "at_risk", "coverage", "segment"} <= set(frame.columns)
    assert {"component_score_usage", "component_score_growth", "component_score_financial"} <= set(frame.columns)
    s = _by_account(frame)
    expected = {"B": (5.0, "Critical"), "C": (100.0, "Thriving"), "D": (D_SCORE, "Healthy"),
                "E": (E_SCORE, "Neutral")}
    for account, (score, tier) in expected.items():
        assert s.loc[account, "health_score"] == pytest.approx(score, abs=abs_tol), account
        assert s.loc[account, "tier"] == tier
    assert s.loc["B", "flags"] == "Contract downgrade"  # arr_trend -0.25 < 0
    assert s.loc["B", "component_score_growth"] == pytest.approx(0.0)
    assert s.loc["D", "component_score_growth"] == pytest.approx(200 / 3, abs=abs_tol)
    assert set(frame["as_of"].astype(str)) == {"2026-03-31"}
    # lowest score first: the list a CSM works down
    assert list(frame["account_id"]) == ["B", "E", "D", "C"]


def test_score_csv(capsys, good, reweight_all):
    code, out, _ = _run(capsys, "score", "--data", str(good), "--model", reweight_all, "--as-of", "2026-03-31",
                        "--format", "csv")
    assert code == 0
    _check_scores(pd.read_csv(io.StringIO(out)), abs_tol=1e-6)


def test_score_json(capsys, good, reweight_all):
    code, out, _ = _run(capsys, "score", "--data", str(good), "--model", reweight_all, "--as-of", "2026-03-31",
                        "--format", "json")
    assert code == 0
    records = _strict_json(out)  # missing components must be null, not NaN
    frame = pd.DataFrame(records)
    _check_scores(frame, abs_tol=1e-3)  # JSON keeps 4 decimals
    assert frame.set_index("account_id").loc["C", "component_score_usage"] is None


def test_score_output_file(capsys, good, reweight_all, tmp_path):
    target = tmp_path / "scores.csv"
    code, out, err = _run(capsys, "score", "--data", str(good), "--model", reweight_all, "--as-of", "2026-03-31",
                          "-o", str(target))
    assert code == 0 and out == ""
    assert "Wrote 4 scores as of 2026-03-31" in err
    _check_scores(pd.read_csv(target), abs_tol=1e-6)


def test_two_tables_give_no_data_by_default(capsys, good):
    code, out, _ = _run(capsys, "score", "--data", str(good), "--as-of", "2026-03-31", "--format", "csv")
    assert code == 0
    s = _by_account(pd.read_csv(io.StringIO(out)))
    assert s["health_score"].isna().all() and set(s["tier"]) == {"No data"} and not s["at_risk"].any()
    # Coverage (all mature, no stage override): arr_trend 20/W * 2/5 + tenure 5/W * 0.5/3.5 = (56 + 5) / (7 W),
    # W = total component weight: SMB 45+15+20+20+5 = 105 -> 61/735; Enterprise 35+30+20+20+5 = 110 -> 61/770.
    assert s.loc["B", "coverage"] == pytest.approx(61 / 735) and s.loc["D", "coverage"] == pytest.approx(61 / 770)
    # What data there was is still shown: B's base score 20 (see the top of this file), before its flag.
    assert s.loc["B", "base_score"] == pytest.approx(20) and s.loc["B", "flags"] == "Contract downgrade"


def test_score_default_as_of_is_the_last_complete_month(capsys, good):
    # last month 2026-03 has 4 paying accounts vs 5 in Feb: 4 >= 0.8 * 5, so it counts as complete
    code, out, _ = _run(capsys, "score", "--data", str(good))
    assert code == 0
    assert set(pd.read_csv(io.StringIO(out))["as_of"]) == {"2026-03-31"}


# kpis --------------------------------------------------------------------------------------

def _kpis(capsys, good, as_of: str, period: str, model: str) -> dict:
    code, out, _ = _run(capsys, "kpis", "--data", str(good), "--model", model, "--as-of", as_of, "--period", period)
    assert code == 0
    return _strict_json(out)


def test_kpis_ttm(capsys, good, reweight_all):
    d = _kpis(capsys, good, "2026-03-31", "ttm", reweight_all)
    assert d["period"]["label"] == "12 months to Mar 2026"
    # 2025-03 -> 2026-03: start 1200+2000+3000+800+500 = 7500; end 0+1500+4200+800+600+0 = 7100
    assert d["bridge"] == {"start_arr": 7500.0, "churn": 1700.0, "contraction": 500.0, "expansion": 1200.0,
                           "new": 600.0, "end_arr": 7100.0}
    r = d["retention"]
    assert r["grr"] == pytest.approx(5300 / 7500)  # (7500 - 1700 - 500) / 7500
    assert r["nrr"] == pytest.approx(6500 / 7500)  # + 1200 expansion
    assert r["logo_retention"] == pytest.approx(3 / 5)
    assert r["expansion_rate"] == pytest.approx(1 / 5)
    # previous ttm 2024-03 -> 2025-03: no ARR at the start, so no cohort
    assert d["retention_previous"]["new"] == 7500.0 and d["retention_previous"]["grr"] is None
    h = d["health"]
    assert d["health_as_of"] == "2026-03-31"
    assert h["accounts_scored"] == 4
    # (5 + 100 + 73.333 + 55.238) / 4 = 58.393
    assert h["avg_health"] == pytest.approx((5 + 100 + D_SCORE + E_SCORE) / 4)
    # (5*1500 + 100*4200 + 73.333*800 + 55.238*600) / 7100 = 73.14
    assert h["arr_weighted_health"] == pytest.approx((5 * 1500 + 420000 + D_SCORE * 800 + E_SCORE * 600) / 7100)
    assert (h["at_risk_accounts"], h["at_risk_arr"]) == (1, 1500.0)  # B (5 < 50)
    assert h["at_risk_share"] == pytest.approx(1500 / 7100)
    hp = d["health_previous"]
    assert d["health_previous_as_of"] == "2025-03-31"
    # A-D 100, F 9.524: avg (400 + 9.524) / 5; weighted (100*7000 + 9.524*500) / 7500
    assert hp["avg_health"] == pytest.approx((400 + F_TENURE_SCORE) / 5)
    assert hp["arr_weighted_health"] == pytest.approx((700000 + F_TENURE_SCORE * 500) / 7500)
    assert (hp["at_risk_arr"], hp["at_risk_share"]) == (500.0, pytest.approx(500 / 7500))


def test_kpis_quarter(capsys, good, reweight_all):
    d = _kpis(capsys, good, "2026-03-31", "quarter", reweight_all)
    assert d["period"]["label"] == "Q1 2026" and d["previous_period"]["label"] == "Q4 2025"
    # 2025-12 -> 2026-03: start 8100 (E joined in Oct), churn 1700, contraction 500, expansion 1200, end 7100
    assert d["bridge"] == {"start_arr": 8100.0, "churn": 1700.0, "contraction": 500.0, "expansion": 1200.0,
                           "new": 0.0, "end_arr": 7100.0}
    r = d["retention"]
    assert r["grr"] == pytest.approx(5900 / 8100) and r["nrr"] == pytest.approx(7100 / 8100)
    assert r["logo_retention"] == pytest.approx(4 / 6) and r["expansion_rate"] == pytest.approx(1 / 6)
    # Q4 2025: 7500 -> 8100, E new, nobody else moved
    p = d["retention_previous"]
    assert (p["start_arr"], p["new"], p["end_arr"], p["grr"], p["nrr"]) == (7500.0, 600.0, 8100.0, 1.0, 1.0)
    assert d["health_previous_as_of"] == "2025-12-31"


def test_kpis_month(capsys, good, reweight_all):
    d = _kpis(capsys, good, "2026-02-28", "month", reweight_all)
    assert d["period"]["label"] == "Feb 2026"
    # 2026-01 -> 2026-02: start A1200 + B2000 + C3600 + D800 + E600 + F500 = 8700
    # A churns (ARR 0 row) 1200, B contracts 500, C expands 600; 8700 - 1200 - 500 + 600 = 7600
    assert d["bridge"] == {"start_arr": 8700.0, "churn": 1200.0, "contraction": 500.0, "expansion": 600.0,
                           "new": 0.0, "end_arr": 7600.0}
    r = d["retention"]
    assert r["grr"] == pytest.approx(7000 / 8700)  # 0.8046
    assert r["nrr"] == pytest.approx(7600 / 8700)  # 0.8736
    assert r["logo_retention"] == pytest.approx(5 / 6)
    assert r["expansion_rate"] == pytest.approx(1 / 6)


def test_kpis_mid_month_as_of_uses_the_previous_complete_month(capsys, good, reweight_all):
    # March 15 does not close March: the period ends with February's snapshot
    d = _kpis(capsys, good, "2026-03-15", "ttm", reweight_all)
    assert d["period"] == {"kind": "ttm", "start": "2025-02-01", "end": "2026-02-01",
                           "label": "12 months to Feb 2026"}
    assert d["health_as_of"] == "2026-02-28"
    d = _kpis(capsys, good, "2026-03-15", "month", reweight_all)
    assert d["period"]["label"] == "Feb 2026" and d["bridge"]["start_arr"] == 8700.0


# errors ------------------------------------------------------------------------------------

def test_bad_model_names_the_key_and_suggestion(capsys, good, tmp_path):
    text = (ROOT / "model.yaml").read_text()
    assert "      active_user_ratio: {weight: 3" in text
    bad_model = tmp_path / "model.yaml"
    bad_model.write_text(text.replace("      active_user_ratio: {weight: 3", "      active_usr_ratio: {weight: 3"))
    code, out, err = _run(capsys, "score", "--data", str(good), "--model", str(bad_model), "--as-of", "2026-03-31")
    assert code == 2 and out == ""
    assert "components.usage.metrics.active_usr_ratio" in err
    assert "Did you mean 'active_user_ratio'" in err
    assert "Traceback" not in err


def test_bad_date_is_an_argparse_error(capsys, good):
    with pytest.raises(SystemExit) as exc:
        main(["score", "--data", str(good), "--as-of", "2026-13-01"])
    assert exc.value.code == 2
    assert "'2026-13-01' is not a date" in capsys.readouterr().err


def test_future_as_of_is_refused(capsys, good):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    code, out, err = _run(capsys, "kpis", "--data", str(good), "--as-of", tomorrow)
    assert code == 2 and out == ""
    assert "in the future" in err and tomorrow in err


def test_kpis_after_the_last_data_month_is_refused(capsys, good):
    # the data ends with March 2026; June has no snapshot, so every account would look churned
    code, out, err = _run(capsys, "kpis", "--data", str(good), "--as-of", "2026-06-30")
    assert code == 2 and out == ""
    assert "2026-03" in err and "--as-of 2026-03-31" in err


def test_no_arr_rows_is_a_message_not_a_traceback(capsys, tmp_path):
    frames = six_accounts()
    frames["arr_monthly"] = frames["arr_monthly"].iloc[0:0]  # header only
    folder = write_csv_folder(frames, tmp_path / "empty")
    for command in ("score", "kpis"):
        code, out, err = _run(capsys, command, "--data", str(folder))
        assert code == 2 and out == ""
        assert "arr_monthly: the table has no row with ARR above 0" in err  # caught by validation, with the fix


# backtest, contract ------------------------------------------------------------------------

def test_backtest(capsys, good, reweight_all):
    code, out, _ = _run(capsys, "backtest", "--data", str(good), "--model", reweight_all, "--as-of", "2026-03-31",
                        "--bootstrap", "20")
    assert code == 0
    d = _strict_json(out)  # undefined figures are null, never NaN
    assert d["horizon_months"] == 3
    # History: month ends from 3 warm-up months after the first ARR month (Jan 2025), so Apr 2025 on.
    # Judged: as-of months whose next 3 months are in the data (<= 2026-03), i.e. Apr-Dec 2025 (9 dates).
    # Customers: 5 a month Apr-Sep (A, B, C, D, F) and 6 Oct-Dec (+E): 6*5 + 3*6 = 48 rows
    assert d["rows"] == 48 and len(d["as_of_dates"]) == 9
    churn = d["churn"]["pooled"]
    assert [t["tier"] for t in d["churn"]["tiers"]][:5] == ["Thriving", "Healthy", "Neutral", "At risk", "Critical"]
    assert sum(t["rows"] for t in d["churn"]["tiers"]) == 48
    # churned within 3 months: A from Nov and Dec (ARR 0 in Feb, Mar), F from Dec (no Mar row) = 3 rows, 2 accounts
    assert churn["positives"] == 3 and churn["accounts_with_outcome"] == 2
    assert churn["base_rate"] == pytest.approx(3 / 48)
    # + B's contraction (1500 from Feb 2026) seen from Nov and Dec = 5
    assert d["churn_or_contraction"]["pooled"]["positives"] == 5
    assert {"auc", "auc_ci", "lift_top_decile", "recall", "precision", "false_positive_rate"} <= set(churn)


def test_backtest_text_summary(capsys, good, reweight_all):
    code, out, _ = _run(capsys, "backtest", "--data", str(good), "--model", reweight_all, "--as-of", "2026-03-31",
                        "--format", "text", "--bootstrap", "0")
    assert code == 0
    assert "48 scores of 6 accounts as of 9 dates" in out and "Churn rate by tier" in out
    assert "base rate 6.2%" in out  # 3 / 48


def test_contract_lists_every_table(capsys):
    code, out, _ = _run(capsys, "contract")
    assert code == 0
    for table in TABLES:
        assert table.name in out


def test_entry_point_in_a_subprocess(bad):
    done = subprocess.run([sys.executable, "-m", "chs_core", "validate", "--data", str(bad)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Fix: rename column 'segmnt' to 'segment'" in done.stdout
    assert "Traceback" not in done.stderr

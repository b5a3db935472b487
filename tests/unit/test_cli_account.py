"""`explain` and `queue` on the six-account book (tests/fixtures.py) with min_coverage 0 (test_cli's fixture).

By hand (see test_cli's docstring): only arr_trend (growth 20) and tenure (financial 5) have data, so
base = (20 x growth + 5 x financial) / 25. B (SMB, mature, tenure 100): on 2026-01-31 ARR 2000 vs 2000 in
2025-10 -> trend 0 -> 66.667 pts -> base (1333.33 + 500) / 25 = 73.333; on 2026-03-31 1500 vs 2000 -> -0.25
-> 0 pts -> base 20, downgrade flag -15 -> 5. Change -68.333 = arr_trend 0.8 x (0 - 66.667) - 15.
Scores on 2026-03-31: B 5, C 100, D 73.333, E 55.238 (A and F are not customers).
"""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from tests.fixtures import six_accounts, write_csv_folder
from tests.unit.test_cli import _run, good, reweight_all  # noqa: F401  (fixtures)

AS_OF = "2026-03-31"


def test_explain_json_adds_up_by_hand(capsys, good, reweight_all):  # noqa: F811
    code, out, _ = _run(capsys, "explain", "B", "--data", str(good), "--model", reweight_all, "--as-of", AS_OF,
                        "--since", "2026-01-31", "--format", "json")
    assert code == 0
    got = json.loads(out)
    e, c = got["explanation"], got["change"]
    assert e["score"] == pytest.approx(5.0) and e["tier"] == "Critical"
    assert sum(r["points"] for r in e["waterfall"]) == pytest.approx(5.0)
    assert [f["name"] for f in e["flags"]] == ["downgrade"]
    assert c["score_from"] == pytest.approx(73.3333, abs=1e-3) and c["change"] == pytest.approx(-68.3333, abs=1e-3)
    terms = {t["name"]: t["change"] for t in c["terms"]}
    assert terms == pytest.approx({"arr_trend": -0.8 * 200 / 3, "downgrade": -15.0})
    missing = {m["name"] for m in e["metrics"] if m["status"] == "no data, re-weighted"}
    assert "active_user_ratio" in missing and "arr_trend" not in missing


def test_explain_text(capsys, good, reweight_all):  # noqa: F811
    code, out, _ = _run(capsys, "explain", "B", "--data", str(good), "--model", reweight_all, "--as-of", AS_OF,
                        "--since", "2026-01-31")
    assert code == 0
    assert "Score 5.0 (Critical)" in out and "= score" in out and "Flag: Contract downgrade" in out
    assert "73.3 -> 5.0 (-68.3)" in out and "+0% -> -25%" in out


def test_explain_unknown_account_and_not_a_customer(capsys, good, reweight_all):  # noqa: F811
    code, _, err = _run(capsys, "explain", "b", "--data", str(good), "--model", reweight_all, "--as-of", AS_OF)
    assert code == 2 and "account id 'b': no such account" in err
    code, _, err = _run(capsys, "explain", "A", "--data", str(good), "--model", reweight_all, "--as-of", AS_OF)
    assert code == 2 and "A was not a customer on 2026-03-31" in err


def test_queue_csv(capsys, good, reweight_all):  # noqa: F811
    code, out, err = _run(capsys, "queue", "--data", str(good), "--model", reweight_all, "--as-of", AS_OF)
    assert code == 0 and "ARR at stake" in err
    q = pd.read_csv(io.StringIO(out))
    assert list(q["account_id"]) == ["B"]  # the only score below 50
    code, out, _ = _run(capsys, "queue", "--data", str(good), "--model", reweight_all, "--as-of", AS_OF, "--all")
    # No renewal dates: ordered by ARR at stake = B 1500 x 0.95, E 600 x 0.448, D 800 x 0.267, C 0.
    assert list(pd.read_csv(io.StringIO(out))["account_id"]) == ["B", "E", "D", "C"]
    code, out, _ = _run(capsys, "queue", "--data", str(good), "--model", reweight_all, "--as-of", AS_OF, "--all",
                        "--csm", "Ann")
    assert list(pd.read_csv(io.StringIO(out))["account_id"]) == ["B", "E"]
    code, _, err = _run(capsys, "queue", "--data", str(good), "--model", reweight_all, "--csm", "Zed")
    assert code == 2 and "Valid: Ann, Bob, Cy" in err


def test_queue_csv_is_formula_safe(capsys, tmp_path, reweight_all):  # noqa: F811
    frames = six_accounts()
    frames["accounts"].loc[frames["accounts"]["account_id"] == "B", "account_name"] = "=HYPERLINK(\"x\")"
    folder = write_csv_folder(frames, tmp_path / "book")
    code, out, _ = _run(capsys, "queue", "--data", str(folder), "--model", reweight_all, "--as-of", AS_OF)
    assert code == 0 and pd.read_csv(io.StringIO(out))["account_name"].iloc[0] == "'=HYPERLINK(\"x\")"

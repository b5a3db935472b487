"""A user's first run on real exports (../shared/external, never copied): what init-mapping proposes loads as
it is, a file it cannot fill is left out with the reason, and every hint names the next command in full."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chs_core.cli import main
from chs_core.pipeline import check_source
from chs_core.sources import source_for
from chs_core.sources.guess import closest_column

EXTERNAL = Path(__file__).resolve().parents[3] / "shared" / "external"
TODAY = date(2026, 11, 23)


def _need(name: str) -> Path:
    path = EXTERNAL / name
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    return path


def test_camel_case_and_spaced_headers_are_proposed():
    assert closest_column("account_id", ["gender", "customerID", "tenure"], set()) == "customerID"  # IBM Telco
    assert closest_column("account_id", ["Customer ID", "Plan"], set()) == "Customer ID"  # Stripe


def test_ravenstack_as_proposed_loads_without_its_usage_file_and_says_why(tmp_path, capsys):
    raw = _need("ravenstack")
    mapping = tmp_path / "chs.yaml"  # the export folder is read-only: the mapping lives elsewhere
    assert main(["init-mapping", str(raw), "-o", str(mapping)]) == 0
    said = capsys.readouterr().err
    assert f"validate --data {raw} --mapping {mapping}" in said  # without --mapping it would not be read
    text = mapping.read_text()
    # Feature usage has neither account_id nor user_id: commented out with the reason, not an error to fix first.
    assert "# usage_events: ravenstack_feature_usage.csv has no column for account_id, user_id" in text
    assert "\n  usage_events:" not in text
    checked = check_source(source_for(raw, mapping), TODAY)
    assert checked.errors == [] and checked.usable
    assert len(checked.accounts) == 500  # SOURCE.md: 500 accounts


def test_a_folder_whose_files_fit_no_table_says_so(tmp_path, capsys):
    raw = _need("pysurvival-saas-churn")
    assert main(["init-mapping", str(raw), "-o", str(tmp_path / "chs.yaml")]) == 0
    assert "no file in" in capsys.readouterr().err
    assert main(["validate", "--data", str(raw)]) == 2
    err = capsys.readouterr().out
    assert "no file is named accounts.csv; the files here ('churn.csv') can be mapped" in err
    assert "init-mapping" in err and "Traceback" not in err

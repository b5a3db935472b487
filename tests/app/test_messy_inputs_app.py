"""The hostile and messy input table (tests/unit/test_messy_inputs.py) through the app with AppTest: an error
case stops the executive page with the problem's words and no KPI figure, and the Data quality page lists it;
a clean or warning case shows figures; nothing raises, hangs or writes a file from a hostile name."""
from __future__ import annotations

import pytest

from tests.fixtures import write_csv_folder
from tests.messy import full_book
from tests.unit.test_messy_inputs import CASES

CHOSEN = ("hostile header", "sqlite file as data", "ARR NaN", "-infinity and epoch", "FIFO as a table",
          "account ids in another case", "unknown role", "mixed CRLF and LF", "headers arr and ARR",
          "usage export loaded twice", "tz-aware Parquet east of UTC", ".csv.gz that is not gzip",
          "closed_at instead of opened_at")
BY_NAME = {c.name: c for c in CASES}


def _text(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


@pytest.mark.parametrize("name", CHOSEN)
def test_messy_input_in_the_app(name, run_app, page_paths, tmp_path, monkeypatch):
    case = BY_NAME[name]
    monkeypatch.chdir(tmp_path)
    data = case.build(write_csv_folder(full_book(), tmp_path / "data"))
    at = run_app(data=data)
    assert not at.exception, [e.value for e in at.exception]
    shown = _text(at.error) + "\n" + _text(at.markdown) + "\n" + _text(at.warning)
    if case.verdict == "error":
        assert not at.metric  # no figure from unsound data
        assert any(word in shown for word in case.words), shown
    else:
        assert at.metric and not at.error
    at.switch_page(page_paths["data_quality"]).run()
    assert not at.exception, [e.value for e in at.exception]
    listed = "\n".join(str(d.value.to_dict()) for d in at.dataframe) + _text(at.error) + _text(at.markdown)
    if case.verdict != "clean":
        assert any(word in listed for word in case.words), listed
    assert not any(word in listed + shown for word in case.absent), listed  # no harmful advice either
    assert not (tmp_path / "pwned.txt").exists()


def test_a_hostile_model_stops_every_page_with_its_message(run_app, page_paths, tmp_path):
    from tests.unit.test_hostile_models import _laughs

    model = tmp_path / "model.yaml"
    model.write_text(_laughs(9))  # the billion-laughs alias ladder
    at = run_app(data=write_csv_folder(full_book(), tmp_path / "data"), model=model)
    for page in ("executive", "at_risk", "tuning"):
        if page != "executive":
            at.switch_page(page_paths[page]).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.metric and "aliases expand to more than" in _text(at.error), page


def test_a_results_store_that_cannot_be_created_stops_the_app_with_the_setting(run_app, tmp_path, monkeypatch):
    (tmp_path / "a_file").write_text("")
    monkeypatch.setenv("CHS_RESULTS_STORE", str(tmp_path / "a_file" / "results.duckdb"))  # its folder is a file
    at = run_app()
    assert not at.exception, [e.value for e in at.exception]
    assert "CHS_RESULTS_STORE" in _text(at.error) and not at.metric

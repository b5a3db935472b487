"""The results store returns what a fresh computation returns, refreshes one new month incrementally,
and recomputes exactly what a changed source, signal setting or model invalidates."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from chs_core.demo.build import generate_demo
from chs_core.metrics.compute import compute_metrics, month_end_dates
from chs_core.model import load_model
from chs_core.model.edits import with_component_weight
from chs_core.pipeline import accounts_frame, score_dates
from chs_core.settings import DEFAULT_MODEL
from chs_core.sources import FramesSource
from chs_core.store import ResultsStore, results
from chs_core.store.fingerprint import DATE_COLUMNS

END = date(2026, 2, 1)
DATES = month_end_dates(date(2025, 6, 1), date(2026, 2, 28))  # 9 month ends


@pytest.fixture(scope="module")
def full() -> dict[str, pd.DataFrame]:
    return generate_demo(seed=9, n_accounts=60, end_month=END, n_months=12)


@pytest.fixture(scope="module")
def model():
    return load_model(DEFAULT_MODEL)


@pytest.fixture
def spy(monkeypatch):
    """Records the as-of dates each metric computation was asked for (all missing dates in one batch)."""
    monkeypatch.setenv("CHS_METRICS_BATCH_DATES", "100")
    calls: list[list[date]] = []
    real = results.compute_metrics

    def recording(ds, dates, *args, **kwargs):
        calls.append(sorted(dates))
        return real(ds, dates, *args, **kwargs)

    monkeypatch.setattr(results, "compute_metrics", recording)
    return calls


def _before(frames: dict[str, pd.DataFrame], month: date) -> dict[str, pd.DataFrame]:
    """The data as it stood before `month` arrived: dated rows from that month on are not there yet."""
    out = {}
    for name, frame in frames.items():
        column = DATE_COLUMNS[name]
        out[name] = frame if column is None else frame[pd.to_datetime(frame[column]) < pd.Timestamp(month)]
    return out


def _scores(store: ResultsStore, ds, key: str, dates, model) -> pd.DataFrame:
    """Stored scores, their metrics read through the same store."""
    def metrics_for(missing):
        return store.metrics(ds, key, missing, model.signals).merge(accounts_frame(ds), on="account_id", how="left")

    return store.scores(ds, key, dates, model, metrics_for)


def _metrics(store: ResultsStore, frames, dates, **kw) -> pd.DataFrame:
    source = FramesSource(frames)
    with source.open() as ds:
        return store.metrics(ds, source.key, dates, **kw)


def test_stored_metrics_and_scores_equal_fresh_computation(tmp_path, full, model, spy):
    store, source = ResultsStore(tmp_path / "r.duckdb"), FramesSource(full)
    with source.open() as ds:
        first = store.metrics(ds, source.key, DATES)
        again = store.metrics(ds, source.key, DATES)
        fresh = compute_metrics(ds, DATES)
        scored = _scores(store, ds, source.key, DATES, model)
        scored_again = _scores(store, ds, source.key, DATES, model)
        fresh_scores = score_dates(ds, model, DATES).frame
        one = store.metrics(ds, source.key, DATES, account_ids=["ACC-00003", "ACC-00007"])
    assert spy == [DATES]  # computed once; the second metrics call and both score calls read the store
    pd.testing.assert_frame_equal(first, fresh)
    pd.testing.assert_frame_equal(again, fresh)
    pd.testing.assert_frame_equal(scored, fresh_scores)
    pd.testing.assert_frame_equal(scored_again, fresh_scores)
    want = fresh[fresh["account_id"].isin(["ACC-00003", "ACC-00007"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, want)


def test_a_new_month_computes_one_new_as_of_date_and_equals_a_full_refresh(tmp_path, full, spy):
    store = ResultsStore(tmp_path / "r.duckdb")
    _metrics(store, _before(full, END), DATES[:-1])
    incremental = _metrics(store, full, DATES)
    assert spy == [DATES[:-1], DATES[-1:]]
    with FramesSource(full).open() as ds:
        pd.testing.assert_frame_equal(incremental, compute_metrics(ds, DATES))


def test_a_changed_row_invalidates_its_month_and_every_later_date_only(tmp_path, full, spy):
    store = ResultsStore(tmp_path / "r.duckdb")
    _metrics(store, full, DATES)
    changed = dict(full)
    usage = full["usage_events"].copy()
    row = usage.index[pd.to_datetime(usage["event_date"]).dt.strftime("%Y-%m") == "2025-11"][0]
    usage.loc[row, "event_count"] = usage.loc[row, "event_count"] + 5
    changed["usage_events"] = usage
    got = _metrics(store, changed, DATES)
    assert spy[1] == [d for d in DATES if d >= date(2025, 11, 30)]
    with FramesSource(changed).open() as ds:
        pd.testing.assert_frame_equal(got, compute_metrics(ds, DATES))


def test_changed_signal_settings_recompute_metrics(tmp_path, full, model, spy):
    store = ResultsStore(tmp_path / "r.duckdb")
    _metrics(store, full, DATES[-2:])
    other = replace(model.signals, key_features=("reports",))
    got = _metrics(store, full, DATES[-2:], settings=other)
    assert spy == [DATES[-2:], DATES[-2:]]
    with FramesSource(full).open() as ds:
        pd.testing.assert_frame_equal(got, compute_metrics(ds, DATES[-2:], other))


def test_a_model_change_rescores_from_stored_metrics_without_reading_events(tmp_path, full, model, spy):
    store, source = ResultsStore(tmp_path / "r.duckdb"), FramesSource(full)
    changed = with_component_weight(model, "usage", 50)
    with source.open() as ds:
        before = _scores(store, ds, source.key, DATES, model)
        after = _scores(store, ds, source.key, DATES, changed)
        fresh = score_dates(ds, changed, DATES).frame
    assert spy == [DATES]  # metrics computed once, for the first model
    pd.testing.assert_frame_equal(after, fresh)
    assert not after["health_score"].equals(before["health_score"])


def test_a_store_held_by_another_process_falls_back_to_computing(tmp_path, full, monkeypatch):
    import duckdb

    store = ResultsStore(tmp_path / "r.duckdb")

    def busy():
        raise duckdb.IOException("Could not set lock on file")

    monkeypatch.setattr(store, "_connect", busy)
    source = FramesSource(full)
    with source.open() as ds:
        pd.testing.assert_frame_equal(store.metrics(ds, source.key, DATES[-1:]), compute_metrics(ds, DATES[-1:]))


def test_sources_with_other_columns_or_empty_columns_share_one_store(tmp_path, full, model):
    # The first source has no industry at all (an all-empty column), the second one has it filled.
    store = ResultsStore(tmp_path / "r.duckdb")
    blank = {**full, "accounts": full["accounts"].assign(industry=None)}
    for frames in (blank, full):
        source = FramesSource(frames)
        with source.open() as ds:
            got = _scores(store, ds, source.key, DATES[-2:], model)
            pd.testing.assert_frame_equal(got, score_dates(ds, model, DATES[-2:]).frame)


def test_rows_go_to_duckdb_as_arrow_unless_a_column_has_no_arrow_type():
    """Rows are handed to DuckDB as an Arrow table with categories as plain text; a column of mixed types
    (numbers and text in one object column, possible in a frame handed in directly) has no Arrow type, so that
    frame goes as it is. DuckDB reads the same values either way."""
    import duckdb

    from chs_core.store.dtypes import for_duckdb

    frame = pd.DataFrame({"account_id": ["a", "b", None], "tier": pd.Categorical(["Healthy", None, "At risk"]),
                          "score": [1.5, float("nan"), 3.0], "as_of": pd.to_datetime(["2026-01-31"] * 3)})
    mixed = frame.assign(note=pd.Series([7, "seven", None], dtype=object))
    assert not isinstance(for_duckdb(frame), pd.DataFrame) and isinstance(for_duckdb(mixed), pd.DataFrame)
    assert for_duckdb(mixed)["tier"].dtype == object
    with duckdb.connect() as con:
        rows = {}
        for name, f in (("arrow", frame), ("pandas", frame.astype({"tier": object}))):
            con.register(name, for_duckdb(f) if name == "arrow" else f)
            rows[name] = con.execute(f"SELECT account_id, tier, score, as_of FROM {name}").fetchall()
    assert rows["arrow"] == rows["pandas"]
    assert rows["arrow"][1][:2] == ("b", None) and rows["arrow"][2][1] == "At risk"


def test_a_cold_history_is_computed_and_stored_a_batch_at_a_time_with_the_same_rows(tmp_path, full, model, spy,
                                                                                     monkeypatch):
    monkeypatch.setenv("CHS_METRICS_BATCH_DATES", "2")
    store, source = ResultsStore(tmp_path / "r.duckdb"), FramesSource(full)
    with source.open() as ds:
        stored = store.metrics(ds, source.key, DATES)
        scored = _scores(store, ds, source.key, DATES, model)
        monkeypatch.setenv("CHS_METRICS_BATCH_DATES", "100")
        fresh = compute_metrics(ds, DATES)
        fresh_scores = score_dates(ds, model, DATES).frame
    # Batches of two dates in turn, each stored before the next is computed; the scores read them back.
    assert spy == [DATES[i:i + 2] for i in range(0, len(DATES), 2)]
    pd.testing.assert_frame_equal(stored, fresh)
    # Each batch's flag labels are categories of their own: every label survives the later batches' writes.
    labels = {str(v) for v in fresh_scores["flags"]}
    first_batch = {str(v) for v in fresh_scores.loc[pd.to_datetime(fresh_scores["as_of"]) <= pd.Timestamp(DATES[1]),
                                                    "flags"]}
    assert labels - first_batch, "the fixture should raise a flag combination later that the first batch lacks"
    assert scored["flags"].notna().all() and set(scored["flags"].cat.categories) == labels
    pd.testing.assert_frame_equal(scored.assign(flags=scored["flags"].astype(str)),
                                  fresh_scores.assign(flags=fresh_scores["flags"].astype(str)))


def test_a_column_slice_of_stored_metrics_gives_the_coverage_of_the_whole_rows(tmp_path, full, model):
    from chs_core.readiness.coverage import metric_coverage

    store, source = ResultsStore(tmp_path / "r.duckdb"), FramesSource(full)
    names = ["as_of", "active_user_ratio", "nps", "csat_180d"]
    with source.open() as ds:
        whole = store.metrics(ds, source.key, DATES)
        some = store.metrics(ds, source.key, DATES, columns=names)
    assert list(some.columns) == names
    pd.testing.assert_frame_equal(some, whole[names])
    got = metric_coverage(some, model).set_index(["as_of", "metric"])["share"]
    pd.testing.assert_series_equal(got, metric_coverage(whole, model).set_index(["as_of", "metric"])["share"]
                                   .loc[got.index])
    # By hand: the share of rows at each date with a value (NaN != NaN), partial for some metric and date.
    partial = 0
    for d in DATES:
        for name in names[1:]:
            values = [getattr(r, name) for r in whole.itertuples() if r.as_of == pd.Timestamp(d)]
            share = sum(v == v for v in values) / len(values)
            assert got[(pd.Timestamp(d), name)] == pytest.approx(share)
            partial += 0 < share < 1
    assert partial > 0

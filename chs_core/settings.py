"""Settings that are not part of model.yaml: one table, each with its default and a help text.

model.yaml holds what a team tunes about its score; these are how the product
computes and judges it. docs/settings.md lists them (a test keeps it in step),
and a value can be overridden with the environment variable CHS_<NAME in capitals>.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_DATABASE = REPO_ROOT / "data" / "demo.duckdb"  # generated on first use, never committed
DEFAULT_MODEL = REPO_ROOT / "model.yaml"


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    changes_results: bool = True  # False: how a result is computed, never what it is (kept results stay valid)


SETTINGS: tuple[Setting, ...] = (
    Setting("backtest_horizon_months", 3,
            "Months after each as-of date in which churn or contraction is looked for when judging scores "
            "(3 = 'within 90 days')."),
    Setting("backtest_bootstrap_samples", 200,
            "Bootstrap replicates (accounts resampled with replacement) behind each AUC interval of the backtest; "
            "0 leaves the intervals out."),
    Setting("backtest_test_dates", 6,
            "As-of dates at the end of the history that the time-split learned baseline and the suggested weights "
            "are tested on (at most half the judged dates); training stops a horizon before the first of them."),
    Setting("backtest_bootstrap_accounts", 10_000,
            "From this many accounts on, an AUC interval comes from the clustered variance (DeLong's method with "
            "accounts as clusters, Obuchowski 1997) instead of the bootstrap: at that size the two agree to the "
            "third decimal, and the variance takes one pass over the rows where the bootstrap takes a second per "
            "interval at 100,000 accounts. 0 = always the bootstrap."),
    Setting("backtest_threads", 0,
            "Threads the backtest judges in (its outcome reports, signal checks and baselines side by side); 0 = one "
            "per core, at most 4. The figures do not depend on it.", changes_results=False),
    Setting("warm_up_months", 3,
            "The score history starts this many months after the first ARR month: 90-day windows and 3-month "
            "trends need that much earlier data, and scores without it would look healthier than they are."),
    Setting("partial_month_ratio", 0.8,
            "The last ARR month counts as incomplete when fewer than this share of the previous month's paying "
            "accounts appear in it (real churn never removes a fifth of a book in a month)."),
    Setting("target_recall", 0.70,
            "Model-quality target: share of churners flagged at risk beforehand (practitioners aim above 70%)."),
    Setting("target_false_alert_share", 0.20,
            "Model-quality target: share of at-risk alerts on accounts that did not churn, 1 - precision "
            "(practitioners aim below 20%)."),
    Setting("small_cohort_accounts", 20,
            "A KPI computed over fewer starting accounts than this carries a small-sample note."),
    Setting("arr_bands", "10000,50000,100000",
            "ARR value bands for cohorts, as ascending upper limits in dollars separated by commas: the default gives "
            "under $10,000, $10,000 to $50,000, $50,000 to $100,000 and $100,000 and above (by starting ARR)."),
    Setting("touch_types", "meeting,call,qbr,training",
            "Activity types in csm_activities that count as a CSM touch when closing the loop (held, or no outcome "
            "given); add renewal_meeting to count renewal meetings too."),
    Setting("target_touch_days", 14,
            "Time-to-detection target: a flagged account should have a CSM touch within this many days "
            "(practitioners aim below 14)."),
    Setting("target_intervention_success", 0.40,
            "Intervention-success target: share of flagged accounts touched in time that had not churned or "
            "contracted by the horizon, saved / intervened (practitioners aim above 40%)."),
    Setting("queue_renewal_first_days", 90,
            "The at-risk work queue lists accounts renewing within this many days first, then the rest by ARR at "
            "stake."),
    Setting("model_history_versions", 50,
            "How many previous versions of model.yaml are kept in model_history/ beside it; saving removes the oldest "
            "beyond this."),
    Setting("earliest_plausible_date", "1990-01-01",
            "Dates before this (and infinite dates, or two-digit years read as year 25) are validation errors: "
            "a typo'd year would silently widen the history."),
    Setting("unmatched_error_share", 0.2,
            "When more than this share of a table's rows have an account id that is not in accounts, validation "
            "stops with an error instead of a warning (a trailing space or another id scheme, not a few strays)."),
    Setting("data_time_zone", "UTC",
            "Time zone a time-zone-aware timestamp is converted to before it is cut to a day or month, when it "
            "carries no zone of its own (a Parquet file written by pandas or Arrow records one and that zone is "
            "used; text with an offset such as +01:00 keeps the date and time written, unless the mapping's "
            "time_zone converts it)."),
    Setting("cache_entries_sources", 4, "How many checked data sources the app keeps in memory."),
    Setting("cache_entries_scores", 16, "How many scored histories (one per model version tried) the app keeps."),
    Setting("duckdb_memory_limit", "3GB",
            "Most memory DuckDB may use per open data source and for the results store (e.g. 8GB, 500MB); what "
            "does not fit spills to the temp folder. The default keeps the scale benchmark (100,000 accounts, 50M "
            "usage events) near 4 GB for the whole process; raise it when a step stops with an out-of-memory error."),
    Setting("metrics_batch_dates", 4,
            "Metrics for a long history are computed this many as-of dates per query: fewer keep less in memory "
            "(each date holds the active users of its 28-day window), more share the fixed cost of a query. A run for a "
            "few accounts (the account page) takes proportionally more dates per query (the same account-dates)."),
    Setting("results_store_entries", 400,
            "How many entries of metrics and of scores the results store keeps (an entry: one as-of date's results "
            "for one version of the data and of the model, about 17 monthly histories); the least recently used go "
            "first."),
    Setting("validation_cache_rows", 1_000_000,
            "A file source with at least this many rows in all is validated once per day, settings and version: "
            "later checks of the same unchanged files reuse the problems found, kept in the results store."),
    Setting("duckdb_temp_directory", "",
            "Folder where DuckDB spills what does not fit in duckdb_memory_limit (empty: chs-duckdb in the "
            "system temp folder)."),
    Setting("results_store", "",
            "DuckDB file where computed metrics and scores are kept and reused (empty: data/cache/results-v1.duckdb "
            "in the repository; off: compute every time)."),
    Setting("data_env", "CHS_DATA",
            "Environment variable naming the data source the app opens (a folder or a .duckdb file)."),
    Setting("model_env", "CHS_MODEL", "Environment variable naming the model.yaml the app uses."),
    Setting("mapping_env", "CHS_MAPPING",
            "Environment variable naming a mapping file (chs.yaml) the app reads its data through."),
    Setting("stale_days", 35,
            "A table whose latest row lies more than this many days before the as-of date is flagged as stale on "
            "the Data page (a monthly export is at most about a month behind)."),
    Setting("workspace_dir", "workspace",
            "Folder (relative to the repository, or absolute) where the app keeps uploaded files and edited "
            "mappings; it never writes into your own data folders."),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def settings_in_force() -> dict[str, str]:
    """Every setting's value in force, as text: part of the key of a result that any of them may change (those
    that only change how a result is computed, not what it is, are left out)."""
    return {s.name: str(setting(s.name)) for s in SETTINGS if s.changes_results}


def setting(name: str):
    """The value in force: CHS_<NAME> from the environment when set (cast to the default's type), else the default."""
    spec = SETTINGS_BY_NAME[name]
    raw = os.environ.get(f"CHS_{name.upper()}")
    if raw is None or raw == "":
        return spec.default
    kind = type(spec.default)
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"CHS_{name.upper()}={raw!r} is not a {kind.__name__}; unset it or give a "
                         f"{kind.__name__} such as {spec.default!r}") from None

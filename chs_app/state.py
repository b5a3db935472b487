"""Session-state keys shared across pages, and the rule that keeps a view in the URL.

A key listed in URL_KEYS is also its query parameter: the widget is created with `bind="query-params"`
(Streamlit 1.67), so its value is written to the URL when it changes, read from the URL when a session
starts (a shared link or a reload reproduces the view), kept when moving between pages, and left out of the
URL while it equals the widget's default. Keys of the sidebar (drawn by app.py on every page) stay in the URL
on every page; a page's own keys appear on that page's URL only, and keep their value when you come back.

Any page can share a control: call `bound(KEY)` for the widget's keyword arguments and read the value from
`st.session_state`. See chs_app.controls for the shared as-of and period controls.
"""
from __future__ import annotations

# Sidebar filters (app.py draws them on every page), named as the at-risk queue's query parameters.
FILTER_SEGMENT = "segment"
FILTER_REGION = "region"
FILTER_CSM = "csm"

# The reporting view: period kind and as-of date (a month end, YYYY-MM-DD in the URL).
PERIOD_KIND = "period"
AS_OF = "as_of"

# Executive page controls.
EXEC_PERIOD_KIND = PERIOD_KIND
EXEC_END_MONTH = AS_OF
EXEC_BRIDGE_BAR = "bridge"
EXEC_BREAKDOWN_BY = "breakdown"
EXEC_SECTION = "section"  # which tab of the page's lower half is open
EXEC_BRIDGE_CHART = "executive_bridge_chart"  # plotly selection on the bridge (not in the URL)

# Cohorts page controls.
COHORT_BY = "cohort_by"
COHORT_CELL_COHORT = "cohort_cell_cohort"
COHORT_CELL_AGE = "cohort_cell_age"
COHORT_HEATMAP_LOGO = "cohort_heatmap_logo"
COHORT_HEATMAP_NRR = "cohort_heatmap_nrr"
COHORT_LAST_CLICK = "cohort_last_click"

# Closing-the-loop page controls (its as-of date is the shared AS_OF).
LOOP_STATUS = "loop_status"

# At-risk work queue controls (initialised once from the URL's query parameters).
QUEUE_AS_OF = "queue_as_of"
QUEUE_SCOPE = "queue_scope"
QUEUE_TIERS = "queue_tiers"
QUEUE_FLAGS = "queue_flags"
QUEUE_RENEWAL = "queue_renewal_days"
QUEUE_ALERT = "queue_alert"
QUEUE_NEW = "queue_new"
QUEUE_TABLE = "queue_table"
QUEUE_FROM_URL = "queue_from_url"  # the query parameters already read into the controls
QUEUE_LAST_PARAMS = "queue_last_params"  # the queue's filters, for the account page's link back

# Account page controls.
ACCOUNT_PICK = "account_pick"
ACCOUNT_AS_OF = "account_as_of"
ACCOUNT_SINCE = "account_since"
ACCOUNT_EVIDENCE_TAB = "account_evidence_tab"
ACCOUNT_COMPONENT_TAB = "account_component_tab"

# Tuning studio: every control's key is TUNING_PREFIX + its chs_core.tuning.form name ("tune:cw:usage").
TUNING_PREFIX = "tune:"
TUNING_DRAFT = "tuning_draft"  # the Draft being edited (id, model, base)
TUNING_SEEDED = "tuning_seeded"  # which draft the controls were last filled from
TUNING_DRAFT_PARAM = "draft"  # query parameter naming the draft, so a reload finds it
TUNING_MATRIX_UNIT = "tuning_matrix_unit"
TUNING_NOTE = "tuning_note"
TUNING_FLASH = "tuning_flash"  # a message to show once after publish / restore
TUNING_SHOW_SUGGESTION = "tuning_show_suggestion"
TUNING_RESTORE_PICK = "tuning_restore_pick"
TUNING_TAB = "tuning_tab"  # the open tab of model parts (only its controls are drawn)
TUNING_JUDGED = "tuning_judged"  # the last draft judged: (history, model, Rescored, Figures)
TUNING_INTERVALS = "tuning_intervals"  # show bootstrap intervals (on request: seconds per draft)
# Data page: the source this session switched to (not in the URL: a URL may hold credentials) and its form.
DATA_LOCATION = "data_location"
DATA_MAPPING = "data_mapping"
MODEL_PATH = "model_path"
DATA_CONNECT_KIND = "data_connect_kind"
DATA_CONNECT_TARGET = "data_connect_target"
DATA_CONNECT_UPLOADS = "data_connect_uploads"
DATA_CONNECT_MAPPING_TEXT = "data_connect_mapping_text"
DATA_CONNECT_CANDIDATE = "data_connect_candidate"

URL_KEYS = (FILTER_SEGMENT, FILTER_REGION, FILTER_CSM, PERIOD_KIND, AS_OF, EXEC_BRIDGE_BAR, EXEC_BREAKDOWN_BY,
            EXEC_SECTION)


def bound(key: str) -> dict:
    """Keyword arguments for a widget whose value lives in the URL (key = query parameter) and across pages."""
    if key not in URL_KEYS:
        raise KeyError(f"{key!r} is not a URL key; add it to chs_app.state.URL_KEYS")
    return {"key": key, "bind": "query-params"}

"""Results store: metric and score history in a DuckDB cache file, keyed by point-in-time data fingerprint, model and as-of date."""
from chs_core.store.checked import validated
from chs_core.store.fingerprint import DataKeys, data_keys, model_key, signals_key
from chs_core.store.results import ResultsStore, default_store

__all__ = ["DataKeys", "ResultsStore", "data_keys", "default_store", "model_key", "signals_key", "validated"]

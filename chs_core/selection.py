"""Account selection: which accounts a view is about (segment, region, CSM filters), applied to any frame."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd


def selected_account_ids(accounts: pd.DataFrame, chosen: Mapping[str, Iterable[str]]) -> list[str] | None:
    """Ids of the accounts whose columns hold one of the chosen values; None when nothing is chosen (everyone)."""
    chosen = {column: list(values) for column, values in chosen.items() if values}
    if not chosen:
        return None
    mask = pd.Series(True, index=accounts.index)
    for column, values in chosen.items():
        mask &= accounts[column].astype(str).isin(values)
    return accounts.loc[mask, "account_id"].astype(str).tolist()


def only_accounts(frame: pd.DataFrame, account_ids: Iterable[str] | None) -> pd.DataFrame:
    """The rows of `frame` for the given accounts; the frame itself when account_ids is None (everyone)."""
    if account_ids is None:
        return frame
    return frame[frame["account_id"].astype(str).isin(set(map(str, account_ids)))]


def sliced(frame: pd.DataFrame, account_ids: Iterable[str] | None = None,
           columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A freshly scored frame cut as the results store reads it: only these accounts (index renumbered), only
    these columns (in the frame's order); None keeps every account or every column."""
    if account_ids is not None:
        frame = only_accounts(frame, account_ids).reset_index(drop=True)
    if columns is None:
        return frame
    wanted = set(columns)
    return frame[[c for c in frame.columns if c in wanted]]


def flagged_ids(frame: pd.DataFrame, flag: str) -> list[str]:
    """Sorted ids of the accounts whose `flag` column is true in some row (missing counts as not flagged)."""
    return sorted(set(frame.loc[frame[flag].astype("boolean").fillna(False).astype(bool), "account_id"].astype(str)))

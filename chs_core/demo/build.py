"""Deterministic demo data: a realistic B2B SaaS customer base filling every contract table.

A hidden monthly health process per account (AR(1) plus shocks such as champion
departures, reorgs, budget cuts, outages and bad onboardings) drives renewals,
contraction and churn. Customers leave through an exit intent (churn.py): half of SMB is on
monthly plans that end in any month, the rest on annual contracts that end at the
anniversary; the intent forms one to three months before the ARR ends and the customer
disengages meanwhile, so usage, NPS, urgent tickets and meetings decline ahead of churn. Some
signals are noise by design: question tickets (P2/P3) per seat follow a per-account habit,
resolution times the support team's monthly load, and sponsor logins a personal habit, none
of them health. CSMs answer risk moments at their own pace (csms.py). Nothing here is tuned
to model.yaml.
See world (latent process), people (contacts, users), usage, support_and_billing (tickets,
NPS, invoices) and activities (CSM activities); stories lays the written seed story (one
account, 72 -> 45 -> 75) over the simulated book.
"""
from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from chs_core.contract import SEGMENTS, TABLES
from chs_core.demo.activities import build_activities
from chs_core.demo.csms import CSM_NAMES
from chs_core.demo.people import build_people
from chs_core.demo.stamp import write_stamp
from chs_core.demo.stories import STORY_INDEX, apply_story, has_story, story_for
from chs_core.demo.support_and_billing import build_invoices, build_nps, build_tickets
from chs_core.demo.usage import decoded, usage_chunks
from chs_core.demo.world import World, simulate_world

DEMO_SEED = 7
DEMO_END_MONTH = date(2026, 10, 1)
DEMO_MONTHS = 26

INDUSTRIES = np.array(["Software", "Financial Services", "Healthcare", "Retail", "Manufacturing", "Education",
                       "Media", "Logistics", "Professional Services"])
INDUSTRY_SHARE = np.array([0.22, 0.14, 0.12, 0.11, 0.11, 0.08, 0.07, 0.07, 0.08])
REGIONS = np.array(["NA", "EMEA", "APAC", "LATAM"])
REGION_SHARE = np.array([0.45, 0.30, 0.15, 0.10])
CHANNELS = np.array(["Inbound", "Outbound", "Partner", "Self-serve"])
CHANNEL_SHARE = np.array([0.40, 0.30, 0.15, 0.15])
NAME_A = np.array(["Blue", "North", "Bright", "Silver", "Summit", "Red", "Green", "Iron", "Clear", "Swift",
                   "Pine", "Harbor", "Nova", "Atlas", "Cedar", "Orbit", "Granite", "Lumen", "Vertex", "Maple"])
NAME_B = np.array(["Harbor", "Peak", "Field", "Stone", "Wave", "Bridge", "River", "Forge", "Point", "Leaf",
                   "Grid", "Path", "Works", "Labs", "Systems", "Logic", "Data", "Cloud", "Health", "Foods"])
NAME_C = np.array(["Inc", "Ltd", "GmbH", "Group", "Co", "LLC", "SA", "Pty", "AB", "BV"])

# Independent random streams per table, so changing one table's draws leaves the others as they were.
_STREAMS = {"world": 1, "accounts": 2, "people": 3, "usage": 4, "tickets": 5, "nps": 6, "invoices": 7, "activities": 8}


COLUMNS = {t.name: [c.name for c in t.columns] for t in TABLES}
TYPES = {t.name: {c.name: c.type for c in t.columns} for t in TABLES}
WRITE_MEMORY = "512MB"  # DuckDB's share while writing; the rest of the 4 GB budget is the world and one table
USAGE_SHARE_50M = 0.10  # usage_share for ~50M usage events at 100,000 accounts (issue 18's target shape)
TABLE_CHUNK = 25_000  # accounts per piece of tickets, CSM activities and invoices (one piece up to that size)


def _rng(seed: int, stream: str, chunk: int | None = None) -> np.random.Generator:
    return np.random.default_rng([seed, _STREAMS[stream]] + ([] if chunk is None else [chunk]))


def _accounts(rng: np.random.Generator, world: World, account_ids: np.ndarray) -> pd.DataFrame:
    """accounts frame from the simulated world (licensed_seats = seats in the last paying month)."""
    n = len(account_ids)
    names = pd.Series(rng.choice(NAME_A, n)) + " " + rng.choice(NAME_B, n) + " " + rng.choice(NAME_C, n)
    dup = names.duplicated()
    names[dup] = names[dup] + " " + pd.Series(account_ids)[dup].str[-4:]  # keep display names unique
    last_t = np.minimum(world.churn_t, world.n_months) - 1
    return pd.DataFrame({
        "account_id": account_ids,
        "account_name": names.astype("str"),
        "segment": np.array(SEGMENTS)[world.segment],
        "industry": rng.choice(INDUSTRIES, n, p=INDUSTRY_SHARE),
        "region": rng.choice(REGIONS, n, p=REGION_SHARE),
        "csm": CSM_NAMES[world.csm],
        "licensed_seats": world.seats[np.arange(n), last_t].astype(np.int64),
        "renewal_date": pd.to_datetime(world.renewal_date),
        "customer_since": pd.to_datetime(world.customer_since),
        # Drawn last, so adding the column left every other column's draws as they were.
        "acquisition_channel": rng.choice(CHANNELS, n, p=CHANNEL_SHARE),
    })


def _arr_monthly(world: World, account_ids: np.ndarray) -> pd.DataFrame:
    """arr_monthly frame: one row per paying account-month (no rows after churn)."""
    acc, t = np.nonzero(world.active)
    order = np.lexsort((t, acc))
    acc, t = acc[order], t[order]
    return pd.DataFrame({
        "account_id": account_ids[acc],
        "month": pd.to_datetime(world.month_starts[t]),
        "arr": world.arr[acc, t].astype(float),
        "seats": world.seats[acc, t].astype(np.int64),
    })


def simulate(seed: int = DEMO_SEED, n_accounts: int = 2000, end_month: date = DEMO_END_MONTH,
             n_months: int = DEMO_MONTHS) -> World:
    """The latent world behind generate_demo (for tests and notebooks that want the hidden truth)."""
    return simulate_world(_rng(seed, "world"), n_accounts, end_month.replace(day=1), n_months)


def demo_tables(seed: int = DEMO_SEED, n_accounts: int = 2000, end_month: date = DEMO_END_MONTH,
                n_months: int = DEMO_MONTHS, usage_share: float = 1.0) -> Iterator[tuple[str, pd.DataFrame | pa.Table]]:
    """Every contract table's rows as (table, frame) pieces in contract order, built one table at a time.

    usage_events comes in chunks of accounts (Arrow tables with dictionary-encoded ids), so a caller that
    writes each piece and lets it go holds one table (or one usage chunk) at a time, whatever the book size.
    usage_share < 1 records the usage of only that fraction of the users who are not contacts (every other
    table unchanged): USAGE_SHARE_50M gives the scale target's 50M usage events at 100,000 accounts.
    """
    if not 0 < usage_share <= 1:
        raise ValueError(f"usage_share must be above 0 and at most 1 (got {usage_share})")
    world = simulate(seed, n_accounts, end_month, n_months)
    account_ids = np.array([f"ACC-{i:05d}" for i in range(1, n_accounts + 1)])
    contacts, slots = build_people(_rng(seed, "people"), world, account_ids)
    story = story_for(end_month.replace(day=1), pd.Timestamp(world.month_starts[0]).date()) \
        if has_story(n_accounts, n_months) else None

    def finish(name: str, frame: pd.DataFrame, lo: int = 0, hi: int = n_accounts) -> tuple[str, pd.DataFrame]:
        assert list(frame.columns) == COLUMNS[name], name  # each builder emits the contract columns in order
        mine = story is not None and lo <= STORY_INDEX < hi
        return name, apply_story(name, frame, story) if mine else frame

    def chunked(name: str, stream: str, build) -> Iterator[tuple[str, pd.DataFrame]]:
        """A table built per TABLE_CHUNK accounts (one chunk, the default stream, for books up to that size)."""
        starts = range(0, n_accounts, TABLE_CHUNK)
        first_id = 1
        for k, lo in enumerate(starts):
            hi = min(n_accounts, lo + TABLE_CHUNK)
            rng = _rng(seed, stream) if len(starts) == 1 else _rng(seed, stream, k)
            frame = build(rng, world.accounts(lo, hi), account_ids[lo:hi], first_id)
            first_id += len(frame)
            yield finish(name, frame, lo, hi)

    yield finish("accounts", _accounts(_rng(seed, "accounts"), world, account_ids))
    yield finish("arr_monthly", _arr_monthly(world, account_ids))
    for chunk in usage_chunks(lambda k: _rng(seed, "usage", k), world, slots, account_ids,
                              STORY_INDEX if story else None, usage_share):
        yield "usage_events", chunk
    if story is not None:
        yield "usage_events", story["usage_events"]
    yield from chunked("tickets", "tickets", build_tickets)
    yield finish("nps_responses", build_nps(_rng(seed, "nps"), world, account_ids, contacts, slots.contact_start_t))
    yield finish("contacts", contacts)
    del contacts
    yield from chunked("csm_activities", "activities", lambda rng, w, ids, _: build_activities(rng, w, ids))
    yield from chunked("invoices", "invoices", build_invoices)


def generate_demo(seed: int = DEMO_SEED, n_accounts: int = 2000, end_month: date = DEMO_END_MONTH,
                  n_months: int = DEMO_MONTHS, usage_share: float = 1.0) -> dict[str, pd.DataFrame]:
    """One DataFrame per contract table (contract column names), covering n_months ending with end_month."""
    pieces: dict[str, list[pd.DataFrame]] = {t.name: [] for t in TABLES}
    for name, piece in demo_tables(seed, n_accounts, end_month, n_months, usage_share):
        pieces[name].append(decoded(piece) if isinstance(piece, pa.Table) else piece)
    frames = {name: parts[0] if len(parts) == 1 else
              pd.concat([p.astype(parts[0].dtypes.to_dict()) for p in parts], ignore_index=True)
              for name, parts in pieces.items()}
    return {t.name: frames[t.name] for t in TABLES}


def demo_knobs() -> dict[str, inspect.Parameter]:
    """demo_tables' parameters (seed, n_accounts, end_month, n_months, and any knob added later)."""
    return dict(inspect.signature(demo_tables).parameters)


def build_params(seed: int, kwargs: dict) -> dict:
    """Every build parameter, defaults filled in and dates as text, for the stamp (a rebuild repeats the book)."""
    bound = inspect.Signature(list(demo_knobs().values())).bind(seed, **kwargs)
    bound.apply_defaults()
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in bound.arguments.items()}


def build_demo_database(path: Path, seed: int = DEMO_SEED, overwrite: bool = False, **kwargs) -> Path:
    """Write the demo as a DuckDB file, one table per contract table typed as the contract says.

    Table by table and usage chunk by chunk, so memory stays bounded at any book size. Written to a
    temporary file beside `path` (named after it, removed on any failure) and moved into place, so a
    reader never sees a half-written database. An existing file is replaced only with overwrite=True;
    a folder never is. kwargs go to demo_tables (n_accounts, end_month, n_months); they and the generator's
    version are stamped into the file (stamp.py), so a stale bundled demo is rebuilt after a pull.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a database file: give a file name such as "
                                f"{path / 'demo.duckdb'}.")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists and was left as it is: choose another --out, or pass --force "
                              "to replace it.")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp), config={"memory_limit": WRITE_MEMORY, "preserve_insertion_order": False})
        try:
            for table in TABLES:
                cols = ", ".join(f'"{c.name}" {c.type}' for c in table.columns)
                con.execute(f'CREATE TABLE "{table.name}" ({cols})')
            for name, piece in demo_tables(seed, **kwargs):
                con.register("piece", piece)
                cols = ", ".join(f'CAST("{c}" AS {TYPES[name][c]})' for c in COLUMNS[name])
                con.execute(f'INSERT INTO "{name}" SELECT {cols} FROM piece')
                con.unregister("piece")
                del piece
            write_stamp(con, build_params(seed, kwargs))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return path

"""The demo database carries a build stamp; the bundled default path is rebuilt when the stamp is missing or not this
code's, with the parameters it was built with; a user's own database is never touched (core, CLI and app)."""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import pytest

from chs_core.cli import main
from chs_core.demo import refresh
from chs_core.demo.build import build_demo_database, demo_knobs
from chs_core.demo.stamp import generator_version, read_stamp

SMALL = {"seed": 5, "n_accounts": 40, "end_month": date(2026, 6, 1), "n_months": 4}


def _small_demo(path: Path) -> Path:
    return build_demo_database(path, **SMALL)


def _sql(path: Path, *statements: str) -> None:
    con = duckdb.connect(str(path))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def _accounts(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM accounts").fetchone()[0]
    finally:
        con.close()


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _stale(path: Path) -> Path:
    """A demo from 'another generator': an old version in its stamp, and one account fewer than it was built with."""
    _sql(path, "UPDATE _chs_demo_build SET generator_version = 'an-older-one'",
         "DELETE FROM accounts WHERE account_id = 'ACC-00040'")
    assert _accounts(path) == 39
    return path


def test_the_stamp_records_the_generator_and_every_build_parameter(tmp_path):
    stamp = read_stamp(_small_demo(tmp_path / "demo.duckdb"))
    assert stamp.generator_version == generator_version() and len(stamp.generator_version) == 16
    assert {k: stamp.params[k] for k in SMALL} == {"seed": 5, "n_accounts": 40, "end_month": "2026-06-01", "n_months": 4}
    assert set(stamp.params) == set(demo_knobs())  # a size knob added later is recorded (with its default) too


def test_a_stale_bundled_demo_is_rebuilt_with_the_parameters_it_was_built_with(tmp_path):
    bundled = _stale(_small_demo(tmp_path / "demo.duckdb"))
    said: list[str] = []
    reason = refresh.ensure_demo(bundled, bundled=bundled, say=said.append)
    assert "another version of the demo generator (an-older-one" in reason
    assert _accounts(bundled) == 40  # built again: 40 accounts, as SMALL says
    assert read_stamp(bundled).generator_version == generator_version()
    assert read_stamp(bundled).params["seed"] == 5 and read_stamp(bundled).params["n_months"] == 4
    assert str(bundled) in said[0] and "python -m chs_core demo --force" in said[0]
    before = _fingerprint(bundled)
    assert refresh.ensure_demo(bundled, bundled=bundled) is None  # current now: left as it is
    assert _fingerprint(bundled) == before


def test_a_bundled_demo_without_a_stamp_is_rebuilt_with_the_defaults(tmp_path, monkeypatch):
    bundled = _small_demo(tmp_path / "demo.duckdb")
    _sql(bundled, "DROP TABLE _chs_demo_build")
    built: list[dict] = []
    monkeypatch.setattr(refresh, "build_demo_database", lambda path, **kwargs: built.append(kwargs) or path)
    reason = refresh.ensure_demo(bundled, bundled=bundled)
    assert reason == "it was built before demo databases carried a build stamp"
    assert built == [{"overwrite": True}]  # nothing recorded to repeat: the demo's default parameters


def test_a_users_own_database_is_never_rebuilt_stamped_or_not(tmp_path):
    bundled = tmp_path / "data" / "demo.duckdb"
    own = _stale(_small_demo(tmp_path / "mine.duckdb"))  # an old demo copy the user keeps (stale stamp)
    unstamped = _small_demo(tmp_path / "unstamped.duckdb")
    _sql(unstamped, "DROP TABLE _chs_demo_build")
    for path in (own, unstamped, tmp_path / "missing.duckdb", tmp_path):
        before = _fingerprint(path) if path.is_file() else None
        assert refresh.ensure_demo(path, bundled=bundled) is None
        assert (_fingerprint(path) if path.is_file() else None) == before
    assert not (tmp_path / "missing.duckdb").exists() and not bundled.exists()
    assert refresh.ensure_demo("postgresql://cs@localhost/crm", bundled=bundled) is None


def test_the_cli_rebuilds_a_stale_default_demo_and_says_so(tmp_path, monkeypatch, capsys):
    from chs_core.cli import common

    bundled = _stale(_small_demo(tmp_path / "demo.duckdb"))
    monkeypatch.setattr(common, "DEMO_DATABASE", bundled)
    assert main(["validate"]) == 0
    err = capsys.readouterr().err
    assert f"Building the demo database at {bundled} (it was built by another version" in err
    assert _accounts(bundled) == 40

    own = _stale(_small_demo(tmp_path / "mine.duckdb"))
    before = _fingerprint(own)
    assert main(["validate", "--data", str(own)]) == 0
    assert "Building" not in capsys.readouterr().err and _fingerprint(own) == before


@pytest.fixture
def app_on(monkeypatch):
    """Run the app's first page with the bundled demo path pointed at `bundled` (and CHS_DATA as given)."""
    from streamlit.testing.v1 import AppTest

    import chs_app.sources

    def run(bundled: Path, data: Path | None = None) -> AppTest:
        monkeypatch.setattr(chs_app.sources, "DEMO_DATABASE", bundled)
        if data is None:
            monkeypatch.delenv("CHS_DATA", raising=False)
        else:
            monkeypatch.setenv("CHS_DATA", str(data))
        monkeypatch.delenv("CHS_MODEL", raising=False)
        return AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=60).run()
    return run


def test_the_app_rebuilds_a_stale_default_demo_but_not_a_users_copy(tmp_path, app_on):
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    bundled = _stale(_small_demo(tmp_path / "demo.duckdb"))
    own = _stale(_small_demo(tmp_path / "mine.duckdb"))
    before = _fingerprint(own)
    app_on(bundled)
    assert read_stamp(bundled).generator_version == generator_version() and _accounts(bundled) == 40
    app_on(bundled, data=own)
    assert _fingerprint(own) == before and _accounts(own) == 39
    st.cache_resource.clear()
    st.cache_data.clear()

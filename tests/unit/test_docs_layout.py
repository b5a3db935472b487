"""The docs say what the code does: settings table, layout tree, glossary words."""
from __future__ import annotations

import re
from pathlib import Path

from chs_core.settings import SETTINGS, setting

ROOT = Path(__file__).resolve().parents[2]


def settings_table() -> str:
    rows = ["| setting | default | meaning |", "|---|---|---|"]
    rows += [f"| `{s.name}` | `{s.default}` | {s.help} |" for s in SETTINGS]
    return "\n".join(rows)


def test_settings_page_lists_every_setting_with_its_default_and_help():
    text = (ROOT / "docs" / "settings.md").read_text()
    block = text.split("<!-- settings:start -->")[1].split("<!-- settings:end -->")[0].strip()
    assert block == settings_table()


def test_a_setting_can_be_overridden_from_the_environment(monkeypatch):
    assert setting("backtest_horizon_months") == 3
    monkeypatch.setenv("CHS_BACKTEST_HORIZON_MONTHS", "6")
    assert setting("backtest_horizon_months") == 6


def tree_entries(text: str) -> set[str]:
    """Paths named in a tree block: each line is an indented name (two spaces a level) and its description."""
    block = text.split("<!-- tree:start -->")[1].split("<!-- tree:end -->")[0]
    stack: list[str] = []
    found = set()
    for line in block.splitlines():
        match = re.match(r"^( *)([\w.]+(?:/[\w.]+)*/?)\s{2,}", line)
        if not match:
            continue
        depth = len(match.group(1)) // 2
        stack = stack[:depth] + [match.group(2).rstrip("/")]
        found.add("/".join(stack))
    return found


def _packages() -> set[str]:
    found = set()
    for top in ("chs_core", "chs_app"):
        for init in (ROOT / top).rglob("__init__.py"):
            found.add(str(init.parent.relative_to(ROOT)))
    return found


def test_architecture_tree_names_every_package_and_nothing_that_is_gone():
    entries = tree_entries((ROOT / "docs" / "architecture.md").read_text())
    assert _packages() <= entries
    missing = {e for e in entries if not (ROOT / e).exists()}
    assert missing == set()


def test_every_subpackage_states_its_job_in_its_init():
    for package in _packages():
        doc = (ROOT / package / "__init__.py").read_text().lstrip()
        assert doc.startswith('"""'), package


def test_readme_layout_names_every_subpackage_and_nothing_that_is_gone():
    entries = tree_entries((ROOT / "README.md").read_text())
    assert _packages() <= entries
    assert {e for e in entries if not (ROOT / e).exists()} == set()

"""Hostile and broken model files: each is refused quickly with a short message naming the file and the cause.

Table-driven: (name, bytes of the file, words the message must contain). No case may build a model,
raise anything but ModelError, or put an unbounded value into its message.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from chs_core.cli import main
from chs_core.model import ModelError, load_model, load_model_text
from chs_core.model.yaml_safe import MAX_BYTES
from tests.fixtures import six_accounts, write_csv_folder

ROOT = Path(__file__).resolve().parents[2]
GOOD = (ROOT / "model.yaml").read_text(encoding="utf-8")


def _laughs(levels: int) -> str:
    """The 'billion laughs' alias ladder: each level is 9 aliases of the one below (9**levels strings)."""
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append(f"components: *a{levels}")
    return "\n".join(lines) + "\n"


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


CASES = [
    ("billion laughs", _laughs(9).encode(), ["refused", "aliases expand to more than"]),
    ("recursive alias", b"components: &c {usage: *c}\ntiers: []\n", ["refused", "refers to itself"]),
    ("deep nesting", (b"components: " + b"[" * 5000 + b"]" * 5000 + b"\n"), ["refused", "nesting deeper"]),
    ("moderately deep nesting", (b"components: " + b"[" * 60 + b"]" * 60 + b"\n"), ["refused", "nesting deeper"]),
    ("duplicate key", _replace("at_risk_below: 50", "at_risk_below: 50\nat_risk_below: 90").encode(),
     ["key 'at_risk_below' is written twice", "keep one"]),
    ("infinite weight", _replace("weight: 35", "weight: .inf").encode(),
     ["components.usage.weight", "finite number"]),
    ("huge weight", _replace("weight: 35", "weight: 1.0e+308").encode(), ["components.usage.weight", "finite number"]),
    ("weight as YAML text", _replace("weight: 35", "weight: 1e308").encode(),
     ["components.usage.weight", "got the text '1e308'", "unquoted"]),
    ("nan threshold", GOOD.replace("bad: 0.1", "bad: .nan", 1).encode(), ["bad", "finite number"]),
    ("latin-1 text", GOOD.replace("name: Default", "name: Défault", 1).encode("latin-1"),
     ["not UTF-8", "byte 0xe9", "save it as UTF-8"]),
    ("utf-16 text", GOOD.encode("utf-16"), ["UTF-16", "save it as UTF-8"]),
    ("too large", b"# " + b"x" * (MAX_BYTES + 10) + b"\n", ["more than the 1,000,000 allowed"]),
    ("huge unknown key", ("? " + "k" * 200_000 + "\n: 1\n").encode(), ["unknown", "..."]),
    ("huge wrong value", _replace("\nmissing_metrics: reweight", "\nmissing_metrics: " + "x" * 200_000).encode(),
     ["missing_metrics", "is not allowed", "..."]),
]


@pytest.mark.parametrize("content, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_model_is_refused_with_a_short_message(tmp_path, content, words):
    path = tmp_path / "model.yaml"
    path.write_bytes(content)
    with pytest.raises(ModelError) as info:
        load_model(path)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message
    assert len(message) < 1000  # never an unbounded value in a message


def test_bom_is_accepted_and_the_bundled_model_still_loads(tmp_path):
    path = tmp_path / "model.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_model(path) == load_model(ROOT / "model.yaml")


def test_a_small_anchor_is_still_allowed():
    text = _replace("at_risk_below: 50", "at_risk_below: &cut 45").replace("drop_points: 20", "drop_points: *cut")
    model = load_model_text(text)
    assert (model.at_risk_below, model.alert.drop_points) == (45, 45)


def test_a_fifo_or_a_folder_as_model_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "model.yaml"
    os.mkfifo(fifo)
    result: list = []
    # Opening a FIFO for reading blocks until a writer appears; the loader must not open it at all.
    worker = threading.Thread(target=lambda: result.append(_error_of(fifo)), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the reader so the test process can end
        with open(fifo, "w"):
            pass
        pytest.fail("load_model blocked on a FIFO")
    assert "not a regular file" in result[0]
    assert "not a regular file" in _error_of(tmp_path)


def _error_of(path: Path) -> str:
    try:
        load_model(path)
    except ModelError as exc:
        return str(exc)
    return "loaded"


@pytest.fixture(scope="module")
def small_book(tmp_path_factory) -> Path:
    return write_csv_folder(six_accounts(), tmp_path_factory.mktemp("data"))


CLI_RUNS = [("score", *c) for c in CASES] + [(cmd, *CASES[0]) for cmd in ("kpis", "backtest", "explain")]


@pytest.mark.parametrize("command, name, content, words", CLI_RUNS, ids=[f"{r[0]}-{r[1]}" for r in CLI_RUNS])
def test_cli_reports_a_hostile_model_without_a_traceback(tmp_path, capsys, small_book, command, name, content, words):
    path = tmp_path / "model.yaml"
    path.write_bytes(content)
    account = ["A"] if command == "explain" else []
    code = main([command, *account, "--data", str(small_book), "--model", str(path)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and "Traceback" not in captured.err  # no figure from a refused model
    assert all(word in captured.err for word in words) and len(captured.err) < 1200

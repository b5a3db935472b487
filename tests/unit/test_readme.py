"""The README keeps its promises: the two commands first, and a data contract in sync with the code."""
from pathlib import Path

from chs_core.contract_markdown import contract_markdown

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
CI = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()


def test_readme_embeds_the_current_contract():
    assert contract_markdown() in README


def test_readme_gives_run_and_test_commands_and_ci_runs_the_same_tests():
    run_section = README.split("## Run it", 1)[1].split("##", 1)[0]
    assert "pip install -r requirements.txt && streamlit run app.py" in run_section
    assert "python -m pytest" in run_section
    assert "apt-get install -y" in CI and "chromium" in CI
    assert CI.strip().splitlines()[-1] == "python -m pytest"

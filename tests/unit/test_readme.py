"""The README keeps its promises: the two commands first, and a data contract in sync with the code."""
from pathlib import Path

from chs_core.contract import contract_markdown

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


def _apt_packages(text: str) -> set[str]:
    """Packages named by every `apt-get install` in a text (options left out)."""
    found = set()
    for line in text.splitlines():
        if "apt-get install" in line:
            words = line.split("apt-get install", 1)[1].split("&&", 1)[0].split()
            found |= {w for w in words if not w.startswith("-")}
    return found


def test_readme_test_command_installs_every_system_package_ci_installs():
    """A stranger following the README runs the same tests CI does (browser, Spark and PostgreSQL ones included)."""
    command = next(line for line in README.split("## Run it", 1)[1].splitlines() if line.endswith("python -m pytest"))
    assert _apt_packages(CI) == {"chromium", "default-jre-headless", "postgresql"}
    assert _apt_packages(command) == _apt_packages(CI)
    assert command.endswith("pip install -r requirements-dev.txt && python -m pytest")


def test_readme_model_snippet_is_a_valid_model_fragment():
    import yaml

    from chs_core.model import parse_model

    snippet = yaml.safe_load(README.split("A metric rule looks like this", 1)[1].split("```yaml", 1)[1].split("```", 1)[0])
    model = yaml.safe_load((Path(__file__).resolve().parents[2] / "model.yaml").read_text())
    model.update(components=snippet["components"], flags=snippet["flags"])
    model.pop("overrides", None)  # the defaults override metrics the snippet leaves out
    parsed = parse_model(model, "README snippet")
    assert [m.name for m in parsed.components[0].metrics] == ["active_user_ratio", "days_past_due", "tickets_per_seat_90d"]

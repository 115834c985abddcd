"""The layers of DESIGN rule 1, checked by import-linter on every test run."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_interface_apps_are_above_domain_apps_which_are_above_core(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0

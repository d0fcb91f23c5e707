"""Optional dependencies (extras): a missing one fails with a message naming the extra, at every
site that imports one, and the extras table in ``ictaltrack._extras`` matches pyproject.toml.

A missing package is simulated by ``sys.modules[name] = None``, which makes ``import name`` raise
``ModuleNotFoundError`` as if it were not installed.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import matplotlib
import pytest
import tomllib

matplotlib.use("Agg")

from truth_detections import SAMPLE_DIR, truth_to_detection  # noqa: E402

import ictaltrack  # noqa: E402
from ictaltrack import _extras, cli  # noqa: E402
from ictaltrack._extras import MissingExtraError, require  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "python" / "ictaltrack"
DEMO = SAMPLE_DIR / "migrating_referential.edf"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def block(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make these modules (and any loaded submodule of them) fail to import."""
    for loaded in [m for m in sys.modules if any(m == n or m.startswith(n + ".") for n in modules)]:
        monkeypatch.setitem(sys.modules, loaded, None)
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


@pytest.fixture(scope="module")
def result() -> ictaltrack.DetectionResult:
    return ictaltrack.DetectionResult.from_dict(
        truth_to_detection(SAMPLE_DIR / "migrating_referential.json", file=str(DEMO))
    )


def assert_names_extra(
    error: pytest.ExceptionInfo[MissingExtraError], module: str, extra: str
) -> None:
    assert isinstance(error.value, ImportError)  # callers catching ImportError still work
    assert error.value.extra == extra
    assert error.value.name == module
    assert f"pip install 'ictaltrack[{extra}]'" in str(error.value)
    assert repr(module) in str(error.value)


def test_require_returns_the_installed_module() -> None:
    import matplotlib.pyplot as plt

    assert require("matplotlib.pyplot", extra="plot") is plt


@pytest.mark.parametrize("module", ["matplotlib", "matplotlib.pyplot"])
def test_require_names_the_extra_of_a_missing_module(monkeypatch, module) -> None:
    block(monkeypatch, "matplotlib")
    with pytest.raises(MissingExtraError) as error:
        require(module, extra="plot")
    assert_names_extra(error, "matplotlib", "plot")


def test_plots_without_matplotlib_name_the_plot_extra(monkeypatch, result) -> None:
    block(monkeypatch, "matplotlib")
    with pytest.raises(MissingExtraError) as error:
        result.plot_timeline()
    assert_names_extra(error, "matplotlib", "plot")
    with pytest.raises(MissingExtraError) as error:
        result.plot_onset_map(0)
    assert_names_extra(error, "matplotlib", "plot")


def test_mne_interop_without_mne_names_the_mne_extra(monkeypatch, result) -> None:
    recording = ictaltrack.read_edf(DEMO)
    block(monkeypatch, "mne")
    with pytest.raises(MissingExtraError) as error:
        recording.to_mne()
    assert_names_extra(error, "mne", "mne")
    with pytest.raises(MissingExtraError) as error:
        result.to_mne_annotations()
    assert_names_extra(error, "mne", "mne")


@pytest.mark.parametrize("module", ["distributed", "pyarrow"])
def test_batch_without_its_packages_names_the_batch_extra(monkeypatch, tmp_path, module) -> None:
    block(monkeypatch, module)
    with pytest.raises(MissingExtraError) as error:
        ictaltrack.batch.run([DEMO], out_dir=tmp_path)
    assert_names_extra(error, module, "batch")
    assert not any(tmp_path.iterdir())  # refused before any work


def test_detect_plots_without_matplotlib_fails_before_detecting(
    monkeypatch, tmp_path, capsys
) -> None:
    block(monkeypatch, "matplotlib")
    out = tmp_path / "d.json"
    code = cli.main(
        ["detect", str(DEMO), "--json", str(out), "--plots", str(tmp_path / "p"), "--quiet"]
    )
    assert code == cli.EXIT_BAD_INPUT
    assert "pip install 'ictaltrack[plot]'" in capsys.readouterr().err
    assert not out.exists()


def test_a_broken_installed_package_is_not_reported_as_a_missing_extra(
    monkeypatch, tmp_path
) -> None:
    # Installed, but it fails importing something of its own: that error must surface unchanged.
    (tmp_path / "broken_optional.py").write_text("import ictaltrack_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as error:
        require("broken_optional", extra="plot")
    assert not isinstance(error.value, MissingExtraError)
    assert error.value.name == "ictaltrack_no_such_dependency"


def test_an_unknown_extra_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown extra 'plots'"):
        require("matplotlib", extra="plots")


def _requirement_name(requirement: str) -> str:
    # The import name: "mne-bids" installs the module mne_bids.
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("-", "_")


def test_extras_table_matches_pyproject() -> None:
    project = PYPROJECT["project"]
    extras = project["optional-dependencies"]
    # The wheel's unconditional dependencies are the minimum.
    assert sorted(_requirement_name(r) for r in project["dependencies"]) == ["numpy", "pandas"]
    for extra, modules in _extras.EXTRA_MODULES.items():
        assert sorted(_requirement_name(r) for r in extras[extra]) == sorted(modules), extra
    assert extras["all"] == [f"ictaltrack[{','.join(_extras.EXTRA_MODULES)}]"]


def test_every_optional_import_site_uses_a_declared_extra() -> None:
    """Each ``require(module, extra=...)`` in the package names an extra that provides it, and no
    module of an extra is imported directly at run time (only under TYPE_CHECKING)."""
    optional = {m for modules in _extras.EXTRA_MODULES.values() for m in modules}
    calls = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        type_checking = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
            for n in ast.walk(node)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "require":
                module = node.args[0].value.split(".")[0]
                extra = next(k.value.value for k in node.keywords if k.arg == "extra")
                assert module in _extras.EXTRA_MODULES[extra], f"{path.name}: {module} {extra}"
                calls += 1
            if isinstance(node, ast.Import) and id(node) not in type_checking:
                names = [a.name.split(".")[0] for a in node.names]
            elif (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and (id(node) not in type_checking)
            ):
                names = [(node.module or "").split(".")[0]]
            else:
                continue
            for name in names:
                if name in optional:
                    # Allowed only right after a require() of the same package in the function.
                    function = _enclosing_function(tree, node)
                    assert function is not None and f"require('{name}" in ast.unparse(function), (
                        f"{path.name}:{node.lineno} imports {name} without require()"
                    )
    assert calls >= 6  # plots (2 + detect --plots), mne (2), batch (2)


def _enclosing_function(tree: ast.AST, target: ast.AST) -> ast.AST | None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            child is target for child in ast.walk(node)
        ):
            return node
    return None

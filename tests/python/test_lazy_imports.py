"""The package loads its modules on first use: `import ictaltrack` and `ictaltrack detect` do not
import NumPy, yet every public name is there; `ictaltrack.simulate` is the function and its
module is `ictaltrack.simulation` (no module shadows a function of the same name).

Each check runs in a fresh interpreter (this test process has long imported everything).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "sample_edf" / "migrating_referential.edf"


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_does_not_load_numpy_and_every_public_name_resolves():
    out = run_python(
        "import sys, json, ictaltrack\n"
        "before = 'numpy' in sys.modules\n"
        "missing = [n for n in ictaltrack.__all__ if not hasattr(ictaltrack, n)]\n"
        "print(json.dumps({'numpy_at_import': before, 'missing': missing,\n"
        "                  'numpy_after': 'numpy' in sys.modules,\n"
        "                  'in_dir': sorted(set(ictaltrack.__all__) - set(dir(ictaltrack)))}))\n"
    )
    report = json.loads(out)
    assert report == {"numpy_at_import": False, "missing": [], "numpy_after": True, "in_dir": []}


def test_star_import_gives_the_public_api():
    out = run_python(
        "from ictaltrack import *\n"
        "print(callable(detect), callable(band_power), DEFAULT_BANDS[0].name)\n"
    )
    assert out.split() == ["True", "True", "delta"]


@pytest.mark.parametrize("first", ["module", "attribute"])
def test_simulate_is_the_function_whichever_is_imported_first(first: str):
    code = (
        "import ictaltrack\n"
        + (
            "from ictaltrack.simulation import simulation_defaults\n"
            if first == "module"
            else "ictaltrack.simulate\n"
        )
        + "import ictaltrack.simulation as module\n"
        "print(callable(ictaltrack.simulate), type(ictaltrack.simulate).__name__,\n"
        "      type(module).__name__, module.__name__,\n"
        "      module.simulate is ictaltrack.simulate, type(ictaltrack).__name__)\n"
    )
    assert run_python(code).split() == [
        "True",
        "function",
        "module",
        "ictaltrack.simulation",
        "True",
        "module",
    ]


def test_the_function_is_not_importable_as_a_module():
    code = (
        "try:\n"
        "    import ictaltrack.simulate\n"
        "except ModuleNotFoundError as error:\n"
        "    print('refused', error.name)\n"
    )
    assert run_python(code).split() == ["refused", "ictaltrack.simulate"]


def test_submodules_are_attributes_after_a_plain_import():
    out = run_python(
        "import ictaltrack\n"
        "print(callable(ictaltrack.scoring.match_seizures),\n"
        "      ictaltrack.evaluation.__name__, ictaltrack.io.__name__)\n"
    )
    assert out.split() == ["True", "ictaltrack.evaluation", "ictaltrack.io"]


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        import ictaltrack

        ictaltrack.no_such_name  # noqa: B018


def test_detect_command_runs_without_numpy(tmp_path: Path):
    out_json = tmp_path / "out.json"
    out_csv = tmp_path / "out.csv"
    code = (
        "import sys\n"
        "from ictaltrack.cli import main\n"
        f"code = main(['detect', {str(SAMPLE)!r}, '--json', {str(out_json)!r},\n"
        f"             '--csv', {str(out_csv)!r}, '--no-progress'])\n"
        "print(code, 'numpy' in sys.modules, 'pandas' in sys.modules)\n"
    )
    # The seizure table goes to stdout before the last line.
    assert run_python(code).splitlines()[-1].split() == ["0", "False", "False"]
    result = json.loads(out_json.read_text())
    assert len(result["seizures"]) >= 1
    assert out_csv.read_text().count("\n") == len(result["seizures"]) + 1

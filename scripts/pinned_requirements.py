"""Prints the exact Python requirements pinned in pyproject.toml (the `test` extra), one a line.

`make venv` installs these into .venv, so the environment never depends on what was installed by
hand. Uses only the standard library (tomllib, Python >= 3.11).
"""

import pathlib
import sys
import tomllib

pyproject = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml")
config = tomllib.loads(pyproject.read_text())
for requirement in config["project"]["optional-dependencies"]["test"]:
    print(requirement)

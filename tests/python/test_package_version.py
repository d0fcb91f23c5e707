"""The installed extension reports the version declared in pyproject.toml."""

import re
from pathlib import Path

import ictaltrack


def test_extension_version_matches_pyproject():
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    declared = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE).group(1)
    assert ictaltrack.__version__ == declared


def test_error_classes_form_one_hierarchy():
    for name in ("FormatError", "IoError", "UnsupportedError"):
        assert issubclass(getattr(ictaltrack, name), ictaltrack.Error)
    assert issubclass(ictaltrack.Error, RuntimeError)

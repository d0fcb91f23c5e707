"""Optional dependencies: the one place that imports them and names the extra that installs them.

``pip install ictaltrack`` brings only what every user needs (NumPy, pandas). The rest comes with
an extra (declared in pyproject.toml, ``[project.optional-dependencies]``):

- ``plot``: matplotlib (``DetectionResult.plot_timeline``/``plot_onset_map``, ``detect --plots``);
- ``mne``: MNE-Python (``Recording.to_mne``, ``DetectionResult.to_mne_annotations``);
- ``batch``: dask, distributed, pyarrow, bokeh (``ictaltrack.batch``, ``ictaltrack batch``);
- ``report``: jinja2 (the HTML report);
- ``bids``: mne-bids, MNE-Python (BIDS datasets: ``ictaltrack batch ROOT``, ``simulate --bids``,
  ``evaluate --reference/--hypothesis``);
- ``all``: every extra above.

Every optional import goes through :func:`require`, so a missing package always fails the same
way: :class:`MissingExtraError` (an ``ImportError``) whose message names the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# The top-level module each extra provides, for the message and for the test that keeps this table
# and pyproject.toml in step.
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "plot": ("matplotlib",),
    "mne": ("mne",),
    "batch": ("dask", "distributed", "pyarrow", "bokeh"),
    "report": ("jinja2",),
    "bids": ("mne_bids", "mne"),
}


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message says which extra installs it.

    Attributes ``name`` (the missing module, as for ``ImportError``) and ``extra``.
    """

    def __init__(self, message: str, *, name: str, extra: str) -> None:
        super().__init__(message, name=name)
        self.extra = extra


def _is_missing(module: str, error: ModuleNotFoundError) -> bool:
    """True when ``error`` says ``module`` itself (or a parent package of it) is not installed,
    not that something inside an installed package failed to import."""
    missing = error.name or ""
    return bool(missing) and (module == missing or module.startswith(missing + "."))


def require(module: str, *, extra: str) -> ModuleType:
    """Import ``module`` (e.g. ``"matplotlib.pyplot"``) and return it.

    Raises
    ------
    MissingExtraError
        The module (or its top-level package) is not installed; the message names the extra,
        e.g. ``pip install 'ictaltrack[plot]'``.
    ValueError
        ``extra`` is not one of the extras this package declares (a programming error).
    """
    if extra not in EXTRA_MODULES:
        raise ValueError(f"unknown extra {extra!r}; known: {', '.join(EXTRA_MODULES)}")
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if not _is_missing(module, error):
            raise  # an installed package that is itself broken: its own message says more
        top_level = module.split(".")[0]
        raise MissingExtraError(
            f"this needs the optional dependency {top_level!r}, which is not installed; install "
            f"it with the '{extra}' extra: pip install 'ictaltrack[{extra}]'",
            name=top_level,
            extra=extra,
        ) from error

"""Where fomo's files are, for a source checkout and for an installed wheel alike (no Django import).

From a checkout, templates/ and static/ are the repository's and the data directory is ``data/``.
An installed wheel has no repository around it: the build copies templates/ and static/ into
``fomo/site/`` (setup.py), and the data directory defaults to ``$XDG_DATA_HOME/fomo``
(``~/.local/share/fomo``). ``FOMO_DATA_DIR`` overrides the data directory in both cases.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent
_WHEEL_SITE = PACKAGE_DIR / "site"
# A checkout never has fomo/site/ (the build writes it into the wheel only).
FROM_SOURCE = not (_WHEEL_SITE / "templates").is_dir()
ASSETS_DIR = SOURCE_ROOT if FROM_SOURCE else _WHEEL_SITE


def default_data_dir() -> Path:
    if FROM_SOURCE:
        return SOURCE_ROOT / "data"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "fomo"


def data_dir() -> Path:
    """``FOMO_DATA_DIR``, else the default above; absolute."""
    return Path(os.environ.get("FOMO_DATA_DIR") or default_data_dir()).resolve()

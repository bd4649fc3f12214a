"""Where the shipped files live: the default KB (`knowledge/`, `rules/`), `templates/` and `static/`.

The one place that finds them. In the repository they sit at the top of the checkout; a wheel
carries copies of the same four folders inside the package, under `advisor/_shipped/` (see
`[tool.hatch.build.targets.wheel.force-include]` in pyproject.toml), so an installed advisor works
from any folder. An editable install (`pip install -e .`) puts `src/` on the path, and `src/advisor/`
has no `_shipped/`: the files are then read from the checkout, so an edit shows at once.

`SHIPPED` is the folder holding all four, mirroring the checkout's layout; it is also the default
KB root (`knowledge.default_root`, which `--kb DIR` and `$ADVISOR_KB` override).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

FOLDERS = ("knowledge", "rules", "templates", "static")
CHECKOUT = Path(__file__).resolve().parents[3]   # src/advisor/kb/paths.py -> the repository


def _shipped_root() -> Path:
    """The wheel's copy inside the package if there is one, else the checkout this module runs from."""
    # A wheel is always installed unpacked, so the package's resources are a real folder.
    packaged = Path(str(files("advisor") / "_shipped"))
    if all((packaged / folder).is_dir() for folder in FOLDERS):
        return packaged
    return CHECKOUT


SHIPPED = _shipped_root()
KNOWLEDGE = SHIPPED / "knowledge"
RULES = SHIPPED / "rules"
TEMPLATES = SHIPPED / "templates"
STATIC = SHIPPED / "static"

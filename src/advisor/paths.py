"""Where the shipped files live: the default KB, templates and static files of the checkout."""

from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
TEMPLATES = CHECKOUT / "templates"
STATIC = CHECKOUT / "static"

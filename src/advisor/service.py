"""The running Advisor behind the shells, with safe reloads: a broken edit keeps the last good KB."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Optional

from .engine import DEFAULT_CACHE_SIZE, Advisor
from .errors import KnowledgeBaseError
from .knowledge import default_root, load

log = logging.getLogger("advisor")


class Service:
    def __init__(self, root: Optional[Path] = None, advisor: Optional[Advisor] = None, cache_size: int = DEFAULT_CACHE_SIZE):
        self.root = Path(root) if root else default_root()
        self.cache_size = cache_size
        self.advisor = advisor or Advisor(load(self.root), cache_size)
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    @property
    def status(self) -> str:
        return "degraded" if self.errors else "ok"

    def reload(self) -> bool:
        """Load the KB again. On failure keep serving the last good one and remember the errors."""
        try:
            advisor = Advisor(load(self.root), self.cache_size)
        except KnowledgeBaseError as err:
            self.errors = err.lines()
            log.error("KB reload failed, still serving %s:\n%s", self.advisor.kb.version, "\n".join(self.errors))
            return False
        self.advisor, self.errors = advisor, []
        log.info("KB reloaded: version %s", advisor.kb.version)
        return True

    def watch(self) -> None:
        """Reload whenever a file under knowledge/ or rules/ changes (in a daemon thread)."""
        from watchfiles import watch

        def run() -> None:
            paths = [self.root / "knowledge", self.root / "rules"]
            for _ in watch(*paths, stop_event=self._stop, debounce=300):
                self.reload()

        self._thread = threading.Thread(target=run, name="advisor-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

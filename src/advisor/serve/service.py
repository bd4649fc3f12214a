"""The running Advisor behind the shells, with safe reloads: a broken edit keeps the last good KB.

Reloading (by hand with `reload()`, or on every edit with `watch()`) never takes the server down and
never lets the watcher thread die:
- a KB error (`path:line: message`), an unreadable file (a directory named `rules/zz.yaml`, no
  permission) or any unexpected exception keeps the last good KB serving, and `/api/v1/health` says
  `degraded` with the message (paths relative to the KB root: no server paths);
- an edit that parses but loses rules or instruments (a half-written file that happens to be valid
  YAML) is not served either: the last good KB keeps serving, `/api/v1/health` says `degraded` with a
  warning ("rules went from 63 to 53"), until an edit brings them back. A smaller KB on purpose is
  accepted by restarting the server (or `reload(accept_shrink=True)`): a restart loads what is there;
- the watcher reloads only after the files have been quiet for `quiet` seconds (an editor or a copy
  may still be writing), and restarts itself if watching fails; its liveness is in `/api/v1/health`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal, Optional

from ..engine.advising import DEFAULT_CACHE_MB, DEFAULT_CACHE_SIZE, Advisor
from ..engine.defaults import RELOAD_QUIET
from ..kb.errors import KnowledgeBaseError
from ..kb.knowledge import default_root, load
from ..kb.loading import Problem

log = logging.getLogger("advisor")

DEFAULT_QUIET = RELOAD_QUIET   # seconds without file changes before a reload (defaults.py)
RESTART_DELAY = 1.0      # seconds before a failed watcher starts again (doubling while it keeps failing)
MAX_RESTART_DELAY = 60.0
GUARDED = ("rules", "instruments")   # counts that may not drop on a reload


class Service:
    def __init__(self, root: Optional[Path] = None, advisor: Optional[Advisor] = None,
                 cache_size: int = DEFAULT_CACHE_SIZE, quiet: float = DEFAULT_QUIET,
                 cache_mb: float = DEFAULT_CACHE_MB):
        self.root = Path(root) if root else default_root()
        self.cache_size, self.cache_mb = cache_size, cache_mb
        self.quiet = quiet
        self.advisor = advisor or Advisor(load(self.root), cache_size, cache_mb)
        self.errors: list[str] = []      # why the last reload failed
        self.warnings: list[str] = []    # why the last reload, though valid, was not served
        self.watching = False
        self.watch_error = ""            # why the watcher last failed, until a reload succeeds
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._lock = threading.Lock()    # one reload at a time (watcher and a manual reload)

    # ------------------------------------------------------------ status

    @property
    def watcher_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def notes(self) -> list[str]:
        """The warnings, plus one if the watcher should run but does not."""
        notes = list(self.warnings)
        if self.watch_error:
            notes.append(self.watch_error)
        if self.watching and not self.watcher_alive and not self._stop.is_set():
            notes.append("the KB watcher has stopped: edits are not picked up until the server restarts")
        return notes

    @property
    def status(self) -> Literal["ok", "degraded"]:
        return "degraded" if self.errors or self.notes() else "ok"

    # ------------------------------------------------------------ reloading

    def reload(self, accept_shrink: bool = False) -> bool:
        """Load the KB again. On failure keep serving the last good one and remember why; never raises."""
        with self._lock:
            serving = self.advisor.kb
            try:
                advisor = Advisor(load(self.root), self.cache_size, self.cache_mb)
            except KnowledgeBaseError as err:
                self.errors, self.warnings = [str(self._shown(p)) for p in err.problems], []
                log.error("KB reload failed, still serving %s:\n%s", serving.version, "\n".join(self.errors))
                return False
            except Exception as err:
                self.errors, self.warnings = [self._unexpected(err)], []
                log.exception("KB reload failed, still serving %s: %s", serving.version, self.errors[0])
                return False
            lost = _lost(serving.counts(), advisor.kb.counts())
            if lost and not accept_shrink:
                self.errors = []
                self.warnings = [f"{', '.join(lost)}: not served (kb_version {advisor.kb.version}); still serving "
                                 f"the last good KB {serving.version} until an edit brings them back "
                                 "(restart the server to accept a smaller KB)"]
                log.warning("KB reload not served: %s", self.warnings[0])
                return False
            self.advisor, self.errors, self.warnings = advisor, [], []
            counts = advisor.kb.counts()
            log.info("KB reloaded: version %s (%d rules, %d instruments)", advisor.kb.version, counts["rules"],
                     counts["instruments"])
            return True

    def _relative(self, name: str) -> str:
        """A path as the KB root sees it (`rules/fit.yaml`): /health shows no server paths."""
        path = Path(name)
        if not path.is_absolute():
            path = Path.cwd() / path
        try:   # the file itself is not resolved: it may be a symlink loop (RuntimeError before Python 3.13)
            return (path.parent.resolve() / path.name).relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            return path.name

    def _shown(self, problem: Problem) -> Problem:
        return Problem(self._relative(problem.file), problem.line, problem.message)

    def _unexpected(self, err: Exception) -> str:
        if isinstance(err, OSError) and err.filename:
            return str(Problem(self._relative(str(err.filename)), 1, f"cannot read: {err.strerror or err}"))
        return f"unexpected error while loading the KB ({type(err).__name__}); see the server log"

    # ------------------------------------------------------------ watching

    def watch(self, changes: Optional[Callable[[], Iterable]] = None) -> None:
        """Reload whenever a file under knowledge/ or rules/ changes, in a daemon thread that survives
        every error. `changes` (for tests) replaces watchfiles: a callable giving an iterable of change sets."""
        self._stop.clear()
        self.watching = True
        changes = changes or self._changes

        def run() -> None:
            delay = RESTART_DELAY
            while not self._stop.is_set():
                try:
                    for _ in changes():
                        if self._stop.is_set():
                            break
                        self._settle()
                        if self._stop.is_set():
                            break
                        self.reload()
                        self.watch_error = ""
                        delay = RESTART_DELAY
                except Exception as err:
                    log.exception("KB watcher failed; restarting it in %g s", delay)
                    self.watch_error = (f"the KB watcher failed ({type(err).__name__}) and is restarting: "
                                        "edits may not be picked up; see the server log")
                self._stop.wait(delay)
                delay = min(delay * 2, MAX_RESTART_DELAY) if delay else 0

        self._thread = threading.Thread(target=run, name="advisor-watch", daemon=True)
        self._thread.start()

    def _changes(self) -> Iterable:
        from watchfiles import watch
        paths = [p for p in (self.root / "knowledge", self.root / "rules") if p.is_dir()]
        return watch(*paths, stop_event=self._stop, debounce=1600, step=50, raise_interrupt=False)

    def _snapshot(self) -> tuple:
        """Name, size and mtime of every file of the KB (robust against anything on disk)."""
        seen = []
        for folder in (self.root / "knowledge", self.root / "rules"):
            try:
                paths = sorted(folder.rglob("*"))
            except OSError:
                continue
            for path in paths:
                try:
                    stat = path.stat()
                except OSError:
                    continue
                seen.append((str(path), stat.st_size, stat.st_mtime_ns))
        return tuple(seen)

    def _settle(self) -> None:
        """Wait until no file has changed for `quiet` seconds: a save in several writes, or a copy of
        several files, is reloaded once it is complete."""
        before = self._snapshot()
        while not self._stop.wait(self.quiet):
            now = self._snapshot()
            if now == before:
                return
            before = now

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


def _lost(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """'rules went from 63 to 53' for each guarded count that dropped."""
    return [f"{name} went from {before[name]} to {after[name]}" for name in GUARDED
            if after.get(name, 0) < before.get(name, 0)]

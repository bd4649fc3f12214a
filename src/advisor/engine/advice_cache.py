"""The advice cache: repeated situations served from memory, bounded by bytes, not entries.

An advice depends only on the KB (fixed per Advisor), the situation and the date, and is immutable.
Its size varies twentyfold (a bare situation gives ~5 KB of JSON, a rich one ~90 KB), so a cap on
entries says little about memory: 1,024 entries plateaued at +230 MiB per worker. Each entry here is
charged what it holds: its JSON text (exact, `sys.getsizeof`) and its objects, estimated as OBJECT_FACTOR
times their JSON length. The explanations inside an advice are shared objects of the KB (explanations.py),
so an advice holds little beyond its own lists: `python3 benchmarks/advice_memory.py` measures 0.7 (varied
situations) to 0.9 (the systematic grid) bytes per byte of JSON; 1 is charged. The least recently used
entries go when the budget is exceeded.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from .defaults import ADVICE_CACHE_MB

OBJECT_FACTOR = 1          # bytes of Python objects per byte of their JSON (measured; see above)
DEFAULT_CACHE_MB = ADVICE_CACHE_MB   # per Advisor (per worker): docs/deploying.md has the measured cost


def text_cost(text: str) -> int:
    return sys.getsizeof(text)


def object_cost(json_length: int) -> int:
    return OBJECT_FACTOR * json_length


class ByteCache:
    """A thread-safe LRU map whose entries are charged bytes; at most `budget` bytes and `entries` entries
    are kept (0 for either: nothing is kept). A value is built outside the lock: two threads asking for
    the same missing key may both build it, which is cheaper than making every other key wait."""

    def __init__(self, budget: int, entries: int = 0):
        self.budget, self.entries = budget, entries
        self.used = 0
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.budget > 0 and self.entries != 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, build: Callable[[], Any], cost: Callable[[Any], int]) -> Any:
        if not self.enabled:
            return build()
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found[0]
        value = build()
        charged = cost(value)
        if charged > self.budget:
            return value
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.used -= old[1]
            self._items[key] = (value, charged)
            self.used += charged
            while self.used > self.budget or (self.entries > 0 and len(self._items) > self.entries):
                _, (_, freed) = self._items.popitem(last=False)
                self.used -= freed
        return value

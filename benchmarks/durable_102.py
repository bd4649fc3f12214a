"""durable_rules error 102, reproduced: an `$iany` wrapping an `$or` reads an uninitialised byte.

Run: python3 benchmarks/durable_102.py. It leaves freed heap blocks full of 0x09 (JSON_IDENTIFIER)
behind, then registers rulesets: with `$iany` around `$or` every one fails with "Could not create
ruleset, error code: 102"; with `$or` around `$iany` (what advisor compiles) none does.
See docs/durable-rules-102.md.
"""
import ctypes
import json

import durable_rules_engine as native

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]

def dirty_heap(byte: int, sizes=range(1 << 10, 1 << 20, 1 << 12)):
    """Leave freed blocks full of `byte` behind, where the engine's node pool may land."""
    blocks = []
    for size in sizes:
        p = libc.malloc(size)
        ctypes.memset(p, byte, size)
        blocks.append(p)
    for p in blocks:
        libc.free(p)

wrapped = {"all": [{"m": {"$iany": {"goals": {"$or": [{"$i": "a"}, {"$i": "b"}]}}}}]}
split = {"all": [{"m": {"$or": [{"$iany": {"goals": {"$i": "a"}}}, {"$iany": {"goals": {"$i": "b"}}}]}}]}
for label, rule in (("$iany around $or", wrapped), ("$or around $iany", split)):
    fails = 0
    for n in range(200):
        dirty_heap(0x09)
        try:
            native.create_ruleset(f"{label}{n}", json.dumps({f"r{k}": rule for k in range(1 + n % 30)}))
        except Exception as err:
            fails += 1
            last = err
    print(f"{label}: {fails}/200 failed" + (f" ({last})" if fails else ""))

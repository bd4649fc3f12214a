"""Default sizes and delays shared by the engine, the service and the server settings, in a module that
imports nothing: `advisor serve --help` (settings) must not load durable_rules to print them."""

ADVICE_CACHE = 1024   # advices kept at most per Advisor; for rich advices the memory budget binds first
ADVICE_CACHE_MB = 64  # memory budget of the advice cache per Advisor (per worker): docs/deploying.md has its cost
RELOAD_QUIET = 0.5    # seconds without file changes before a KB reload

"""Default sizes and delays shared by the engine, the service and the server settings, in a module that
imports nothing: `advisor serve --help` (settings) must not load durable_rules to print them."""

ADVICE_CACHE = 1024   # advices kept per Advisor for repeated situations (a rich one costs ~140 KiB)
RELOAD_QUIET = 0.5    # seconds without file changes before a KB reload

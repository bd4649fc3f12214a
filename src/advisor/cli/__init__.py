"""The command line, `advisor ...` (`main`; the KB author's commands in `kb`).

The top of the stack: it may import `kb`, `engine`, `present`, `maintain` and `serve`, and nothing imports it.
"""

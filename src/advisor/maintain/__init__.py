"""The maintainer's and the lawyer's loop.

The systematic grid and coverage (`impact`), what a KB change does to the advice (`diff`, `reports`,
`diff_words`), scenarios run on any KB (`scenario_run`, `expectations`), the review packet, verdicts and
stamps (`review_packet`, `verdicts`, `stamping`), and the maintainer guide (`guide`). Imports `kb`, `engine`
and `present`.
"""

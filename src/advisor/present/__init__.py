"""The advice and the rules as people read them, in Dutch.

One reading shared by every view (`reading`), plain text (`text`), documents to file (`documents`), the rule
book (`ruledocs`), what the web pages show (`webview`, `rule_filter`) and how an advice reads, measured
(`textcheck`). Renders no HTTP and runs no rules: imports `kb` and `engine`.
"""

"""The engine: a situation in, a ranked and explained advice out.

Rules compiled to durable_rules networks (`compiling`), the Advisor that runs them (`advising`), the
explanations compiled with the KB (`explanations`) and the advice built from the firings (`explaining`,
`advice`, `steps`, `wishes`, `summary`, `compact`), a portfolio in `batch`. Imports only `kb`.
"""

"""The knowledge base: everything read from `knowledge/` and `rules/`, and the language it is written in.

The only YAML reader (`loading`), the models and closed vocabularies (`models`, `rule_models`, `vocab`), the
condition language (`operators`, `conditions`, `fields`), the KB as one checked value (`knowledge`,
`checking`, `citations`, `invariants`), the reading of a situation (`situations`, `textvalues`) and the KB's
own words in Dutch (`formatting`, `wording`). Imports nothing else of advisor: every other package stands on it.
"""

"""The web server: the JSON API and the Dutch HTML pages over one running Advisor.

`app` assembles them; `api` and `web` are the two routers (neither imports the other); `service` keeps the
last good KB through reloads; `settings`, `serving` and `validation` bound what a client can cost;
`problems`, `schemas`, `openapi` and `apidocs` describe the API. Imports `kb`, `engine`, `present` and
`maintain` (the coverage on /regels); never `cli`.
"""

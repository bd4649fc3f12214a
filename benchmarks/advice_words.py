"""How long the advice is, per view, and what it says twice: `python3 benchmarks/advice_words.py [--all]`.

For the situations an inkoper's reading was judged on (textcheck.READER_SITUATIONS) it prints the words of
every view (the /advies page, the part of it above 'Waarom niet?', the CLI text, Markdown, DOCX, ODT) and
the sentences of eight words or more said more than once in any view. With --all, the worked scenarios of
the KB too (knowledge/scenarios), as a summary. Run it before and after a change to see whether the advice grew.
"""

from __future__ import annotations

import statistics
import sys
import warnings
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from advisor.kb.models import Situation
from advisor.kb.situations import from_pairs, to_pairs
from advisor.present.text import advice_text
from advisor.present.textcheck import (
    READER_SITUATIONS,
    above_why_not,
    docx_text,
    html_text,
    odt_text,
    repeated_sentences,
    words,
)
from advisor.serve.app import create_app
from advisor.serve.service import Service

ROOT = Path(__file__).resolve().parents[1]
VIEWS = ("page", "page above why-not", "page above why-not, unfolded", "text", "text above why-not", "markdown", "docx", "odt")


def texts(client: TestClient, service: Service, query: str) -> dict[str, str]:
    situation = from_pairs(parse_qsl(query))
    text = advice_text(service.advisor.advise(situation), service.advisor.kb)
    page = html_text(client.get("/advies?" + query).text)
    unfolded = html_text(client.get("/advies?" + query).text, folded=False)
    return {"page": page, "page above why-not": above_why_not(page),
            "page above why-not, unfolded": above_why_not(unfolded), "text": text,
            "text above why-not": above_why_not(text), "markdown": client.get("/advies.md?" + query).text,
            "docx": docx_text(client.get("/advies.docx?" + query).content),
            "odt": odt_text(client.get("/advies.odt?" + query).content)}


def main(every: bool) -> None:
    service = Service(ROOT)
    client = TestClient(create_app(service=service))
    print(f"Words per view (kennisbank {service.advisor.kb.version})\n")
    print(f"| situation | {' | '.join(VIEWS)} | repeated sentences |")
    print(f"|---|{'---:|' * len(VIEWS)}---:|")
    repeats: dict[str, dict[str, int]] = {}
    for name, query in READER_SITUATIONS.items():
        found = texts(client, service, query)
        twice = {f"{view}: {s}": n for view, t in found.items() if "above" not in view
                 for s, n in repeated_sentences(t).items()}
        repeats[name] = twice
        print(f"| {name} | {' | '.join(str(words(found[v])) for v in VIEWS)} | {len(twice)} |")
    for name, twice in repeats.items():
        for sentence, n in twice.items():
            print(f"  {name}: {n}x {sentence}")
    if every:
        per_view: dict[str, list[int]] = {v: [] for v in VIEWS}
        repeated = 0
        scenarios = service.advisor.kb.scenarios
        for scenario in scenarios:
            query = urlencode(to_pairs(Situation.model_validate(scenario.situation)))
            found = texts(client, service, query)
            for view in VIEWS:
                per_view[view].append(words(found[view]))
            repeated += sum(len(repeated_sentences(t)) for v, t in found.items() if "above" not in v)
        print(f"\nThe {len(scenarios)} worked scenarios: words per view (median / max), "
              f"{repeated} repeated sentences in all")
        for view, counts in per_view.items():
            print(f"  {view}: {statistics.median(counts):.0f} / {max(counts)}")


if __name__ == "__main__":
    main("--all" in sys.argv[1:])

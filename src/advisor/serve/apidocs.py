"""Dutch descriptions for every property and schema of the OpenAPI document, for people who generate
clients from it (openapi-python-client, openapi-typescript).

Where the KB words a field, its words are used: a situation field gets its question's label and help
(knowledge/questions.yaml), an instrument field its display name (`labels.fields`). The rest is
below, by property name, or by `Schema.property` where one name means different things. A property a
model states its own description for keeps it. tests/test_openapi.py fails on any property left without.
"""

from __future__ import annotations

from typing import Any

# The meaning of a property wherever it appears (unless a `Schema.property` entry says otherwise).
PROPERTIES = {
    "kb_version": "Versie van de kennisbank (hash van de bestanden) waarop het antwoord berust.",
    "id": "Vaste sleutel, te gebruiken in links en in andere verzoeken.",
    "name": "Naam zoals het rapport die gebruikt.",
    "title": "Titel in een paar woorden.",
    "text": "Tekst in het advies, in het Nederlands.",
    "rationale": "Motivering van de regel, voor de juridisch adviseur.",
    "source": "Bron: rapportpagina en/of aangehaalde wetsartikelen.",
    "sources": "Per veld de bron, waar die afwijkt van de bron van het geheel.",
    "page": "Pagina in het rapport 'Zicht op sociale impact' (2022).",
    "articles": "Ids van de aangehaalde wetsartikelen (zie /api/v1/articles/{id}).",
    "instrument_field": "Bij een regel die een instrumentveld aanhaalt: dat veld, waarvan elk instrument zijn eigen "
                        "pagina noemt.",
    "kind": "Soort.",
    "when": "Voorwaarde op de situatie en afgeleide feiten, in de conditietaal van de regels.",
    "instruments": "Ids van de instrumenten.",
    "points": "Punten die de regel bij de score optelt (negatief: aftrek).",
    "score": "Totaal van de punten van alle regels die voor dit instrument vuurden.",
    "rank": "Plaats in de rangorde, vanaf 1.",
    "serves": "De opgegeven doelen die dit instrument dient.",
    "supersedes": "Ids van regels die deze regel opzij zet waar hij vuurt (de specifieke regel wint).",
    "off_topic": "Buiten het thema van de gebruiker: heft het dienen van een doel op.",
    "ranks_last": "Een harde grens van de gebruiker (geen budget): de instrumenten waarop de regel vuurt, komen "
                  "na alle andere, met de reden erbij.",
    "general": "Een algemene kanttekening: geldt voor het advies als geheel.",
    "review": "Beoordeling door een juridisch adviseur; ontbreekt als de regel niet beoordeeld is.",
    "by": "Wie de regel beoordeelde.",
    "on": "Datum van de beoordeling.",
    "hash": "Hash van de betekenis van de regel bij de beoordeling; wijkt die af, dan is de regel sindsdien gewijzigd.",
    "rule": "Id van de regel die dit opleverde (zie /api/v1/rules/{id}).",
    "legal_reference": "Het aangehaalde wetsartikel in woorden.",
    "reasons": "Redenen voor het instrument, met punten en bron.",
    "caveats": "Kanttekeningen: waar u op moet letten als u het instrument gebruikt.",
    "general_caveats": "Kanttekeningen bij het advies als geheel.",
    "recommendations": "De aanbevolen instrumenten, best passend eerst.",
    "not_recommended": "Elk ander instrument, met waarom niet.",
    "unmet_goals": "Opgegeven doelen die geen aanbevolen instrument dient, met de dichtstbijzijnde alternatieven.",
    "goal": "Het opgegeven doel.",
    "nearest": "Ids van de instrumenten die het dichtst in de buurt komen.",
    "situation": "De situatie zoals gelezen (alle velden, ook de niet opgegeven).",
    "derived": "Afgeleide feiten, zoals de geldende Europese drempel en of de opdracht daarboven ligt.",
    "trace": "De regels die vuurden, in volgorde: voor wie het advies wil nagaan.",
    "tie_break": "Hoe gelijke scores zijn gerangschikt.",
    "reference_date": "Peildatum voor drempels en andere gedateerde feiten (JJJJ-MM-DD); standaard vandaag.",
    "fit": "Per opgegeven antwoord hoe het instrument daaraan voldoet.",
    "next_steps": "De stappen van 'Aan de slag' voor dit instrument.",
    "why_not": "Waarom het instrument niet wordt aanbevolen.",
    "excluded": "Uitgesloten door een regel (anders: alleen lager gerangschikt).",
    "instrument": "Id van het instrument (zie /api/v1/instruments/{id}).",
    "question": "De vraag in de vragenlijst.",
    "answer": "Het veld van de situatie waarop het oordeel gaat.",
    "answer_text": "Het antwoord in woorden.",
    "verdict": "Oordeel: voldoet, deels, voldoet_niet of onbekend.",
    "reason": "Waarom, in een zin.",
    "value": "De waarde.",
    "label": "Weergavenaam in het Nederlands.",
    "fact": "Naam van het afgeleide feit.",
    "from_table": "De tabel (in legal.yaml) waaruit de waarde wordt gelezen.",
    "undecided": "Het feit dat wordt vastgesteld als de antwoorden de waarde in het midden laten.",
    "outside": "Het feit dat wordt vastgesteld als de peildatum in geen periode van de tabel valt.",
    "derive": "Wat de regel afleidt.",
    "order": "Volgnummer van het vuren.",
    "advices": "De adviezen, in de volgorde van de situaties.",
    "situations": "De situaties.",
    "counts": "Aantallen per soort onderdeel van de kennisbank.",
    "status": "Status.",
    "pong": "Altijd true.",
    "date": "De gevraagde datum.",
    "thresholds": "De drempelbedragen die op de datum gelden.",
    "amount_eur": "Bedrag in euro, exclusief btw.",
    "valid_from": "Eerste dag waarop het bedrag geldt.",
    "valid_to": "Laatste dag waarop het bedrag geldt.",
    "contract_types": "Soorten opdracht waarvoor het bedrag geldt.",
    "authorities": "Soorten aanbestedende dienst waarvoor het bedrag geldt.",
    "law": "De wet.",
    "article": "Het artikelnummer.",
    "description": "Beschrijving.",
    "url": "Link naar de wettekst.",
    "rules": "De regels.",
    "steps": "De stappen van de vragenlijst.",
    "questions": "De vragen.",
    "labels": "Weergavenamen voor wat de vragenlijst niet vraagt (velden en waarden van instrumenten).",
    "fields": "Per instrumentveld (pad) de weergavenaam.",
    "values": "Per waarde uit een vocabulaire de weergavenaam.",
    "field": "Het veld van de situatie dat de vraag vult.",
    "step": "Id van de stap.",
    "short": "Het veld als zelfstandig naamwoord, voor samenvattingen ('fase').",
    "help": "Uitleg bij de vraag of het antwoord.",
    "type": "Soort vraag: one, several, number, yesno, date of text.",
    "options": "De antwoordmogelijkheden.",
    "show_if": "Voorwaarde waaronder de vraag wordt getoond.",
    "intro": "Inleiding bij de stap.",
    "note": "Toelichting.",
    "inkoper": "Gebruik door de inkoper.",
    "contractmanager": "Gebruik door de contractmanager.",
    "beleidsmedewerker": "Gebruik door de beleidsmedewerker.",
    "opdrachtgever": "Voor de opdrachtgever.",
    "opdrachtnemer": "Voor de opdrachtnemer.",
    "capacity": "Benodigde capaciteit: laag, middel of hoog.",
    "expertise": "Benodigde expertise: laag, middel of hoog.",
    "aanbestedende_diensten": "Bereik onder aanbestedende diensten.",
    "ondernemers": "Bereik onder ondernemers.",
    "provinces": "Alleen in deze provincies.",
    "municipalities": "Alleen in deze gemeenten.",
    "social_enterprises_only": "Meet alleen sociale ondernemingen.",
    "pilot": "Nog in een proefperiode.",
    "single_theme": "Meet één thema.",
    "responsible": "Wie verantwoordelijk is.",
    "deliverables": "Wat inschrijvers en opdrachtnemers aanleveren.",
    "inschrijvers": "Wat inschrijvers aanleveren.",
    "opdrachtnemers": "Wat opdrachtnemers aanleveren.",
    "contract_monitoring": "Hoe de contractmanager het contract volgt.",
    "evidence": "Welk bewijs er is.",
    "registration": "Hoe de gegevens worden vastgelegd.",
    "indicators": "De indicatoren.",
    "policy_goals": "Of de indicatoren sociale beleidsdoelen uitwerken.",
    "detail": "Wat er mis is, in het Nederlands.",
    "instance": "Het pad van het verzoek.",
    "errors": "Elk probleem met het veld waarop het betrekking heeft.",
    "more_errors": "Hoeveel problemen er meer zijn dan hier genoemd.",
    "index": "Plaats van de situatie in het verzoek, vanaf 0.",
    "role_uses": "Hoe inkoper, contractmanager en beleidsmedewerker het instrument gebruiken.",
    "cost": "Kosten per partij, zoals de matrix van het rapport ze noemt.",
    "effort": "Benodigde capaciteit en expertise per partij.",
    "reach": "Bereik onder aanbestedende diensten en ondernemers.",
    "limits": "Beperkingen: regio's, alleen sociale ondernemingen, proefperiode, één thema.",
    "practice": "Hoe een inkoper of contractmanager het instrument gebruikt (rijen van de bijlage).",
    "tender_uses_allowed_when": "Voorwaarde op de situatie waaronder het beperkte gebruik in de aanbesteding mag.",
    "advice": "Het advies.",
    "problem": "Wat er mis is met deze situatie.",
}

# Where one name means something else in one schema.
BY_SCHEMA = {
    "Health.status": "`ok`, of `degraded` als een herlaadpoging mislukte of de bestandsbewaker stopte.",
    "Problem.status": "De HTTP-statuscode.",
    "Problem.title": "Het soort probleem in een paar woorden.",
    "Firing.kind": "Soort regel: derive, score, exclude, caveat of fit.",
    "Firing.instruments": "De instrumenten waarvoor de regel vuurde.",
    "InstrumentList.instruments": "Alle instrumenten.",
    "CitingRule.kind": "Soort regel: derive, score, exclude, caveat of fit.",
    "Derivation.value": "De waarde die het feit krijgt.",
    "Derivation.label": "Het feit in woorden.",
    "DerivedFact.name": "Naam van het afgeleide feit.",
    "DerivedFact.value": "De afgeleide waarde.",
    "DerivedFact.label": "Het feit in woorden.",
    "Undecided.label": "Het feit in woorden.",
    "Option.value": "De waarde zoals de API die leest.",
    "Option.label": "Het antwoord in woorden.",
    "Question.label": "De vraag.",
    "Question.source": "Rapportpagina waarop de vraag berust.",
    "Threshold.id": "Sleutel van het drempelbedrag.",
    "Threshold.label": "Het drempelbedrag in woorden.",
    "Fit.value": "Bij een lijstveld: de waarde waarop het oordeel gaat.",
    "FitRuleOut.value": "Bij een lijstveld: de waarde waarop het oordeel gaat.",
    "FitRuleOut.answer": "Het veld van de situatie dat de regel beoordeelt.",
    "FitRuleOut.verdict": "Het oordeel van de regel: voldoet, deels, voldoet_niet of onbekend.",
    "Fit.source": "Bron van het oordeel.",
    "NotRecommended.score": "Totaal van de punten, ook al wordt het instrument niet aanbevolen.",
    "Step.title": "Titel van de stap.",
    "NextStep.title": "De stap in een paar woorden.",
    "NextStep.text": "Wat u doet.",
    "Indicators.text": "De indicatoren in woorden; null als de bijlage er niets over zegt.",
    "PracticeRow.text": "In onze woorden wat de bijlage zegt; null als de bijlage er niets over zegt.",
    "PracticeRow.note": "Waarom `text` ontbreekt, of een toelichting.",
    "Indicators.note": "Waarom `text` ontbreekt, of een toelichting.",
    "SideEffort.note": "Toelichting op de inspanning.",
    "Limits.note": "Toelichting op de beperkingen.",
    "CostPair.opdrachtgever": "Kosten voor de opdrachtgever: X, € … €€€€, onbekend of n.v.t.",
    "CostPair.opdrachtnemer": "Kosten voor de opdrachtnemer: X, € … €€€€, onbekend of n.v.t.",
    "CostPair.paid_by": "Waar de bijlage de kosten bij een andere partij legt dan Tabel 1: die partij.",
    "CostPair.note": "Toelichting op de kosten: waar Tabel 1 en de bijlage verschillen, en welke lezing de kennisbank volgt.",
    "EffortPair.opdrachtgever": "Inspanning van de opdrachtgever.",
    "EffortPair.opdrachtnemer": "Inspanning van de opdrachtnemer.",
    "Advice.summary": "'Advies in het kort': wat een lezer eerst nodig heeft, in elke weergave hetzelfde.",
    "Summary.instruments": "De 1-3 instrumenten om te gebruiken, met hoe goed ze passen en wat u nu doet.",
    "Summary.warning": "De ene juridische kanttekening die hier het zwaarst weegt; null als er geen is.",
    "Summary.warning_instruments": "Ids van de instrumenten waarover die kanttekening gaat (leeg: het hele advies).",
    "Summary.unmet_goals": "Opgegeven doelen die geen aanbevolen instrument dient.",
    "Summary.contract_value": "De geraamde waarde zoals begrepen (\"€ 450.000\"), zodat een misverstaan bedrag opvalt.",
    "Summary.review": "Hoeveel regels van dit advies een juridisch adviseur beoordeelde.",
    "SummaryItem.fit": "Hoe goed het instrument past, in woorden (\"past bij 3 van uw 4 wensen\").",
    "SummaryItem.action": "Wat u nu doet: de eerste stap van 'Aan de slag' die iets van u vraagt.",
    "ReviewCount.reviewed": "Aantal regels van dit advies dat een juridisch adviseur goedkeurde (en nog goedkeurt).",
    "ReviewCount.rules": "Aantal regels dat voor dit advies vuurde.",
    "ReviewCount.text": "Dezelfde telling in een zin.",
}

# Schemas, in Dutch (a model's docstring is written for its maintainers, in English: it is replaced).
SCHEMAS = {
    "Advice": "Een gerangschikt en uitgelegd advies voor een situatie.",
    "CompactAdvice": "De compacte weergave van een advies: rangorde, redenen en kanttekeningen, zonder trace, "
                     "passendheid, stappen en waarom-niet.",
    "Situation": "Wat de gebruiker vertelt. Elk veld is optioneel: een ontbrekend veld betekent 'onbekend'.",
    "SituationInput": "Wat de gebruiker vertelt. Elk veld is optioneel: een ontbrekend veld betekent 'onbekend'.",
    "Problem": "Een probleemdocument (RFC 9457).",
    "Fit": "Hoe een instrument aan één antwoord van de gebruiker voldoet.",
    "NextStep": "Een stap van 'Aan de slag': wat u met het instrument doet, met pagina en kanttekeningen.",
    "UnmetGoal": "Een opgegeven doel dat geen aanbevolen instrument dient, met de dichtstbijzijnde alternatieven.",
    "BatchItem": "Het resultaat van één situatie uit een batch: een advies of een probleem, met haar index.",
    "CompactBatchItem": "Het resultaat van één situatie uit een batch: een compact advies of een probleem.",
    "Summary": "'Advies in het kort': de instrumenten, de belangrijkste juridische kanttekening, doelen zonder "
               "instrument, de geraamde waarde zoals begrepen en de beoordelingsregel.",
    "SummaryItem": "Een aanbevolen instrument in 'Advies in het kort'.",
    "ReviewCount": "Hoeveel regels achter dit advies juridisch zijn beoordeeld.",
}


def _label(text: str, help_text: str | None) -> str:
    text = text.strip()
    return f"{text} {help_text.strip()}" if help_text else text


def describe(document: dict[str, Any], kb: Any) -> dict[str, Any]:
    """Give every property and schema of `document` (an OpenAPI dict) a Dutch description, in place."""
    questions = {q.field: _label(q.label, q.help) for q in kb.questionnaire.questions}
    instrument_labels = {path: label for path, label in kb.questionnaire.labels.fields.items() if "." not in path}
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        schema.pop("description", None)
        if name in SCHEMAS:
            schema["description"] = SCHEMAS[name]
        for prop, value in schema.get("properties", {}).items():
            found = BY_SCHEMA.get(f"{name}.{prop}")
            if name in ("Situation", "SituationInput") and prop in questions:
                found = questions[prop] + (f" {value['description']}" if "description" in value else "")
            elif found is None and "description" in value:
                continue
            elif found is None and name == "InstrumentOut" and prop in instrument_labels:
                label = instrument_labels[prop]
                found = label[:1].upper() + label[1:] + "."
            found = found or PROPERTIES.get(prop)
            if found:
                value["description"] = found
    return document


def undescribed(document: dict[str, Any]) -> list[str]:
    """'Schema.property' for every property without a description (the test lists them)."""
    return [f"{name}.{prop}" for name, schema in document.get("components", {}).get("schemas", {}).items()
            for prop, value in schema.get("properties", {}).items() if not value.get("description")]

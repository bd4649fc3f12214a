"""Closed vocabularies shared by the knowledge base, the rules and the situation.

Values are the report's Dutch terms (slugs); identifiers stay English.
"""

from typing import Literal, get_args

Kind = Literal[
    "meetinstrument", "methode", "monitorinstrument", "sr-invulling", "handleiding", "keurmerk", "register"
]
Theme = Literal["arbeidsparticipatie", "meerdere_themas", "diversiteit_inclusie", "impact_first"]
Mode = Literal["meten", "monitoren"]
Level = Literal["input", "output", "outcome", "impact"]
Party = Literal["opdrachtnemer", "opdrachtgever", "onafhankelijk"]
ValueForm = Literal[
    "monetair", "kwalitatief", "kwantitatief", "pso_trede", "certificaat", "registratie", "rikx",
    "impactpakket", "sr_realisatie", "mvi_score", "waarde_door_opdrachtgever",
]
Phase = Literal["voorbereiding", "aanbesteding", "uitvoering"]
TenderUse = Literal[
    "geschiktheidseis", "selectie_shortlist", "gunningscriterium", "bijzondere_uitvoeringsvoorwaarde",
    "voorbehouden_opdracht", "sr_invulling",
]
Cost = Literal["X", "€", "€€", "€€€", "€€€€", "onbekend", "n.v.t."]
Effort = Literal["laag", "middel", "hoog", "n.v.t.", "onbekend"]
Tri = Literal["ja", "nee", "beperkt", "onbekend"]
# Who checks the data an instrument reports on (ch. 4 "Wie meet de impact?", p. 16).
DataCheck = Literal["zelf_aangeleverd", "beoordeeld_niet_geaudit", "geaudit", "gemeten_door_derde",
                    "gecontroleerd_door_opdrachtgever", "opdrachtgever_zelf", "onbekend"]
Province = Literal[
    "groningen", "friesland", "drenthe", "overijssel", "flevoland", "gelderland", "utrecht",
    "noord-holland", "zuid-holland", "zeeland", "noord-brabant", "limburg",
]

# Situation vocabularies (the input contract of the rules engine).
Role = Literal["inkoper", "contractmanager", "beleidsmedewerker", "social_return_coordinator", "jurist"]
SituationTheme = Literal["arbeidsparticipatie", "diversiteit_inclusie", "brede_impact"]
Goal = Literal[
    "inschrijvers_vergelijken", "sociale_ondernemers_herkennen", "voorbehouden_opdracht", "sr_monitoren",
    "alternatieve_sr_invulling", "sr_waarderen", "ontwikkeling_medewerkers", "waarde_in_euro",
    "eigen_mvi_prestaties", "impact_meten",
]
MeasuredBy = Party
Supplier = Literal["sociale_onderneming", "regulier", "onbekend"]
Procedure = Literal["europees", "nationaal", "meervoudig_onderhands", "enkelvoudig_onderhands"]
Authority = Literal["centraal", "decentraal"]
ContractType = Literal["werken", "leveringen", "diensten", "sociale_diensten"]
Budget = Literal["geen", "beperkt", "ruim"]
# The part of procurement law the contract falls under: advisor models the classic regime (Deel 2 and
# the national rules below the thresholds) and says so plainly for the others.
Regime = Literal["klassiek", "speciale_sectoren", "concessie", "defensie_veiligheid"]
# Whether the contract (or the draft tender) already holds a social-return clause, and whether that
# clause allows fulfilment other than own jobs (social purchasing, Rikx, Impactpakket, a PSO step).
SrClause = Literal["nee", "ja", "ja_met_alternatieven"]
# How an instrument meets one answer of the user (issue "fit per stated need").
Verdict = Literal["voldoet", "deels", "voldoet_niet", "onbekend"]


def values(literal: object) -> tuple[str, ...]:
    """The allowed values of a Literal vocabulary, in declaration order."""
    return get_args(literal)

"""Pydantic models of the knowledge base (instruments, glossary, legal facts, questionnaire) and the situation;
the rules are in `rule_models`, the advice in `advice`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .vocab import (
    Authority,
    Budget,
    ContractType,
    Cost,
    DataCheck,
    Effort,
    Goal,
    Kind,
    Level,
    MeasuredBy,
    Mode,
    Party,
    Phase,
    Procedure,
    Province,
    Regime,
    Role,
    SituationTheme,
    SrClause,
    Supplier,
    TenderUse,
    Theme,
    Tri,
    ValueForm,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    page: Optional[int] = Field(default=None, ge=1, le=75)
    articles: tuple[str, ...] = ()
    # On a rule whose text quotes an instrument field: the page is that field's page of each
    # instrument (its `sources` entry), so every explanation cites its own page.
    instrument_field: Optional[str] = None

    @model_validator(mode="after")
    def _cites_something(self) -> "Source":
        if self.page is None and not self.articles and not self.instrument_field:
            raise ValueError("a source needs a report page, an article or an 'instrument_field'")
        return self


class PageSource(Strict):
    page: int = Field(ge=1, le=75)


# ---------------------------------------------------------------- instruments

class RoleUses(Strict):
    inkoper: Optional[str]
    contractmanager: Optional[str]
    beleidsmedewerker: Optional[str]


class CostPair(Strict):
    opdrachtgever: Cost
    opdrachtnemer: Cost
    # Where the appendix puts the cost with another party than Table 1 suggests (the Social Return
    # Monitor Noord-Nederland: the arbeidsmarktregio, p. 61): who pays, and the note recording both.
    paid_by: Optional[str] = None
    note: Optional[str] = None


class SideEffort(Strict):
    capacity: Effort
    expertise: Effort
    note: Optional[str]


class EffortPair(Strict):
    opdrachtgever: SideEffort
    opdrachtnemer: SideEffort


class Reach(Strict):
    aanbestedende_diensten: str
    ondernemers: str


class Limits(Strict):
    provinces: tuple[Province, ...] = ()
    municipalities: tuple[str, ...] = ()
    social_enterprises_only: bool
    pilot: bool
    single_theme: bool
    note: Optional[str]


class PracticeRow(Strict):
    """One practical row of the appendix, in our words; `text` null (with a note) where it is silent."""
    text: Optional[str]
    note: Optional[str] = None
    page: int = Field(ge=1, le=75)

    @model_validator(mode="after")
    def _said_or_why_not(self) -> "PracticeRow":
        if not self.text and not self.note:
            raise ValueError("give 'text', or 'text: null' with a 'note' that the appendix says nothing here")
        return self


class Indicators(PracticeRow):
    policy_goals: Tri          # do the indicators operationalise social policy goals?


class Deliverables(Strict):
    inschrijvers: PracticeRow
    opdrachtnemers: PracticeRow


class Practice(Strict):
    """How an inkoper or contract manager uses the instrument (appendix 'inkoopfase'/'contractfase' rows)."""
    responsible: PracticeRow
    deliverables: Deliverables
    contract_monitoring: PracticeRow
    evidence: PracticeRow
    registration: PracticeRow
    indicators: Indicators


class Instrument(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str
    kinds: tuple[Kind, ...] = Field(min_length=1)
    provider: Optional[str] = None
    description: str
    themes: tuple[Theme, ...] = Field(min_length=1)
    modes: tuple[Mode, ...] = Field(min_length=1)
    measures: str
    levels: tuple[Level, ...] = Field(min_length=1)
    levels_note: Optional[str] = None
    measured_by: tuple[Party, ...] = Field(min_length=1)
    measured_by_body: Optional[str] = None
    value_forms: tuple[ValueForm, ...] = Field(min_length=1)
    value_note: str
    phases: tuple[Phase, ...] = Field(min_length=1)
    phases_figure2: tuple[Phase, ...]
    phases_appendix: tuple[Phase, ...]
    phases_note: Optional[str]
    tender_uses: tuple[TenderUse, ...]
    tender_uses_limited: tuple[TenderUse, ...] = ()   # uses the report allows only in some procedures
    tender_uses_note: Optional[str] = None            # ... and where (Dutch, shown as a caveat)
    tender_uses_allowed_when: Optional[dict[str, Any]] = None   # ... as a condition on the situation
    role_uses: RoleUses
    cost: CostPair
    effort: EffortPair
    reach: Reach
    limits: Limits
    comparable: Tri
    comparable_note: Optional[str]
    verification: Tri
    data_check: DataCheck
    data_check_note: str
    bundling: Tri
    banenafspraak: Tri
    banenafspraak_note: Optional[str]
    diversity: Tri
    diversity_note: Optional[str]
    practice: Practice
    strengths: tuple[str, ...] = Field(min_length=1)
    weaknesses: tuple[str, ...] = Field(min_length=1)
    source: PageSource
    sources: dict[str, PageSource] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _phases_explained(self) -> "Instrument":
        if set(self.phases_figure2) != set(self.phases_appendix) and not self.phases_note:
            raise ValueError("figure 2 and the appendix disagree on the phases: 'phases_note' must say "
                             "which one the KB follows and why")
        stray = sorted(set(self.tender_uses_limited) - set(self.tender_uses))
        if stray:
            raise ValueError(f"'tender_uses_limited' names uses missing from 'tender_uses': {', '.join(stray)}")
        if not (bool(self.tender_uses_limited) == bool(self.tender_uses_note) == bool(self.tender_uses_allowed_when)):
            raise ValueError("'tender_uses_limited', 'tender_uses_note' and 'tender_uses_allowed_when' go "
                             "together: the note says in words, the condition on the situation, where the "
                             "limited uses are allowed")
        return self

    @field_validator("sources")
    @classmethod
    def _known_fields(cls, value: dict[str, PageSource]) -> dict[str, PageSource]:
        unknown = sorted(set(value) - set(cls.model_fields) - {"id"})
        if unknown:
            raise ValueError(f"'sources' names unknown fields: {', '.join(unknown)}")
        return value

    def page_of(self, field: str) -> int:
        """The report page that backs one field (its own entry in `sources`, else the section page)."""
        return self.sources.get(field, self.source).page

    def attribute(self, path: str) -> Any:
        value: Any = self
        for part in path.split("."):
            value = getattr(value, part)
        return value


# ---------------------------------------------------------------- glossary and legal facts

class Term(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+([-_][a-z0-9]+)*$")
    term: str
    definition: str
    see_also: tuple[str, ...] = ()
    source: PageSource


class Article(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+([-.][a-z0-9]+)*$")
    law: str
    article: str
    title: str
    description: str
    url: Optional[str] = None


class Threshold(Strict):
    id: str
    contract_types: tuple[ContractType, ...] = Field(min_length=1)
    authorities: tuple[Authority, ...] = Field(min_length=1)
    amount_eur: int = Field(gt=0)
    valid_from: dt.date
    valid_to: dt.date
    label: str
    source: Source

    @model_validator(mode="after")
    def _period(self) -> "Threshold":
        if self.valid_to < self.valid_from:
            raise ValueError("'valid_to' lies before 'valid_from'")
        return self


class Legal(Strict):
    articles: tuple[Article, ...]
    thresholds: tuple[Threshold, ...]


# ---------------------------------------------------------------- questionnaire

QuestionType = Literal["one", "several", "number", "yesno", "date", "text"]


class Option(Strict):
    value: str
    label: str
    help: Optional[str] = None


class Question(Strict):
    field: str
    step: str
    label: str
    short: Optional[str] = None      # the field as a noun, for summaries and conditions ("fase")
    help: Optional[str] = None
    type: QuestionType
    options: tuple[Option, ...] = ()
    show_if: Optional[dict[str, Any]] = None
    source: Optional[PageSource] = None


class Step(Strict):
    id: str
    title: str
    intro: Optional[str] = None


class Labels(Strict):
    """Dutch display names for what the questionnaire does not ask about (web catalogue, rules page)."""
    fields: dict[str, str] = Field(default_factory=dict)   # instrument attribute path -> name
    values: dict[str, str] = Field(default_factory=dict)   # vocabulary slug -> label


class Questionnaire(Strict):
    steps: tuple[Step, ...]
    questions: tuple[Question, ...]
    labels: Labels = Field(default_factory=Labels)


# ---------------------------------------------------------------- situation and advice

# C0 and C1 control characters (CR, LF and tab included), DEL, and the Unicode line and paragraph
# separators: free text may hold none (situations.CONTROL); written so that Python's `re` and JSON Schema
# (ECMA-262) read the same class.
CONTROL_CHARACTERS = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029"


@dataclass(frozen=True)
class Treatment:
    """What a field's type does not say, marked in its `Annotated` metadata and read by `fields`
    (FieldSpec.money, FieldSpec.free_text) for the compiler, the texts and the input checks."""
    money: bool = False       # an amount in euros: reads '€ 450.000'
    free_text: bool = False   # typed by the user: compared without regard to case ('Rotterdam' is
    #                           'rotterdam'), quoted as written, and free of control characters

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        """Free text in the published contract: a string without control characters."""
        schema = handler(core_schema)
        if self.free_text:
            for branch in schema.get("anyOf", [schema]):
                if branch.get("type") == "string":
                    branch["pattern"] = f"^[^{CONTROL_CHARACTERS}]*$"
            schema["description"] = "Vrije tekst, zonder stuurtekens of regeleinden."
        return schema


MONEY = Treatment(money=True)
FREE_TEXT = Treatment(free_text=True)


class Situation(BaseModel):
    """What the user tells us. Every field is optional: a missing field means 'unknown'."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phase: Optional[Phase] = None
    role: Optional[Role] = None
    themes: tuple[SituationTheme, ...] = ()
    goals: tuple[Goal, ...] = ()
    levels: tuple[Level, ...] = ()
    measured_by: Optional[MeasuredBy] = None
    supplier: Optional[Supplier] = None
    province: Optional[Province] = None
    municipality: Annotated[Optional[str], FREE_TEXT] = Field(default=None, min_length=1, max_length=100)
    procedure: Optional[Procedure] = None
    # Strict: a number or a yes/no answer is never read from a string ('450.000' is not 450.0); text
    # input goes through textvalues.typed_value first.
    contract_value_eur: Annotated[Optional[float], MONEY] = Field(default=None, ge=0, le=1e12, strict=True)
    contracting_authority: Optional[Authority] = None
    contract_type: Optional[ContractType] = None
    banenafspraak: Optional[bool] = Field(default=None, strict=True)
    budget_opdrachtgever: Optional[Budget] = None
    regime: Optional[Regime] = None
    sr_clause: Optional[SrClause] = None
    services_art_2_82a: Optional[bool] = Field(default=None, strict=True)
    cross_border_interest: Optional[bool] = Field(default=None, strict=True)
    reference_date: Optional[dt.date] = None

    @field_validator("themes", "goals", "levels")
    @classmethod
    def _dedupe(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value))

    @field_validator("municipality")
    @classmethod
    def _strip(cls, value: Optional[str]) -> Optional[str]:
        return value.strip() or None if value is not None else None


# ---------------------------------------------------------------- next steps (knowledge/next_steps.yaml)

Row = Literal["responsible", "deliverables.inschrijvers", "deliverables.opdrachtnemers", "contract_monitoring",
              "evidence", "registration", "indicators"]


class StepSpec(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    phases: tuple[Phase, ...] = Field(min_length=1)
    title: str
    row: Optional[Row] = None          # the practice row the step tells
    tender_uses: bool = False          # the step lists where in the tender the instrument may go
    effort: Optional[Literal["opdrachtgever", "opdrachtnemer"]] = None   # add what it asks of that side
    caveats: tuple[str, ...] = ()      # rule ids whose caveats on the instrument sit beside this step

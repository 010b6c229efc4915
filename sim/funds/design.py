"""Fund design files: funds, their budgets, allocation and instruments (plain data, validated).

A design is a TOML file (``scenarios/funds/<name>.toml``) with one or more ``[[funds]]``,
each with ``[[funds.instruments]]``. Designs are data: comparing a new design needs no code.
Parameters follow the published fund rules listed in docs/sources.md ("Public funds").
"""

# No ``from __future__ import annotations``: pydantic would evaluate each field's annotation from its
# string when the classes are created (~45 fields, a few ms per command that loads a fund design;
# sim/scenario/schema.py: ~0.01 s. docs/performance.md, sixth session).
import difflib
from pathlib import Path
from typing import Literal

from pydantic import Field, SerializeAsAny, ValidationError, field_validator
from pydantic_core import InitErrorDetails

from sim.errors import InputError
from sim.funds.instrument_base import INSTRUMENTS, InstrumentParams
from sim.scenario.errors import from_validation_error
from sim.scenario.loader import read_toml
from sim.scenario.schema import P, Strict

ITEMS = Literal["acquisition", "demolition", "remediation", "site_preparation", "infrastructure",
                "public_transport", "plan_costs", "contingency"]


class DeficitGrant(InstrumentParams):
    """Grant on the public deficit of an area (Woningbouwimpuls-like), paid to the municipality."""

    type: Literal["deficit_grant"]
    max_share_of_deficit: float = P(0.5, "fraction", "sources.md#wbi: WBI pays at most 50 % of the deficit",
                                    "Largest share of the municipality's expected deficit granted.", gt=0, le=1)
    min_affordable_share: float = P(0.5, "fraction", "sources.md#wbi: WBI ≥ 50 % affordable",
                                    "Affordable share (social + mid-rent) an area must apply with and keep in every "
                                    "deal after the award.", ge=0, le=1)
    min_homes: int = P(500, "homes", "sources.md#wbi: WBI at least 500 homes (200 from tranche 6)",
                       "Smallest eligible area.", ge=0, le=1_000_000)
    first_start_within_years: float = P(3.0, "years", "sources.md#wbi: WBI first start within 3 years of award",
                                        "Deadline for the first construction start.", gt=0, le=50)
    last_start_within_years: float = P(10.0, "years", "sources.md#wbi: WBI last start within 10 years",
                                       "Deadline for the last construction start.", gt=0, le=50)
    max_award: float = P(50e6, "€", "assumption: WBI awards were up to tens of millions",
                         "Largest single award.", gt=0, le=1e11)
    co_financing_share: float = P(0.5, "fraction of the grant", "sources.md#wbi-conditions: co-governments "
                                  "co-finance at least 50 % of the state contribution",
                                  "Share of the grant the municipality must put in from its own reserves; it applies "
                                  "only while its budget left covers it.", ge=0, le=10)
    clawback_share: float = P(1.0, "fraction of the grant paid", "sources.md#wbi-conditions: a specific grant "
                              "whose conditions are not met is set lower and reclaimed",
                              "Share of the money paid that the fund reclaims when the agreed programme breaks a "
                              "condition (affordable share below the minimum).", ge=0, le=1)


class StartSubsidy(InstrumentParams):
    """€ per home when construction starts before a deadline (Startbouwimpuls-like), paid to the builders."""

    type: Literal["start_subsidy"]
    per_home: float = P(10000.0, "€/home", "sources.md#startbouwimpuls: ≈ €10,000 per home on average",
                        "Subsidy per home started.", ge=0, le=1e6)
    cap_per_home: float = P(12500.0, "€/home", "sources.md#startbouwimpuls: capped at €12,500 per home", "Cap per home.",
                            ge=0, le=1e6)
    min_homes: int = P(10, "homes", "sources.md#startbouwimpuls: ≥ 10 homes", "Smallest eligible phase.", ge=0, le=1_000_000)
    min_affordable_share: float = P(0.5, "fraction", "sources.md#startbouwimpuls: ≥ 50 % affordable",
                                    "Affordable share a phase must have.", ge=0, le=1)
    start_within_years: float = P(2.0, "years", "sources.md#startbouwimpuls: start within about two years",
                                  "Deadline for the start after the award.", gt=0, le=50)
    only_waiting_phases: bool = P(True, "-", "assumption: the scheme is for projects at risk of stalling under higher "
                                  "costs and rates (sources.md#startbouwimpuls); screened here as 'no go yet'",
                                  "Fund only phases ready to start that do not yet have the developer's go.")


class RevolvingLoan(InstrumentParams):
    """Subordinated, interest-only loan for pre-investment (SVn transformation facility-like)."""

    type: Literal["revolving_loan"]
    max_share_of_financing: float = P(0.45, "fraction", "sources.md#svn-transformatiefaciliteit: each lender at most 45 % of financing",
                                      "Largest share of a phase's land and construction outlay lent.",
                                      gt=0, le=1)
    max_loan: float = P(3.5e6, "€", "sources.md#svn-transformatiefaciliteit: loans of €1-3.5 M", "Largest loan per phase.", gt=0, le=1e11)
    term_years: float = P(5.0, "years", "sources.md#svn-transformatiefaciliteit: term ≤ 5 years", "Term; repaid at transfer or at term.",
                          gt=0, le=30)
    interest_rate: float = P(0.03, "fraction/yr", "assumption: near the bond rate, below developer debt",
                             "Interest (paid quarterly).", ge=0, le=0.3)
    min_equity_share: float = P(0.10, "fraction", "sources.md#svn-transformatiefaciliteit: developer equity ≥ 10 %",
                                "Developer equity required (share of its credit limit still unused).", ge=0, le=1)


class SalesGuarantee(InstrumentParams):
    """Lowers the presale threshold; the fund buys homes unsold at completion at a discount."""

    type: Literal["sales_guarantee"]
    presale_threshold: float = P(0.5, "fraction", "sources.md#sales-guarantee: a guarantee would allow starting at 50 %",
                                 "Presale threshold for guaranteed phases.", ge=0, le=1)
    purchase_discount: float = P(0.10, "fraction of price", "assumption",
                                 "Discount at which the fund buys unsold homes.", ge=0, le=1)
    resale_after_quarters: int = P(4, "quarters", "assumption", "When the fund resells the homes it bought.",
                                   ge=0, le=400)
    fee_share: float = P(0.01, "fraction of guaranteed value", "assumption",
                         "Fee the developer pays for the guarantee.", ge=0, le=0.5)


class LandRiskSharing(InstrumentParams):
    """State shares the risk of municipal strategic land purchases (Rijksgrondfaciliteit-like)."""

    type: Literal["land_risk_sharing"]
    share: float = P(0.5, "fraction of acquisition cost", "assumption: sources.md#rijksgrondfaciliteit "
                     "(€390 M over 4 years)", "Share of the acquisition cost the fund covers against loss.",
                     gt=0, le=1)


class LandBank(InstrumentParams):
    """Buys developers' land positions early and holds them through a downturn; sells back at cost."""

    type: Literal["land_bank"]
    markup: float = P(0.0, "fraction/yr", "assumption: at cost, plus this yearly holding charge",
                      "Yearly charge on the position when sold back.", ge=0, le=0.3)


class RegionalFund(InstrumentParams):
    """Regional cross-subsidy: a levy on land revenues of profitable areas covers deficits elsewhere."""

    type: Literal["regional_cross_subsidy"]
    levy_share: float = P(0.3, "fraction of land revenue", "assumption: legally fragile (sources.md#omgevingswet-kostenverhaal)",
                          "Share of land revenue of areas in surplus paid into the fund.", ge=0, le=1)
    max_share_of_deficit: float = P(0.5, "fraction", "assumption", "Largest share of a deficit covered.",
                                    gt=0, le=1)


class Countercyclical(InstrumentParams):
    """In a crash the fund buys presale contracts (homes) so phases can start."""

    type: Literal["countercyclical_purchase"]
    homes_per_quarter: float = P(100.0, "homes/quarter per region", "assumption",
                                 "Homes the fund buys per region per crash quarter.", ge=0, le=1e6)
    discount: float = P(0.1, "fraction of price", "assumption", "Discount on the purchase price.", ge=0, le=1)
    resale_after_quarters: int = P(8, "quarters", "assumption", "When the fund resells (after completion).",
                                   ge=0, le=400)


class Earmarked(InstrumentParams):
    """Earmarked co-funding (e.g. mobility, energy transition) of specific public works."""

    type: Literal["earmarked_cofunding"]
    items: list[ITEMS] = P(["public_transport"], "-", "sources.md#design-choice: earmarked money for mobility, energy",
                           "Public-works items co-funded.")
    share: float = P(0.5, "fraction", "assumption", "Share of those items the fund pays.", gt=0, le=1)
    min_homes: int = P(1000, "homes", "assumption", "Smallest eligible area.", ge=0, le=1_000_000)


class FundSpec(Strict):
    """One fund: who runs it, its budget, how it allocates, and its instruments."""

    name: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    level: Literal["state", "province", "region"] = P("state", "-", "sources.md#design-choice", "Who runs the fund.")
    budget: float = P(..., "€", "sources.md#wbi, #svn-transformatiefaciliteit: WBI tranches of €0.3-1 bn; SVn €76 M", "Total budget.",
                      ge=0, le=1e12)
    allocation: Literal["tranches", "first_come", "continuous"] = P(
        "tranches", "-", "sources.md#wbi: WBI tranches after ranking", "How applications are decided.")
    tranche_years: list[float] = P([0.0, 2.0, 4.0, 6.0], "years after start", "sources.md#wbi: WBI tranches",
                                   "When tranches open (allocation = 'tranches').")
    regions: list[str] = P([], "-", "-", "Regions served (empty = all).")
    pool: bool = P(False, "-", "sources.md#design-choice: pooling earmarked budgets", "Pool the instruments' money for one "
                   "area: awards go to the highest-ranked area first until it is fully served.")
    instruments: list[SerializeAsAny[InstrumentParams]] = Field(
        min_length=1, json_schema_extra={"plugins": INSTRUMENTS.classes})

    @field_validator("instruments", mode="before")
    @classmethod
    def _each_by_its_type(cls, value):
        """Validate each instrument with the parameter model of its registered ``type``."""
        if not isinstance(value, list):
            return value
        out, errors = [], []
        for i, entry in enumerate(value):
            if isinstance(entry, InstrumentParams):
                out.append(entry)
                continue
            kind = entry.get("type") if isinstance(entry, dict) else None
            plugin = INSTRUMENTS.classes().get(kind) if isinstance(kind, str) else None
            if plugin is None:
                errors.append(InitErrorDetails(type="literal_error", loc=(i, "type"), input=kind,
                                               ctx={"expected": ", ".join(map(repr, INSTRUMENTS.names()))}))
                continue
            try:
                out.append(plugin.Params.model_validate(entry))
            except ValidationError as exc:
                errors.extend(InitErrorDetails(type=e["type"], loc=(i, *e["loc"]), input=e["input"],
                                               ctx=e.get("ctx", {})) for e in exc.errors())
        if errors:
            raise ValidationError.from_exception_data("instruments", errors)
        return out


class FundDesign(Strict):
    """A fund design file."""

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = Field("", max_length=2000)
    funds: list[FundSpec] = Field(default_factory=list)


NO_FUND = FundDesign(name="none", description="No public fund (the baseline).")


def designs_dir() -> Path:
    """The shipped designs folder of a source checkout."""
    return Path(__file__).resolve().parents[2] / "scenarios" / "funds"


def load_design(name_or_path: str, base: Path | None = None, field: str = "funds.design",
                source: str = "") -> FundDesign:
    """A fund design by name (``scenarios/funds/<name>.toml``) or path; 'none' is the baseline."""
    if name_or_path == "none":
        return NO_FUND
    candidates = [Path(name_or_path)]
    if base is not None:
        candidates.append(base / name_or_path)
    candidates.append(designs_dir() / f"{name_or_path}.toml")
    path = next((c for c in candidates if c.is_file()), None)
    if path is None:
        shipped = sorted(p.stem for p in designs_dir().glob("*.toml"))
        allowed = "none, " + ", ".join(shipped) + " or a path to a design file"
        looks_like_a_path = "/" in name_or_path or "\\" in name_or_path or name_or_path.endswith(".toml")
        stem = Path(name_or_path).stem
        if looks_like_a_path:
            hint = f" (did you mean the shipped design {stem!r}?)" if stem in shipped else ""
            raise InputError(source, field, name_or_path, allowed, problem="file not found" + hint)
        near = difflib.get_close_matches(name_or_path, shipped, n=1, cutoff=0.6)
        raise InputError(source, field, name_or_path, allowed, problem="no such fund design"
                         + (f" (did you mean {near[0]!r}?)" if near else ""))
    data = read_toml(path)
    try:
        design = FundDesign.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(str(path), exc, FundDesign) from None
    check_design_rules(design, str(path))
    return design


def check_design_rules(design: FundDesign, source: str) -> None:
    """Rules across the fields of a design (types and ranges are checked by the schema).

    Safe, unique fund names (budgets of funds with the same name would merge), tranche dates
    when allocation is by tranches, a start subsidy no higher than its cap, deadlines in order.
    """
    from sim.scenario.names import check_name

    check_name(source, "name", design.name)
    seen: set[str] = set()
    for i, fund in enumerate(design.funds):
        where = f"funds[{i}]"
        check_name(source, f"{where}.name", fund.name)
        if fund.name in seen:
            raise InputError(source, f"{where}.name", fund.name, "a name not used by another fund of the design",
                             problem="duplicate fund name")
        seen.add(fund.name)
        if fund.allocation == "tranches" and not fund.tranche_years:
            raise InputError(source, f"{where}.tranche_years", [], "at least one year when allocation = 'tranches'",
                             problem="no tranches")
        for t in fund.tranche_years:
            if not 0 <= t <= 100:
                raise InputError(source, f"{where}.tranche_years", list(fund.tranche_years),
                                 "years after the start, each 0..100", problem=f"{t:g} is out of range")
        if list(fund.tranche_years) != sorted(fund.tranche_years):
            raise InputError(source, f"{where}.tranche_years", list(fund.tranche_years), "years in increasing order",
                             problem="not in order")
        for k, instrument in enumerate(fund.instruments):
            here = f"{where}.instruments[{k}]"
            if isinstance(instrument, StartSubsidy) and instrument.per_home > instrument.cap_per_home:
                raise InputError(source, f"{here}.per_home", instrument.per_home,
                                 f"at most cap_per_home = {instrument.cap_per_home:g}", problem="above the cap")
            if isinstance(instrument, DeficitGrant) and \
                    instrument.first_start_within_years > instrument.last_start_within_years:
                raise InputError(source, f"{here}.first_start_within_years", instrument.first_start_within_years,
                                 f"at most last_start_within_years = {instrument.last_start_within_years:g}",
                                 problem="deadlines out of order")


def check_design_for(design: FundDesign, scenario, source: str, field: str) -> None:
    """Rules that tie a design to the scenario it runs in: known regions, tranches within the horizon.

    ``source``/``field``: where the user named the design (e.g. the scenario's ``funds.design``
    or ``--fund``), shown before the design file's own field.
    """
    regions = {r.name for r in scenario.regions}
    for i, fund in enumerate(design.funds):
        for region in fund.regions:
            if region not in regions:
                raise InputError(source, f"{field} ({design.name}) funds[{i}].regions", region,
                                 "a region of the scenario: " + ", ".join(sorted(regions)), problem="unknown region")
        late = [t for t in fund.tranche_years if t >= scenario.horizon_years]
        if fund.allocation == "tranches" and len(late) == len(fund.tranche_years):
            raise InputError(source, f"{field} ({design.name}) funds[{i}].tranche_years", list(fund.tranche_years),
                             f"at least one tranche before the horizon ({scenario.horizon_years} years)",
                             problem="no tranche opens during the run")

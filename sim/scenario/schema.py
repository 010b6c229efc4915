"""The scenario schema: every field with its unit, range and source.

A scenario file (TOML) describes one world: the market, the regions, the area
archetypes and areas, the actors, the cooperation model and the fund design.
Pydantic checks types and ranges and forbids unknown keys; cross-field rules
(programme shares summing to one, phases no larger than the area, names that
refer to each other) are checked in :mod:`sim.scenario.consistency`.

`scenarios/README.md` is generated from this module (``python tools/gen_scenario_docs.py``),
so the documentation cannot drift from the code.

Money is in nominal euros of the scenario's start year; rates are fractions per
year unless the name says otherwise; durations are in quarters.
"""

# No ``from __future__ import annotations``: pydantic would evaluate each field's annotation from its
# string when the classes are created (~170 fields; the string form costs every command that
# imports the schema ~0.01 s: docs/performance.md, sixth session).
import functools
import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SEGMENTS: tuple[str, ...] = ("social", "mid_rent", "free_rent", "owner_occupied")
"""Housing segments, in a fixed order used by every array in the model."""

REGIMES: tuple[str, ...] = ("expansion", "slowdown", "crash")
"""Market regimes, in a fixed order (index 0, 1, 2)."""

STAGES: tuple[str, ...] = (
    "preparation",
    "zoning",
    "appeal",
    "acquisition",
    "remediation",
    "site_preparation",
    "marketing",
    "construction",
    "transfer",
    "done",
)
"""Lifecycle stages of a phase, in order. ``marketing`` is the wait for presales and a go."""


def P(default: Any, unit: str, source: str, description: str, **constraints: Any) -> Any:
    """A documented scenario parameter: default, unit, source and allowed range."""
    return Field(
        default,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
        **constraints,
    )


@functools.cache
def _tuple_fields(cls: type[BaseModel]) -> frozenset[str]:
    return frozenset(name for name, info in cls.model_fields.items()
                     if typing.get_origin(info.annotation) is tuple)


class Strict(BaseModel):
    """Base for all scenario sections: unknown keys are errors, values are immutable.

    Strict types: no text-to-number coercion ("30"), no booleans as numbers, no floats as
    integers; every number must be finite (no nan or inf).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, strict=True, allow_inf_nan=False,
                              defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _arrays_as_tuples(cls, data: Any) -> Any:
        """TOML and JSON have arrays, not tuples: accept a list where a fixed-length tuple is wanted."""
        fixed = _tuple_fields(cls)
        if fixed and isinstance(data, dict) and any(isinstance(data.get(k), list) for k in fixed):
            data = {k: tuple(v) if k in fixed and isinstance(v, list) else v for k, v in data.items()}
        return data


# --------------------------------------------------------------------------- market
class RegimeParams(Strict):
    """Behaviour of the market while it is in one regime (the regime moves credit, sentiment and spreads;
    prices follow borrowing capacity, see docs/market.md)."""

    price_growth: float = P(0.0, "fraction/yr", "calibrated to the Dutch cycle, docs/market.md; DNB WP 447: "
                            "tighter credit explains nearly half of the 2009-2012 fall",
                            "Drift of credit conditions and sentiment while in this regime (moves the "
                            "fundamental price level; reverts when the regime ends).", ge=-0.5, le=0.5)
    price_volatility: float = P(0.02, "fraction/yr (sd)", "calibrated, docs/market.md",
                                "Standard deviation of yearly house-price shocks in this regime.",
                                ge=0.0, le=0.5)
    absorption: float = P(1.0, "multiple of regional base absorption",
                          "calibrated: NEPROM new-build sales fell from 40,000+/yr before 2008 to 13,500 "
                          "in 2013 (sources.md#nvb-sales)",
                          "Buyers' sentiment in this regime (multiplies sales speed on top of the "
                          "affordability, momentum and rate terms).", ge=0.0, le=3.0)
    mean_duration_quarters: float = P(12.0, "quarters", "calibrated, docs/market.md",
                                      "Expected stay in this regime (leave probability = 1/this).",
                                      ge=1.0, le=400.0)
    next: dict[Literal["expansion", "slowdown", "crash"], float] = P(
        {"slowdown": 1.0}, "probabilities", "calibrated, docs/market.md",
        "Where the market goes when it leaves this regime (other regimes only; sums to 1).")
    cost_growth_extra: float = P(0.0, "fraction/yr", "EIB via Koenen (c.2014): tenders 25-31 % below "
                                 "estimates in the bust; AD 2018: +6-10 % in the boom (sources.md#tender-margins)",
                                 "Push on contractors' tender margins in this regime (the margin reverts; "
                                 "input costs keep their trend).", ge=-0.3, le=0.3)
    mortgage_spread_extra: float = P(0.0, "fraction (rate points)",
                                     "assumption: spreads widened 2009-2013 (nl_rates_points.csv)",
                                     "Extra mortgage spread over the bond rate in this regime.",
                                     ge=0.0, le=0.1)
    income_growth_extra: float = P(0.0, "fraction/yr", "assumption: nominal incomes stalled in the "
                                   "2009-2013 recession (CBS)", "Added to household income growth in "
                                   "this regime.", ge=-0.2, le=0.2)
    investor_premium_extra: float = P(0.0, "fraction (yield points)", "Achmea RE 2024-2025: residential "
                                      "spread to bonds 150-180 bp vs a 10-year average of 280 bp "
                                      "(sources.md#investor-yields)", "Added to investors' required yield "
                                      "over the bond rate in this regime.", ge=0.0, le=0.1)


def _expansion() -> RegimeParams:
    return RegimeParams(price_growth=0.01, price_volatility=0.02, absorption=1.0,
                        mean_duration_quarters=28.0, next={"slowdown": 0.6, "crash": 0.4},
                        cost_growth_extra=0.01, income_growth_extra=0.005)


def _slowdown() -> RegimeParams:
    return RegimeParams(price_growth=-0.02, price_volatility=0.025, absorption=0.8,
                        mean_duration_quarters=6.0, next={"expansion": 0.6, "crash": 0.4},
                        cost_growth_extra=0.0, mortgage_spread_extra=0.002, income_growth_extra=-0.005,
                        investor_premium_extra=0.004)


def _crash() -> RegimeParams:
    return RegimeParams(price_growth=-0.10, price_volatility=0.03, absorption=0.6,
                        mean_duration_quarters=10.0, next={"slowdown": 0.5, "expansion": 0.5},
                        cost_growth_extra=-0.06, mortgage_spread_extra=0.008, income_growth_extra=-0.015,
                        investor_premium_extra=0.01)


class Regimes(Strict):
    """The three regimes of the national housing cycle (a hidden Markov chain, one step a quarter)."""

    expansion: RegimeParams = Field(default_factory=_expansion)
    slowdown: RegimeParams = Field(default_factory=_slowdown)
    crash: RegimeParams = Field(default_factory=_crash)

    @model_validator(mode="before")
    @classmethod
    def _complete_with_the_regimes_defaults(cls, data):
        """A regime given in part keeps that regime's own defaults for the rest (``[market.regimes.crash]
        price_growth = -0.12`` changes only the crash's credit drift, not its duration or exits)."""
        if not isinstance(data, dict):
            return data
        defaults = {"expansion": _expansion, "slowdown": _slowdown, "crash": _crash}
        out = dict(data)
        for name, make in defaults.items():
            given = out.get(name)
            if isinstance(given, dict):
                out[name] = {**make().model_dump(), **given}
        return out


class Shock(Strict):
    """A forced crash: prices fall by ``price_drop`` over ``duration_quarters`` from ``year``."""

    year: int = P(1, "years after start", "scenario design",
                  "Year (counted from the start, 0 = first year) in which the shock begins.",
                  ge=0, le=100)
    price_drop: float = P(0.2, "fraction", "CBS: -18 % peak to trough 2008-2013; -45 % 1978-1982",
                          "Total nominal house-price fall over the shock.", gt=0.0, le=0.9)
    duration_quarters: int = P(8, "quarters", "CBS turning points: downturns lasted 1-5 years",
                               "Length of the forced crash.", ge=1, le=40)


class Market(Strict):
    """How the market paths are made."""

    mode: Literal["stochastic", "historical", "steady"] = P(
        "stochastic", "-", "sources.md#design-choice",
        "'stochastic': regime-switching cycles; 'historical': replay the observed Dutch series "
        "from start_year to 2024 then continue stochastically; 'steady': trend growth, no cycles "
        "(for controlled experiments).")
    initial_regime: Literal["expansion", "slowdown", "crash"] = P(
        "expansion", "-", "assumption: 2025 prices rising (CBS)",
        "Regime in the first quarter (stochastic mode).")
    regimes: Regimes = Field(default_factory=Regimes)
    shock: Shock | None = Field(default=None, description="Optional forced crash (see [market.shock]).")
    regional_volatility: float = P(0.015, "fraction/yr (sd)", "assumption: regional indices spread "
                                   "a few points around the national one (CBS 83913NED by region)",
                                   "Idiosyncratic yearly price noise per region.", ge=0.0, le=0.3)
    income_growth: float = P(0.03, "fraction/yr", "DNB 2023: average nominal income rose more than 30 % "
                             "from June 2013 to June 2022 (sources.md#dnb-borrowing-capacity)",
                             "Trend growth of households' nominal income (drives borrowing capacity and "
                             "market rents).", ge=-0.1, le=0.2)
    income_volatility: float = P(0.01, "fraction/yr (sd)", "assumption", "Noise on income growth.",
                                 ge=0.0, le=0.2)
    lending_norm_slope: float = P(1.25, "FLP per unit of mortgage rate", "calibrated: a +1 pt rate gives "
                                  "-6 % borrowing capacity (ASRE, sources.md#asre-rate) within the FLP table "
                                  "(sources.md#lending-norms: 18.0 % at 1.5 % to 22.5 % at 3.75 %)",
                                  "How fast the financing-cost share (FLP) rises with the test rate.",
                                  ge=0.0, le=5.0)
    price_adjustment: float = P(0.08, "fraction of the gap per quarter", "assumption within the range of "
                                "Dutch error-correction models (DNB WP 447; CPB woningprijsmodel, "
                                "sources.md#dnb-wp447)", "Speed at which prices close the gap to the "
                                "borrowing-capacity level (error correction).", gt=0.0, le=1.0)
    price_momentum: float = P(0.55, "-", "calibrated: serial correlation of Dutch yearly price changes "
                              "(CBS 83913NED), docs/market.md", "Share of last quarter's price change "
                              "carried into this quarter (momentum).", ge=0.0, le=0.95)
    credit_reversion: float = P(0.5, "1/yr", "assumption: credit conditions recover within a few years "
                                "(DNB WP 447)", "Speed at which credit conditions and sentiment revert "
                                "to normal.", ge=0.0, le=5.0)
    construction_cost_growth: float = P(0.02, "fraction/yr", "CBS 80334NED 2005-2022: +1.7 %/yr; CBS "
                                        "80032NED input index 2005-2011: +2.4 %/yr (sources.md#cbs-construction-prices)",
                                        "Trend growth of construction input costs.", ge=-0.1, le=0.3)
    construction_cost_volatility: float = P(0.015, "fraction/yr (sd)", "CBS 80334NED",
                                            "Noise on construction-cost growth.", ge=0.0, le=0.3)
    cost_income_link: float = P(0.5, "-", "assumption: labour is about half of building costs and wages "
                                "follow incomes (EIB)", "Share of income surprises (above or below trend) that "
                                "passes into construction input costs.", ge=0.0, le=1.0)
    tender_margin_reversion: float = P(0.5, "1/yr", "assumption: tender margins recover within about two "
                                       "years (EIB)", "Speed at which contractors' margins return to normal.",
                                       ge=0.0, le=5.0)
    absorption_momentum: float = P(3.0, "log sales per log price change over a year", "calibrated: new-build "
                                   "sales fell 66 % while prices fell about 19 % (2008-2013; "
                                   "sources.md#nvb-sales)", "Buyers' response to the last year's price "
                                   "change (expectations).", ge=0.0, le=50.0)
    absorption_affordability: float = P(2.0, "log sales per log price gap", "calibrated, docs/market.md",
                                        "Sales fall when prices stand above what borrowing capacity "
                                        "supports.", ge=0.0, le=50.0)
    absorption_rate: float = P(15.0, "log sales per unit rise of the mortgage rate over a year",
                               "calibrated, docs/market.md", "Sales fall when mortgage rates rise.",
                               ge=0.0, le=500.0)
    rate_shock_probability: float = P(0.008, "per quarter", "assumption: one 2022-style shock in about 30 "
                                      "years", "Chance that a rate shock starts in a quarter "
                                      "(stochastic mode).", ge=0.0, le=1.0)
    rate_shock_size: float = P(0.025, "fraction (rate points)", "DNB 2024: rates on new mortgages rose "
                               "from 1.6 % to 4.3 % in 2022-2023 (sources.md#dnb-2024)",
                               "Rise of the bond rate over the four quarters of a rate shock.",
                               ge=0.0, le=0.2)
    bond_rate_initial: float = P(0.026, "fraction/yr", "nl_rates_points.csv: 10-y bond ≈ 2.6 % (2025-01)",
                                 "10-year government bond rate in the first quarter.", ge=-0.02, le=0.2)
    bond_rate_mean: float = P(0.025, "fraction/yr", "assumption: mid-point of 1.0-4.3 % observed 2005-2025",
                              "Long-run mean the bond rate reverts to.", ge=-0.02, le=0.2)
    bond_rate_reversion: float = P(0.15, "1/yr", "assumption: half-life ≈ 4.6 years",
                                   "Speed of mean reversion of the bond rate (Vasicek).", ge=0.0, le=2.0)
    bond_rate_volatility: float = P(0.006, "fraction/yr (sd per sqrt(yr))",
                                    "nl_rates_points.csv: moves of about 1 point a year",
                                    "Volatility of the bond rate.", ge=0.0, le=0.1)
    mortgage_spread: float = P(0.012, "fraction (rate points)",
                               "nl_rates_points.csv: mortgage 3.9 % vs bond 2.6-3.0 % (2023-2025)",
                               "Mortgage rate minus bond rate in normal times.", ge=0.0, le=0.1)


# --------------------------------------------------------------------------- places
class Region(Strict):
    """A housing-market region with its own price level, rents and building capacity."""

    name: str = Field(min_length=1, max_length=40, description="Identifier used by areas.")
    tightness: Literal["tight", "middle", "relaxed"] = P(
        "middle", "-", "sources.md#design-choice: regional differences in housing demand",
        "Label of the market pressure; used in reports.")
    owner_price_per_m2: float = P(5000.0, "€/m² (start year)", "CBS 84064NED: new-build average "
                                  "€321,039 (2017), indexed by 83913NED to 2025 and scaled by region",
                                  "Sale price of a new owner-occupied home per m² (incl. VAT).",
                                  gt=0, le=30000)
    mid_rent_per_month: float = P(1050.0, "€/month per home", "Wet betaalbare huur 2024: mid-rent "
                                  "€900-1,185 (+10 % new-build)", "Mid-rent of a new home.", gt=0, le=5000)
    free_rent_per_month: float = P(1450.0, "€/month per home", "assumption: above the mid-rent cap",
                                   "Free-sector rent of a new home.", gt=0, le=10000)
    price_growth_premium: float = P(0.0, "fraction/yr", "assumption: tight regions outgrew relaxed "
                                    "ones 2013-2022 (CBS 83913NED by province)",
                                    "Added to national house-price growth in this region.",
                                    ge=-0.05, le=0.05)
    absorption_homes_per_quarter: float = P(250.0, "owner-occupied homes/quarter",
                                            "assumption: scaled from NVB ≈ 30,000 new-build sales/yr "
                                            "nationally, share of inner-city projects",
                                            "New-build homes the region sells per quarter at the going "
                                            "price in an expansion (the regime scales it).",
                                            gt=0, le=100000)
    construction_capacity_homes: int = P(4000, "homes under construction at once",
                                         "assumption: regional builder capacity (EIB)",
                                         "Regional construction capacity (a SimPy Container).",
                                         ge=1, le=1_000_000)
    social_land_price: float = P(22861.0, "€/home", "Aedes: average social-rent land price €22,861 (2020)",
                                 "Land price per social home set by municipal policy.", ge=0, le=200000)


class Archetype(Strict):
    """A kind of transformation location with its public-works costs per home.

    Costs are for the whole programme and are escalated by the construction-cost index (buy-outs by
    the acquisition index: existing-use value plus hope value). Each item is drawn once per area as
    estimate × (1 + overrun_mean) × lognormal(0, cost_uncertainty): right-skewed, positive on average.
    """

    name: str = Field(min_length=1, max_length=40)
    description: str = Field("", max_length=400)
    acquisition_per_home: float = P(0.0, "€/home (for land not owned by the municipality)",
                                    "calibrated to Fakton 2016 (≈ €28,500/home deficit)",
                                    "Buying land and buying out businesses and owners.", ge=0, le=500000)
    demolition_per_home: float = P(0.0, "€/home", "calibrated to Fakton 2016",
                                   "Demolishing existing buildings.", ge=0, le=200000)
    remediation_per_home: float = P(0.0, "€/home", "calibrated to Fakton 2016",
                                    "Soil remediation.", ge=0, le=200000)
    site_preparation_per_home: float = P(0.0, "€/home", "calibrated to Fakton 2016",
                                         "Bouw- en woonrijp maken (site preparation).", ge=0, le=200000)
    infrastructure_per_home: float = P(0.0, "€/home", "calibrated to Fakton 2016",
                                       "Roads, public space, utilities (area-wide, paid in phase 1).",
                                       ge=0, le=200000)
    public_transport_per_home: float = P(0.0, "€/home", "assumption: bovenplanse OV share",
                                         "Public-transport link (area-wide, paid in phase 1).",
                                         ge=0, le=200000)
    plan_cost_share: float = P(0.2, "fraction of civil works", "sources.md#grex-costs: VTU often > 20 % of civil works",
                               "Plan, preparation and supervision costs (VTU).", ge=0, le=1)
    contingency_share: float = P(0.1, "fraction of civil works", "sources.md#grex-costs: contingency about 10 %",
                                 "Unforeseen costs.", ge=0, le=1)
    cost_uncertainty: float = P(0.2, "lognormal sigma", "assumption: cost overruns on civil works "
                                "of 20-30 % are common (Flyvbjerg 2003, sources.md#flyvbjerg-2003)",
                                "Spread of the drawn public-works cost around its estimate.", ge=0, le=2)
    overrun_mean: float = P(0.10, "fraction of the estimate", "Cantarelli (2009): mean overrun 10.3 % over "
                            "84 Dutch infrastructure projects; Cantarelli et al. (2012) +16.5 % "
                            "(sources.md#cantarelli-2009)", "Mean cost overrun of public works (reference class).",
                            ge=-0.5, le=2)
    hope_value_share: float = P(0.3, "fraction", "assumption: owners ask the existing-use value plus hope "
                                "value (verwachtingswaarde, ECLI:NL:PHR:2014:491; expropriation pays the "
                                "full market value, sources.md#expropriation)",
                                "Weight of the housing market in buy-out prices (the rest follows the "
                                "existing use's value, which moves with incomes).", ge=0, le=1)
    acquisition_quarters: tuple[float, float, float] = P(
        (2.0, 4.0, 10.0), "quarters (min, mode, max)", "assumption: buy-outs and expropriation "
        "take 1-3 years", "Duration of acquisition and buy-outs (triangular).")
    remediation_quarters: tuple[float, float, float] = P(
        (1.0, 3.0, 8.0), "quarters (min, mode, max)", "assumption", "Duration of soil remediation.")


class Ownership(Strict):
    """Who owns the land of an area at the start (fractions summing to 1)."""

    municipality: float = P(0.2, "fraction", "sources.md#merwede: 10 owners incl. the municipality",
                            "Share owned by the municipality.", ge=0, le=1)
    developers: float = P(0.2, "fraction", "assumption", "Share owned by developers (land positions).",
                          ge=0, le=1)
    businesses: float = P(0.6, "fraction", "assumption", "Share owned by businesses and other owners.",
                          ge=0, le=1)


class Programme(Strict):
    """Homes by segment (fractions summing to 1)."""

    social: float = P(0.3, "fraction", "sources.md#merwede: 30 % social", "Social rent.", ge=0, le=1)
    mid_rent: float = P(0.25, "fraction", "sources.md#merwede: 25 % mid", "Mid-rent.", ge=0, le=1)
    free_rent: float = P(0.0, "fraction", "assumption", "Free-sector rent.", ge=0, le=1)
    owner_occupied: float = P(0.45, "fraction", "sources.md#merwede: the rest (45 %)", "Owner-occupied.", ge=0, le=1)

    def shares(self) -> tuple[float, float, float, float]:
        """Shares in :data:`SEGMENTS` order."""
        return (self.social, self.mid_rent, self.free_rent, self.owner_occupied)


class Area(Strict):
    """One transformation location."""

    name: str = Field(min_length=1, max_length=60)
    region: str = Field(description="Name of a [[regions]] entry.")
    archetype: str = Field(description="Name of an [[archetypes]] entry.")
    homes: int = P(..., "homes", "sources.md#merwede, #m4h, #sluisbuurt: real areas 500-6,000", "Homes planned.", ge=1, le=1_000_000)
    phases: int = P(3, "phases", "sources.md#sluisbuurt: build-out 10-15 years", "Number of equal phases.",
                    ge=1, le=200)
    phase_homes: list[int] | None = P(None, "homes per phase", "-",
                                      "Explicit phase sizes (overrides equal phases); must sum to homes.")
    programme: Programme = Field(default_factory=Programme)
    ownership: Ownership = Field(default_factory=Ownership)
    cooperation: str | None = P(None, "-", "sources.md#omgevingsweb-coop: cooperation typology",
                                "Cooperation model for this area (default: [cooperation].model).")
    start_quarter: int = P(0, "quarters after start", "-", "When preparation of phase 1 begins.",
                           ge=0, le=800)
    phase_interval_quarters: int = P(8, "quarters", "assumption: phases follow every 2 years",
                                     "Planned gap between the start of preparation of successive phases.",
                                     ge=0, le=200)
    planned_years: float = P(12.0, "years", "sources.md#sluisbuurt: build-out 10-15 years",
                             "Planned duration from start to last completion (delay is measured against it).",
                             gt=0, le=100)
    pipeline_stage: Literal["planned", "zoned", "land_ready", "construction"] = P(
        "planned", "-", "scenario design: the pipeline of the time (e.g. a 2005 replay)",
        "Where the first pipeline_phases phases stand at the start: 'zoned' (zoning plan irrevocable, land "
        "not yet bought), 'land_ready' (land bought and prepared, waiting for a go) or 'construction' (under "
        "construction). Money spent before the start is outside the run's ledger.")
    pipeline_phases: int = P(0, "phases", "scenario design", "How many of the first phases stand at "
                             "pipeline_stage at the start.", ge=0, le=200)
    pipeline_presold: float = P(0.7, "fraction", "sources.md#presale-70: starts at 70 % presold",
                                "Share of the owner-occupied homes of pipeline phases on ready land or under "
                                "construction already sold at the start.", ge=0, le=1)


# --------------------------------------------------------------------------- actors
class MunicipalityParams(Strict):
    """Municipalities (one per region): planning capacity, budget and land-development accounting."""

    planning_staff: int = P(3, "procedures in parallel", "assumption: small project teams per municipality",
                            "Zoning procedures a municipality can run at once (SimPy Resource).",
                            ge=1, le=100)
    budget: float = P(150e6, "€", "assumption: room for pre-investment and loss provisions",
                      "Budget room; loss provisions are charged against it at once.", ge=0, le=1e12)
    discount_rate: float = P(0.02, "fraction/yr", "sources.md#gorinchem: BBV discount rate 2.0 %",
                             "Rate for the net present value of the land-development account.",
                             ge=0, le=0.2)
    borrowing_spread: float = P(0.003, "fraction (rate points)", "assumption: BNG lends near the bond rate",
                                "Municipal borrowing rate minus the bond rate.", ge=0, le=0.1)
    cost_escalation: float = P(0.025, "fraction/yr", "sources.md#gorinchem: 2-3.5 %/yr",
                               "Cost escalation assumed in the land-development account.", ge=0, le=0.2)
    grex_expectation: Literal["extrapolative", "fixed"] = P(
        "extrapolative", "-", "Rekenkamer Rotterdam 2012: the 2009 herijking still assumed 2,500 homes/yr "
        "while output fell to ~500/yr; Deloitte 2013: write-downs came in 2009-2012 (sources.md#grex-optimism)",
        "How land-development accounts escalate future revenues: 'extrapolative' uses the region's price "
        "growth over the last two years (optimistic in a boom, so losses are recognised when the market "
        "turns); 'fixed' uses revenue_escalation.")
    revenue_escalation: float = P(0.02, "fraction/yr", "sources.md#gorinchem: 1-4 %/yr",
                                  "Revenue escalation assumed in the land-development account.",
                                  ge=0, le=0.2)
    max_deficit_per_home: float = P(15000.0, "€/home", "assumption: municipalities accept part of the "
                                    "Fakton deficit (€28,500/home) from their own budget, not all of it",
                                    "Loss per home the municipality will accept on a deal (its walk-away point).",
                                    ge=0, le=500000)
    affordable_home_value: float = P(20000.0, "€/home", "assumption: Woningbouwimpuls and Startbouwimpuls "
                                     "pay €10,000-12,500 per (affordable) home (sources.md#wbi, #startbouwimpuls)",
                                     "Value the municipality puts on each affordable home in a deal.",
                                     ge=0, le=500000)
    affordable_flexibility: float = P(0.10, "fraction (share points)", "assumption: programme demands "
                                      "are negotiated a few points up or down",
                                      "How far below its programme demand for affordable homes it may concede.",
                                      ge=0, le=1)
    risk_aversion: float = P(0.5, "weight of CVaR(5 %) in the score (0-1)", "assumption: public "
                             "bodies are loss-averse after 2008 (sources.md#rijksgrondfaciliteit: loss provisions deter "
                             "active land policy)", "Weight of the downside in valuing a deal.", ge=0, le=1)
    expectation: Literal["extrapolative", "anchored", "fundamental"] = P(
        "anchored", "-", "assumption: grex rules prescribe fixed escalation rates (BBV)",
        "How it forms price expectations.")
    election_change_probability: float = P(0.5, "probability per election", "assumption: coalition "
                                           "changes in about half of Dutch municipal elections",
                                           "Chance that an election (every 4 years) changes programme demands.",
                                           ge=0, le=1)
    election_shift: float = P(0.10, "fraction (share points)", "assumption",
                              "Largest change in the demanded affordable share after an election.", ge=0, le=1)


class DeveloperParams(Strict):
    """Developers: how many, their equity, margins, presale rule and borrowing."""

    count: int = P(3, "agents", "assumption", "Developers competing for areas.", ge=1, le=100)
    equity: float = P(60e6, "€ each", "assumption", "Starting equity of each developer.", ge=0, le=1e12)
    required_margin: float = P(0.15, "fraction of revenue", "sources.md#flemish-margin: 12-15 % residential "
                               "(Flemish guide, assumption)", "Margin a developer needs on sold homes.",
                               ge=0, le=0.6)
    rental_margin: float = P(0.08, "fraction of revenue", "assumption: forward-funded blocks carry "
                             "no sales risk", "Margin on blocks sold to an investor.", ge=0, le=0.6)
    presale_threshold: float = P(0.7, "fraction", "sources.md#presale-70: construction starts at 70 % presold",
                                 "Share of owner-occupied homes that must be sold before a phase starts.",
                                 ge=0, le=1)
    borrowing_spread: float = P(0.025, "fraction (rate points)", "assumption: development loans "
                                "at bond + 2-3 points", "Developer borrowing rate minus the bond rate.",
                                ge=0, le=0.2)
    sales_cost_share: float = P(0.03, "fraction of revenue", "assumption: marketing and sales",
                                "Marketing and sales costs.", ge=0, le=0.3)
    vat: float = P(0.21, "fraction of the price net of VAT", "Belastingdienst: 21 % VAT on new homes since "
                   "1 Oct 2012, land included (sources.md#vat)", "VAT in the buyer's price; the residual land "
                   "value is computed from the price net of VAT.", ge=0, le=0.5)
    unsold_discount: float = P(0.10, "fraction of price", "assumption: developers discount completed unsold "
                               "homes in a weak market (no Dutch count of unsold stock found)",
                               "Discount on completed unsold homes sold in a slowdown or crash.", ge=0, le=0.9)
    presale_dissolve_share: float = P(0.08, "fraction of presales per crash quarter", "assumption: buyers' "
                                      "financing conditions and the ~9-month presale term let contracts lapse "
                                      "in a downturn (sources.md#presale-70)", "Share of the presales of phases "
                                      "not yet under construction that dissolve each crash quarter.",
                                      ge=0, le=1)
    land_bank: float = P(1.0, "× equity (€ at start-year prices per € of equity)", "assumption, informed by "
                         "sources.md#developer-writedowns: Dutch developers and builders held land and development "
                         "positions of hundreds of millions each (BAM: land positions about €650M)",
                         "Land positions each developer holds outside the modelled areas (its land bank), "
                         "carried at the lower of cost and market value: a fall in land values is a write-down "
                         "that eats its equity and, through it, its credit line.", ge=0, le=50)
    leverage: float = P(2.0, "× equity", "assumption: developers borrow up to about twice their equity "
                        "for land and construction", "Borrowing limit as a multiple of equity; beyond "
                        "equity + limit a developer fails.", ge=0, le=50)
    bank_credit_sensitivity: float = P(8.0, "log credit line per log credit conditions", "assumption: banks "
                                       "cut development finance far more than mortgages after 2008 (coalition "
                                       "letter to parliament, 26 Sep 2012: 'sterk teruggelopen beschikbaarheid "
                                       "van financiering'; sources.md#financing-2012)",
                                       "How strongly developers' credit lines shrink when credit conditions tighten.",
                                       ge=0, le=50)
    risk_aversion: float = P(0.3, "weight of CVaR(5 %) in the score (0-1)", "assumption",
                             "Weight of the downside in valuing a deal.", ge=0, le=1)
    expectation: Literal["extrapolative", "anchored", "fundamental"] = P(
        "extrapolative", "-", "issue #3: developers extrapolate recent price growth",
        "How developers form price expectations.")


class HousingAssociationParams(Strict):
    """Housing associations (one balance sheet per region): building room from ICR and LTV."""

    borrowing_spread: float = P(0.002, "fraction (rate points)", "assumption: WSW-guaranteed loans",
                                "Borrowing rate minus the bond rate.", ge=0, le=0.1)
    stock_homes: int = P(100000, "homes", "assumption: the associations of a region together (e.g. the "
                         "Amsterdam associations own about 170,000 social homes; AFWC)",
                         "Existing social homes owned.", ge=0, le=1_000_000)
    debt_per_home: float = P(60000.0, "€/home", "assumption: Aedes sector debt ≈ €60k per home",
                             "Existing debt per owned home.", ge=0, le=1e6)
    policy_value_per_home: float = P(90000.0, "€/home", "assumption: Aedes beleidswaarde ≈ €90k per home",
                                     "Policy value (beleidswaarde) per home, the LTV base.", gt=0, le=1e6)
    rent_per_month: float = P(654.0, "€/month per home", "sources.md#aedes-rents: average new social rent €654 (2021)",
                              "Average social rent.", ge=0, le=5000)
    operating_cost_per_home: float = P(2400.0, "€/home/yr", "assumption: maintenance, management, taxes",
                                       "Operating costs per home.", ge=0, le=100000)
    stock_investment_per_home: float = P(5000.0, "€/home/yr at start prices (× construction-cost index)",
                                         "assumption: renovation and sustainability of the existing stock, the "
                                         "sector's task besides new build (sources.md#npa-2022: €108bn to 2030 "
                                         "for new build and sustainability); set so the ratios stay roughly level "
                                         "in a steady future",
                                         "Yearly investment in the existing stock, paid from the operating cash "
                                         "flow after interest, the rest borrowed.", ge=0, le=100000)
    min_icr: float = P(1.4, "ratio", "sources.md#wsw-aw: ICR >= 1.4", "Interest cover the association must keep.",
                       ge=0, le=10)
    max_ltv: float = P(0.70, "fraction of policy value", "sources.md#wsw-aw: LTV <= 70 % of policy value "
                       "from the 2024 revision (85 % in 2019-23; 75 % of business value in 2014-17)",
                       "Loan-to-value the association must keep.", ge=0, le=5)
    new_home_policy_value_share: float = P(0.6, "fraction of construction cost", "assumption: the policy "
                                           "value of a new social home is about half its cost",
                                           "Policy value a new home adds, as a share of its cost.", ge=0, le=2)


class InvestorParams(Strict):
    """Institutional investors: required yield and yearly forward-funding capital."""

    count: int = P(2, "agents", "assumption", "Institutional investors.", ge=0, le=100)
    risk_premium: float = P(0.035, "fraction (rate points)", "sources.md#investor-yields: target 6.0-6.5 % with bonds "
                            "at 2.6-3.0 %", "Required gross initial yield minus the bond rate.",
                            ge=0, le=0.3)
    mid_rent_cap: float = P(1303.0, "€/month", "sources.md#wbh-2024: regulated mid-rent up to €1,184.82 "
                            "(2025) +10 % for new-build", "Highest mid-rent allowed by rent regulation.",
                            gt=0, le=10000)
    mid_rent_cap_growth: float = P(0.02, "fraction/yr", "Wet betaalbare huur: the maximum rents are indexed "
                                   "yearly with inflation (assumption: the ECB's 2 % target; sources.md#wbh-2024)",
                                   "Yearly indexation of the mid-rent cap (market rents follow incomes).",
                                   ge=-0.1, le=0.2)
    capital_per_year: float = P(800e6, "€/yr each", "assumption: IVBN members invest a few €bn a year "
                                "in Dutch housing", "Capital an investor can commit to forward funding per year.",
                                ge=0, le=1e13)


class NegotiationParams(Strict):
    """How deals are negotiated, renegotiated and learned."""

    protocol: str = P(
        "tradeoffs", "-", "sources.md#faratin-tradeoffs: similarity-based issue trade-offs (Faratin et al. 2002); "
        "Rubinstein (1982) alternating offers with time-dependent concession (Faratin et al. 1998); Nash (1950) "
        "bargaining solution; docs/funds.md: trade-offs compared with alternating offers over 40 futures",
        "Negotiation protocol: 'tradeoffs', 'alternating_offers', 'nash' or 'package.module:Class'.")
    max_rounds: int = P(12, "rounds", "assumption: development agreements take months to a year",
                        "Deadline: rounds before a negotiation fails.", ge=1, le=200)
    rounds_per_quarter: float = P(4.0, "rounds/quarter", "assumption: an offer a few weeks apart",
                                  "Pace of offers; the deal takes effect after its rounds.", gt=0, le=100)
    concession: float = P(1.0, "exponent β", "Faratin et al. (1998): β < 1 Boulware, β > 1 conceder",
                          "Concession speed of inexperienced parties.", gt=0, le=20)
    transaction_cost: float = P(250000.0, "€ per negotiation", "assumption: legal and advisory costs "
                                "of a development agreement", "Cost to each party of a first negotiation.",
                                ge=0, le=1e9)
    learning_rate: float = P(0.3, "fraction per deal", "assumption: experience curve",
                             "Each deal closed under a model speeds concession and cuts transaction cost by "
                             "this fraction (compounded).", ge=0, le=1)
    knowledge_sharing: bool = P(False, "-", "Intensiveringsprogramma (2017): share knowledge between "
                                "municipalities", "If true, municipalities of the programme pool their "
                                "experience per cooperation model.")
    renegotiation_threshold: float = P(0.2, "fraction", "assumption: deals reopen after a 20 % price move",
                                       "Move of the regional price index since the deal that reopens it.",
                                       gt=0, le=5)
    ensemble_size: int = P(32, "paths", "assumption: enough for a 5 % CVaR",
                           "Market paths in each party's belief ensemble.", ge=4, le=1024)
    belief_volatility: float = P(0.06, "fraction/yr (sd)", "CBS: sd of yearly price change ≈ 6 %",
                                 "Uncertainty parties put on future prices.", ge=0, le=1)
    belief_horizon_quarters: int = P(40, "quarters", "assumption: a 10-year view on an area",
                                     "How far ahead a party's beliefs reach.", ge=4, le=400)
    exclusive_claim_power: float = P(0.6, "bargaining weight of the developer (0-1)",
                                     "assumption: a building claim gives the developer the stronger hand",
                                     "Nash weight of a developer holding a building claim (others 0.5).",
                                     ge=0, le=1)


class Actors(Strict):
    """The parties of the model."""

    municipality: MunicipalityParams = Field(default_factory=MunicipalityParams)
    developers: DeveloperParams = Field(default_factory=DeveloperParams)
    housing_associations: HousingAssociationParams = Field(default_factory=HousingAssociationParams)
    investors: InvestorParams = Field(default_factory=InvestorParams)
    negotiation: NegotiationParams = Field(default_factory=NegotiationParams)


# --------------------------------------------------------------------------- construction and lifecycle
class SegmentCosts(Strict):
    """Dwelling size and construction cost per segment."""

    floor_area_m2: tuple[float, float, float, float] = P(
        (68.0, 65.0, 80.0, 95.0), "m² per home (social, mid, free, owner)",
        "Aedes: social new-build 68 m² average (2022); others assumption",
        "Floor area of a home by segment.")
    construction_cost_per_m2: float = P(3100.0, "€/m² (start year)",
                                        "Aedes: stichtingskosten €3,022/m² (2022), indexed",
                                        "Construction cost (stichtingskosten excl. land) per m².",
                                        gt=0, le=50000)


class Lifecycle(Strict):
    """Durations (triangular: min, mode, max, in quarters) and capacities of the lifecycle."""

    preparation_quarters: tuple[float, float, float] = P(
        (3.0, 5.0, 8.0), "quarters", "CBS 'van plan tot woning': design to permit about 5 quarters",
        "Plan preparation.")
    zoning_quarters: tuple[float, float, float] = P(
        (1.5, 2.0, 3.0), "quarters", "sources.md#wro-zoning: 6 weeks inspection + 12 weeks adoption + 6 weeks appeal",
        "Zoning procedure (needs planning staff).")
    appeal_probability: float = P(0.33, "probability", "sources.md#objections: about 1 in 3 homes delayed by objections",
                                  "Chance that a zoning decision is appealed.", ge=0, le=1)
    appeal_quarters: tuple[float, float, float] = P(
        (3.0, 5.0, 8.0), "quarters", "sources.md#raad-van-state: Council of State ≥ 12, typically > 14 months",
        "Appeal at the Council of State (needs a court slot).")
    appeals_court_capacity: int = P(20, "appeals in parallel", "assumption",
                                    "Appeals handled at once nationally (SimPy Resource).", ge=1, le=10000)
    site_preparation_quarters: tuple[float, float, float] = P(
        (1.0, 2.0, 4.0), "quarters", "assumption", "Site preparation.")
    construction_quarters: tuple[float, float, float] = P(
        (3.0, 5.0, 8.0), "quarters", "sources.md#cbs-plan-to-home: about 1 year per building; 1.5-2 years permit to completion",
        "Construction.")
    transfer_quarters: tuple[float, float, float] = P(
        (0.0, 0.5, 1.0), "quarters", "assumption", "Completion to transfer of the homes.")
    max_wait_quarters: int = P(40, "quarters", "sources.md#bbv-grex: many municipalities keep a grex at most 10 years",
                               "A phase waiting longer than this for a go is abandoned.", ge=1, le=400)


class Cooperation(Strict):
    """Which cooperation model areas use by default."""

    model: str = P("traditional", "-", "sources.md#omgevingsweb-coop: cooperation typology",
                   "Default cooperation model for areas that do not name one.")


class Funds(Strict):
    """Which public-fund design is in force."""

    design: str = P("none", "-", "sources.md#wbi, #startbouwimpuls, #svn-transformatiefaciliteit: public funds", "Fund design ('none' = baseline).")


class Scenario(Strict):
    """One world: what the model needs for one run."""

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$",
                      description="Used as the results folder name.")
    description: str = Field("", max_length=2000)
    start_year: int = P(2025, "calendar year", "sources.md#design-choice", "Calendar year of the first quarter.",
                        ge=2005, le=2100)
    horizon_years: int = P(30, "years", "sources.md#design-choice", "Simulated years.", ge=1, le=100)
    seed: int = P(0, "-", "-", "Seed of the model's random generators.", ge=0, le=2**63 - 1)
    market: Market = Field(default_factory=Market)
    regions: list[Region] = Field(min_length=1)
    archetypes: list[Archetype] = Field(min_length=1)
    areas: list[Area] = Field(min_length=1)
    segments: SegmentCosts = Field(default_factory=SegmentCosts)
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    actors: Actors = Field(default_factory=Actors)
    cooperation: Cooperation = Field(default_factory=Cooperation)
    funds: Funds = Field(default_factory=Funds)

    @property
    def n_quarters(self) -> int:
        """Simulated quarters."""
        return 4 * self.horizon_years

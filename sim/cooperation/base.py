"""Cooperation models: who owns and pre-finances what, who receives what, who bears which risk.

A cooperation model is one class with this interface. Adding one means writing a subclass
and naming it in a scenario (``[cooperation] model = "my_package.module:MyModel"`` with
``my_package`` in ``AREASIM_PLUGINS``, or a name registered with :func:`register`). Nothing else
changes (see sim.registry).

Parties are named by role: ``"municipality"``, ``"developer"`` and ``"jv"`` (a joint land
company owned by both).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.registry import Registry

WORK_ITEMS = ("plan_costs", "acquisition", "demolition", "remediation", "site_preparation",
              "infrastructure", "public_transport", "contingency")


@dataclass(frozen=True)
class Terms:
    """The negotiated terms of an area deal.

    Attributes:
        land_price: € per market (non-social) home the developer pays: for serviced land, as a
            concession fee, or as a cost-recovery contribution; negative = the municipality pays.
        affordable_share: fraction of the homes of unstarted phases that are social or mid-rent.
        overrun_share: fraction of public-works cost overruns the developer carries.
    """

    land_price: float
    affordable_share: float
    overrun_share: float

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.land_price, self.affordable_share, self.overrun_share)


class CooperationModel:
    """Base class: the traditional split (municipality does the land development).

    Subclasses override the class attributes and, where needed, the methods.

    Attributes:
        name: identifier used in scenario files.
        summary: one line for reports and ``areasim explain``.
        works_payer: party that pays (pre-finances) the public works.
        acquisition_payer: party that buys out the land not owned by the municipality.
        buys_developer_land: whether developers' land positions are bought (by the works payer).
        land_receiver: party that receives the land price / fee / contribution.
        social_land_receiver: party that receives the social land price from the housing association.
        runs_grex: the municipality keeps a land-development account (and provides for its losses).
        developer_weight: the developer's bargaining weight (Nash) / strength (0-1).
        overrun_negotiable: whether the overrun share is an open term (else fixed at ``default_overrun``).
        contribution_capped: cost recovery: the land price is capped by the legal tests.
        land_price_at_market: serviced plots are sold at their residual value when they are sold (the
            municipality's land-price policy; Didam: market-conform), not at a price fixed in the deal.
        fallback_on_failure: a failed negotiation falls back to imposed terms instead of no deal.
    """

    name = "base"
    summary = ""
    works_payer = "municipality"
    acquisition_payer = "municipality"
    buys_developer_land = True
    land_receiver = "municipality"
    social_land_receiver = "municipality"
    runs_grex = True
    developer_weight = 0.5
    overrun_negotiable = True
    default_overrun = 0.0
    contribution_capped = False
    fallback_on_failure = False
    land_price_at_market = False
    jv_municipal_share = 0.5

    def municipal_share(self, party: str) -> float:
        """Share of a party's money that is the municipality's (1 for it, jv share for the jv, else 0)."""
        if party == "municipality":
            return 1.0
        return self.jv_municipal_share if party == "jv" else 0.0

    def developer_share(self, party: str) -> float:
        """Share of a party's money that is the developer's."""
        if party == "developer":
            return 1.0
        return 1.0 - self.jv_municipal_share if party == "jv" else 0.0

    def payer_of(self, item: str) -> str:
        """Party that pays a public-works item."""
        return self.acquisition_payer if item == "acquisition" else self.works_payer

    def land_price_bounds(self, attributable_per_home: float, land_value_per_home: float) -> tuple[float, float]:
        """Range (€ per market home) over which the land price is negotiated."""
        span = max(50_000.0, 2 * abs(land_value_per_home), attributable_per_home)
        return (-span, span)


REGISTRY: Registry[CooperationModel] = Registry("cooperation model", CooperationModel)
"""The cooperation models available by name (see sim.registry)."""
register = REGISTRY.register


def registered() -> dict[str, type[CooperationModel]]:
    """Registered cooperation models by name."""
    return REGISTRY.classes()


def resolve(name: str, source: str = "", field: str = "cooperation.model") -> CooperationModel:
    """An instance of the cooperation model ``name`` (registered name or allowed ``module:Class``)."""
    return REGISTRY.resolve(name, source, field)()

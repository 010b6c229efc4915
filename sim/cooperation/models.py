"""The five Dutch cooperation models (sources.md#omgevingsweb-coop typology; cobouw.nl 2012)."""

from __future__ import annotations

from sim.cooperation.base import CooperationModel, register


@register
class Traditional(CooperationModel):
    """Active land policy: the municipality buys all land, pays the public works, and sells serviced
    plots; it bears the land-development risk. Competition between developers for its plots gives the
    municipality the stronger hand (developer weight 0.4, assumption)."""

    name = "traditional"
    summary = "active land policy: municipality buys land, pays works, sells serviced plots, bears grex risk"
    developer_weight = 0.4
    overrun_negotiable = False  # the municipality keeps the land-development risk, overruns included
    default_overrun = 0.0
    land_price_at_market = True  # plots sold at their residual value at the time of sale (land-price policy)

    def land_price_bounds(self, attributable_per_home: float, land_value_per_home: float) -> tuple[float, float]:
        """No land price to negotiate: plots go at today's residual value (€ per market home, at least 0)."""
        price = max(0.0, land_value_per_home)
        return (price, price)


@register
class BuildingClaim(CooperationModel):
    """Bouwclaim: developers sell their land positions to the municipality in exchange for the right to
    build on serviced plots; the municipality runs the land development. The exclusive claim gives the
    developer the stronger hand (``exclusive_claim_power``)."""

    name = "building_claim"
    summary = "building claim: developers trade land for the right to build; municipality runs the grex"
    developer_weight = 0.6  # replaced by negotiation.exclusive_claim_power at run time
    overrun_negotiable = False  # the municipality runs the grex and keeps its overruns
    default_overrun = 0.0  # the claim price for the serviced plots is fixed in the agreement (the open term)


@register
class JointVenture(CooperationModel):
    """Joint land company (GEM): municipality and developer bring land and capital into a company that
    pays the works and sells the plots; costs, revenues and risks are shared by share. A partner that
    cannot meet a capital call exits; the municipality takes over its share."""

    name = "joint_venture"
    summary = "joint venture: a joint land company pays the works and sells plots; risks shared pro rata"
    works_payer = "jv"
    acquisition_payer = "jv"
    land_receiver = "jv"
    social_land_receiver = "jv"
    overrun_negotiable = False  # overruns fall on the company, hence on both partners pro rata


@register
class Concession(CooperationModel):
    """Area concession: the private party owns the land, pre-finances and pays all public works and
    bears the land-development risk, within a municipal framework; the open money term is a concession
    fee (or, if negative, a municipal contribution)."""

    name = "concession"
    summary = "concession: the private party buys land, pays all works, bears the risk; pays or gets a fee"
    works_payer = "developer"
    acquisition_payer = "developer"
    buys_developer_land = False
    social_land_receiver = "developer"
    runs_grex = False
    overrun_negotiable = False
    default_overrun = 1.0


@register
class PrivateRealisation(CooperationModel):
    """Zelfrealisatie with cost recovery (Omgevingswet, since 2024): private owners develop their own
    land; the municipality pays the public works and recovers a contribution per home, capped by the legal
    tests (benefit, attributability, proportionality: at most the attributable public cost and at most the
    land value), paid before building starts. A failed voluntary agreement falls back to the public-law
    contribution at the cap."""

    name = "private_realisation"
    summary = "private realisation: owners build; municipality pays works and recovers a capped contribution"
    acquisition_payer = "developer"
    buys_developer_land = False
    social_land_receiver = "developer"
    overrun_negotiable = False
    default_overrun = 0.0
    contribution_capped = True
    fallback_on_failure = True

    def land_price_bounds(self, attributable_per_home: float, land_value_per_home: float) -> tuple[float, float]:
        """Contribution between 0 and the legal cap (€ per home)."""
        return (0.0, max(0.0, min(attributable_per_home, land_value_per_home)))

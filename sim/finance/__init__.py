"""Pure finance: discounting, residual land value, land-development account, municipal accounting."""

from sim.finance.accounting import percentage_of_completion, profit_to_take, required_provision
from sim.finance.cashflow import annual_to_quarterly, irr, npv
from sim.finance.grex import COST_ITEMS, GrexProjection, project, static_result
from sim.finance.land_value import (
    financing_cost,
    owner_occupied_land_value,
    rental_land_value,
    rental_value,
)

__all__ = ["COST_ITEMS", "GrexProjection", "annual_to_quarterly", "financing_cost", "irr", "npv",
           "owner_occupied_land_value", "percentage_of_completion", "profit_to_take", "project",
           "rental_land_value", "rental_value", "required_provision", "static_result"]

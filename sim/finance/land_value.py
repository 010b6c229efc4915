"""Residual land value per home and segment (pure, numpy-vectorised).

Residual land value = value of the finished home − everything it costs to build and
sell it, including a normal profit (docs/sources.md#bouweconomie). For rental homes
the value is the yearly gross rent capitalised at the buyer's required gross initial
yield (BAR), as Dutch investors price it: lowering the yield from 6.5 % to 6.0 % adds
about €15,000 to a €975/month mid-rent home (docs/sources.md#utrecht-bidbook), which this
formula reproduces. Social-rent land is priced by municipal policy, not residually.

All amounts in € per home; rates as fractions per year.
"""

from __future__ import annotations

import numpy as np

ArrayLike = float | np.ndarray


def financing_cost(construction_cost: ArrayLike, rate: ArrayLike, construction_years: float) -> ArrayLike:
    """Interest on construction outlays, on average half drawn over the build (€/home)."""
    return construction_cost * rate * construction_years / 2.0


def owner_occupied_land_value(price: ArrayLike, construction_cost: ArrayLike, margin: float,
                              sales_cost_share: float, finance: ArrayLike) -> ArrayLike:
    """Residual land value of an owner-occupied home.

    Args:
        price: sale price net of VAT (€/home): the buyer's price / (1 + VAT), since VAT on a new home
            covers land and building alike.
        construction_cost: stichtingskosten (€/home).
        margin: developer's required profit (fraction of price).
        sales_cost_share: marketing and sales (fraction of price).
        finance: financing cost during construction (€/home).
    """
    return price * (1.0 - margin - sales_cost_share) - construction_cost - finance


def rental_value(rent_per_month: ArrayLike, gross_yield: ArrayLike) -> ArrayLike:
    """Investor's value of a rented home: 12 × rent / required gross initial yield (€/home)."""
    return 12.0 * rent_per_month / gross_yield


def rental_land_value(rent_per_month: ArrayLike, gross_yield: ArrayLike, construction_cost: ArrayLike,
                      margin: float, finance: ArrayLike) -> ArrayLike:
    """Residual land value of a rental home sold to an investor (forward funding).

    The developer receives the investor's value, keeps ``margin`` of it and pays the
    construction and financing costs; what is left can be paid for the land.
    """
    return rental_value(rent_per_month, gross_yield) * (1.0 - margin) - construction_cost - finance

"""The value of the homes housing associations and investors own, so their cash is not read as a loss.

Housing associations build social homes and investors forward-fund rental blocks: they pay
for homes they then own and rent out (rents after completion are outside the model). Their
cash therefore falls far below zero (about −€4.5 bn each in the default run) while they hold
homes worth about as much. This module values those homes **at what the owner paid for
them** (historic cost, € nominal; no revaluation, no depreciation), from the ledger:

- housing associations: ``construction`` and ``land_sale`` payments (they build social homes
  on land bought from the municipality);
- investors: ``forward_funding`` payments (they buy finished rental blocks from developers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.ledger import party_kind, party_of

PURCHASES = {"housing_association": ("construction", "land_sale"), "investor": ("forward_funding",)}
"""Party kind → ledger categories in which it pays for homes it keeps."""
CATEGORY = "owned_homes_value"
"""Category of the business-case rows that carry the owned value (an asset, not cash)."""


def _purchases(ledger: pd.DataFrame) -> pd.DataFrame:
    kinds = ledger["source"].map(party_kind)
    mask = pd.Series(False, index=ledger.index)
    for kind, categories in PURCHASES.items():
        mask |= (kinds == kind) & ledger["category"].isin(categories)
    out = ledger.loc[mask, ["time", "source", "area", "amount"]].copy()
    out["party"] = out["source"].map(party_of)
    out["kind"] = out["source"].map(party_kind)
    return out


def owned_value_rows(ledger: pd.DataFrame) -> pd.DataFrame:
    """Business-case rows (area, party, category = 'owned_homes_value', net = € value owned at the end)."""
    bought = _purchases(ledger)
    rows = bought.groupby(["area", "party"], as_index=False)["amount"].sum().rename(columns={"amount": "net"})
    rows.insert(2, "category", CATEGORY)
    return rows


def with_owned_homes(cases: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Business cases plus the owned-value rows, sorted like :func:`sim.ledger.business_cases`.

    The cash rows still sum to zero per area; the owned-value rows are assets on top.
    """
    rows = owned_value_rows(ledger).astype({"area": cases["area"].dtype, "party": cases["party"].dtype,
                                            "category": cases["category"].dtype})
    out = pd.concat([cases, rows], ignore_index=True)
    return out.sort_values(["area", "party", "category"], ignore_index=True)


def owned_value_by_quarter(ledger: pd.DataFrame, quarters) -> dict[str, np.ndarray]:
    """Party kind → cumulative € value of homes owned at the end of each quarter in ``quarters``."""
    bought = _purchases(ledger)
    ends = np.asarray(quarters, dtype=float) + 1.0
    out = {}
    for kind in PURCHASES:
        mine = bought[bought["kind"] == kind].sort_values("time")
        times, cum = mine["time"].to_numpy(dtype=float), np.cumsum(mine["amount"].to_numpy(dtype=float))
        idx = np.searchsorted(times, ends, side="left")  # payments strictly before the quarter's end
        out[kind] = np.where(idx > 0, cum[np.maximum(idx - 1, 0)] if len(cum) else 0.0, 0.0)
    return out

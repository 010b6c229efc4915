"""What a deal on an area is worth to each side, on its own belief ensemble.

An :class:`Outlook` is today's view of an area's unstarted phases (homes, expected start,
remaining public works, buy-outs, values and costs per home). Given deal :class:`Terms` and a
cooperation model, :func:`party_npvs` projects each phase's cash flows for the municipality
and the developer over a (K, H) ensemble of price multipliers and discounts them; the
surplus functions score them by mean and downside (CVaR 5 %) weighted by risk aversion and
subtract what the party needs (developer: its margin; municipality: it accepts a loss up to
``max_deficit_per_home`` and values affordable homes). Surplus ≥ 0 means "I would sign".
Vectorised over the ensemble. Money in €.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.area import FREE_RENT, MID_RENT, OWNER, SOCIAL
from sim.cooperation.base import CooperationModel


@dataclass
class Outlook:
    """Today's view of the unstarted phases of an area (arrays over phases P).

    Attributes:
        homes: (P, 4) homes per segment under the current programme.
        lag: (P,) quarters until each phase is expected to start construction.
        works: (P,) € estimated public works still to pay, excluding buy-outs, at today's cost index.
        buyout_business: (P,) € buy-outs of businesses and other owners still to pay.
        buyout_developer: (P,) € value of developers' land positions still to buy.
        owner_price: € sale price of an owner-occupied home today.
        rental_value: (4,) € investor value per home today (mid and free rent; others 0).
        construction: (4,) € construction cost per home today.
        finance: (4,) € financing cost per home during construction.
        social_land_price: € per social home.
        cost_sigma: lognormal sigma of public-works overruns.
        overrun_mean: expected overrun as a fraction of the estimate (reference class, +10 %).
        margin, rental_margin, sales_cost_share: developer parameters (fractions of revenue).
        developer_rate, municipal_rate: discount rates, fraction/yr.
    """

    homes: np.ndarray
    lag: np.ndarray
    works: np.ndarray
    buyout_business: np.ndarray
    buyout_developer: np.ndarray
    owner_price: float
    rental_value: np.ndarray
    construction: np.ndarray
    finance: np.ndarray
    social_land_price: float
    cost_sigma: float
    overrun_mean: float
    margin: float
    rental_margin: float
    sales_cost_share: float
    developer_rate: float
    municipal_rate: float

    @property
    def total_homes(self) -> int:
        return int(self.homes.sum())

    def current_affordable_share(self) -> float:
        total = self.homes.sum()
        return float((self.homes[:, SOCIAL].sum() + self.homes[:, MID_RENT].sum()) / total) if total else 0.0

    def homes_at(self, affordable_share: float) -> np.ndarray:
        """(P, 4) homes with mid-rent and owner-occupied re-split to reach the affordable share."""
        return reprogramme(self.homes, affordable_share)


def reprogramme(homes: np.ndarray, affordable_share: float | np.ndarray, integer: bool = True) -> np.ndarray:
    """Move homes between owner-occupied and mid-rent so (social + mid) ≈ the share of each phase.

    Social and free-rent homes stay; the share cannot go below the social share or above
    (total − free rent) / total. With an array of shares (T,) the result is (T, P, 4).
    ``integer=False`` keeps fractional homes (used inside valuations, where it makes values
    smooth in the share).
    """
    shares = np.asarray(affordable_share, dtype=float)
    total = homes.sum(axis=1)
    flexible = homes[:, MID_RENT] + homes[:, OWNER]
    target = shares[..., None] * total - homes[:, SOCIAL]
    if integer:
        target = np.rint(target)
    mid = np.clip(target, 0, flexible)
    out = np.empty(shares.shape + homes.shape)  # the homes as floats, once per share (exact for counts)
    out[...] = homes
    out[..., MID_RENT] = mid
    out[..., OWNER] = flexible - mid
    return out.astype(homes.dtype) if integer else out


@dataclass(frozen=True)
class Valuation:
    """NPVs over an ensemble for a batch of T term packages.

    Attributes:
        municipality, developer: (T, K) € NPV per package and belief path.
        revenue: (T,) € expected discounted sales revenue; required_margin: (T,) € the developer needs.
        homes: homes in the unstarted phases; affordable_homes: (T,) social + mid-rent homes.
    """

    municipality: np.ndarray
    developer: np.ndarray
    revenue: np.ndarray
    required_margin: np.ndarray
    homes: float
    affordable_homes: np.ndarray


def party_npvs(outlook: Outlook, land_price: np.ndarray, affordable_share: np.ndarray, overrun_share: np.ndarray,
               coop: CooperationModel, multipliers: np.ndarray, overrun_z: np.ndarray) -> Valuation:
    """Project and discount each party's cash flows over the ensemble, for T packages at once.

    Args:
        land_price, affordable_share, overrun_share: (T,) the packages' terms.
        multipliers: (K, H) price multipliers (from :class:`sim.beliefs.Beliefs`).
        overrun_z: (K, ≥P) standard normals for public-works overruns.
    """
    packages = package_batch(outlook, land_price, affordable_share, overrun_share, coop)
    return _on_ensemble(packages, multipliers, overrun_factors(overrun_z, outlook, packages[1]), "both")


def overrun_factors(overrun_z: np.ndarray, outlook: Outlook, n_phases: int) -> np.ndarray:
    """(1, K, P) imagined overrun per € of estimated works: the parties know the reference class, so overruns
    are +overrun_mean on average and right-skewed (as in sim.area)."""
    s = outlook.cost_sigma
    return (1 + outlook.overrun_mean) * np.exp(s * overrun_z[None, :, :n_phases] - s * s / 2) - 1


def side_valuations(outlook: Outlook, land_price: np.ndarray, affordable_share: np.ndarray,
                    overrun_share: np.ndarray, coop: CooperationModel, developer_side: tuple[np.ndarray, np.ndarray],
                    municipal_side: tuple[np.ndarray, np.ndarray]) -> tuple[Valuation, Valuation]:
    """What each side's surplus needs of :func:`party_npvs` on its own ensemble, the same arrays.

    ``developer_side`` and ``municipal_side`` are (multipliers (K, H), overrun factors (1, K, ≥P) as
    :func:`overrun_factors` makes them, e.g. cached by ``Beliefs.overrun_factors``). The developer's
    Valuation has no municipal NPVs, the municipality's none of the developer's fields (None): what does not
    depend on the ensemble is computed once. (The broker calls :func:`developer_npvs` and
    :func:`municipal_npvs` itself, with the multipliers of the phases' lags only: see
    ``Beliefs.multipliers_at``.)
    """
    packages = package_batch(outlook, land_price, affordable_share, overrun_share, coop)
    lag, dev_df, _ = discounting(outlook, developer_side[0].shape[1])
    m = developer_side[0][:, lag]
    _, _, mun_df = discounting(outlook, municipal_side[0].shape[1])
    return (developer_npvs(packages, m, m.mean(axis=0), developer_side[1], dev_df),
            municipal_npvs(packages, municipal_side[1], mun_df))


def discounting(outlook: Outlook, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lag (P,) in quarters capped at the belief horizon − 1, the developer's and the municipality's
    discount factors (P,)) of an outlook's phases for an ensemble of ``horizon`` quarters."""
    lag = np.minimum(outlook.lag.astype(int), horizon - 1)
    return lag, (1 + outlook.developer_rate) ** (-lag / 4), (1 + outlook.municipal_rate) ** (-lag / 4)


def package_batch(outlook: Outlook, land_price: np.ndarray, affordable_share: np.ndarray, overrun_share: np.ndarray,
              coop: CooperationModel) -> tuple:
    """The part of :func:`party_npvs` that does not depend on the belief ensemble (programme, flows per home)."""
    land_price = np.asarray(land_price, dtype=float)
    homes = reprogramme(outlook.homes, affordable_share, integer=False)  # (T, P, 4)
    n_p = outlook.homes.shape[0]
    owner_mean = homes[..., OWNER] * outlook.owner_price  # (T, P) at today's price
    rental_rev = homes[..., MID_RENT] * outlook.rental_value[MID_RENT] + homes[..., FREE_RENT] * \
        outlook.rental_value[FREE_RENT]  # (T, P)
    per_home = outlook.construction[SOCIAL + 1:] + outlook.finance[SOCIAL + 1:]
    build = homes[..., SOCIAL + 1:] @ per_home  # (T, P)
    market_homes = homes[..., SOCIAL + 1:].sum(axis=2)  # (T, P)
    land = (land_price[:, None] * market_homes)[:, None, :]  # (T, 1, P)
    social = (homes[..., SOCIAL] * outlook.social_land_price)[:, None, :]
    r = (np.asarray(overrun_share, dtype=float) if coop.overrun_negotiable
         else np.full(len(land_price), coop.default_overrun))[:, None, None]
    affordable = homes[..., SOCIAL].sum(axis=1) + homes[..., MID_RENT].sum(axis=1)
    discounts: dict[int, tuple] = {}  # belief horizon → (lag, developer's and municipality's discount factors)
    return outlook, n_p, coop, owner_mean, rental_rev, build, land, social, r, affordable, discounts, \
        float(outlook.homes.sum())


def _on_ensemble(packages: tuple, multipliers: np.ndarray, overrun_factor: np.ndarray, side: str) -> Valuation:
    """The rest of :func:`party_npvs` on one belief ensemble: revenues, overruns and discounting.

    ``side``: 'both', or only what the 'developer's or the 'municipality's surplus uses (the rest None).
    """
    outlook, n_p, coop, owner_mean, rental_rev, build, land, social, r, affordable, discounts, homes = packages
    horizon = multipliers.shape[1]
    known = discounts.get(horizon)
    if known is None:
        lag = np.minimum(outlook.lag.astype(int), horizon - 1)
        known = discounts[horizon] = (lag, (1 + outlook.developer_rate) ** (-lag / 4),
                                      (1 + outlook.municipal_rate) ** (-lag / 4))
    lag, dev_df, mun_df = known
    m = multipliers[:, lag]  # (K, P)
    owner_rev = owner_mean[:, None, :] * m[None, :, :]  # (T, K, P)
    profit = owner_rev * (1 - outlook.sales_cost_share) + (rental_rev - build)[:, None, :]  # (T, K, P)

    works = outlook.works[None, None, :]
    overrun = works * overrun_factor[:, :, :n_p]  # (1, K, P)

    zero = np.zeros_like(profit)
    cash = {"municipality": zero.copy(), "developer": profit - land, "jv": zero.copy()}
    cash[coop.land_receiver] = cash[coop.land_receiver] + land
    cash[coop.social_land_receiver] = cash[coop.social_land_receiver] + social
    payer = coop.works_payer
    if payer == "developer":
        cash[payer] = cash[payer] - works - overrun
    else:
        cash[payer] = cash[payer] - works - (1 - r) * overrun
        cash["developer"] = cash["developer"] - r * overrun
    buyouts = outlook.buyout_business[None, None, :]
    cash[coop.acquisition_payer] = cash[coop.acquisition_payer] - buyouts
    if coop.buys_developer_land:
        devland = outlook.buyout_developer[None, None, :]
        cash[coop.acquisition_payer] = cash[coop.acquisition_payer] - devland
        cash["developer"] = cash["developer"] + devland

    municipality = developer = revenue = needed = None
    if side != "developer":
        municipality = (cash["municipality"] + coop.municipal_share("jv") * cash["jv"]) @ mun_df
    if side != "municipality":
        developer = (cash["developer"] + coop.developer_share("jv") * cash["jv"]) @ dev_df
        mean_m = m.mean(axis=0)
        revenue = (owner_mean * mean_m + rental_rev) @ dev_df
        needed = (outlook.margin * owner_mean * mean_m + outlook.rental_margin * rental_rev) @ dev_df
    return Valuation(municipality, developer, revenue, needed, float(outlook.homes.sum()), affordable)


ACCOUNTS = ("municipality", "developer", "jv")
"""The parties a cooperation model routes an area's cash to (its ``*_payer`` and ``*_receiver`` attributes)."""


def _one_account(packages: tuple, account: str, start: np.ndarray | None, overrun: np.ndarray) -> np.ndarray | None:
    """(T, K, P) cash of one account as :func:`_on_ensemble` books it, the same operations in the same order on
    every element, skipping the other accounts' (element-wise arithmetic: each element is the same double).

    ``start``: the account's opening cash, or None for zeros (the municipality's and the joint venture's).
    While an account is still zero it is kept as None and its first posting is ``0.0 ± value``, as in the
    zero array; parts that vary only over packages or phases stay (T, 1, P) until a posting varies over the
    ensemble. None if nothing was posted to a zero account (all zeros).
    """
    outlook, n_p, coop, owner_mean, rental_rev, build, land, social, r, affordable, discounts, homes = packages
    payer, acquirer = coop.works_payer, coop.acquisition_payer
    for to in (coop.land_receiver, coop.social_land_receiver, payer, acquirer):
        if to not in ACCOUNTS:
            raise KeyError(to)
    cash = start
    # _on_ensemble's postings in its order, those to this account only (each a ``_post``)
    if coop.land_receiver == account:
        cash = _post(cash, land, 1)
    if coop.social_land_receiver == account:
        cash = _post(cash, social, 1)
    if payer == account:
        cash = _post(cash, outlook.works[None, None, :], -1)
        cash = _post(cash, overrun if payer == "developer" else (1 - r) * overrun, -1)
    if payer != "developer" and account == "developer":
        cash = _post(cash, r * overrun, -1)
    if acquirer == account:
        cash = _post(cash, outlook.buyout_business[None, None, :], -1)
    if coop.buys_developer_land:
        devland = outlook.buyout_developer[None, None, :]
        if acquirer == account:
            cash = _post(cash, devland, -1)
        if account == "developer":
            cash = _post(cash, devland, 1)
    return cash


def _post(cash: np.ndarray | None, value: np.ndarray, sign: int) -> np.ndarray:
    """``cash ± value``, or ``0.0 ± value`` while the account is still zero (None), as posting to a zero array."""
    if cash is None:
        return np.add(0.0, value) if sign > 0 else np.subtract(0.0, value)
    return cash + value if sign > 0 else cash - value


def _with_jv(own: np.ndarray | None, share: float, jv: np.ndarray | None, shape: tuple[int, int, int]) -> np.ndarray:
    """``own + share · jv`` as :func:`_on_ensemble` adds it (None: the zero array; jv None so ``share · 0.0``
    per element), as a fresh C-ordered array of ``shape`` (the operand of the discounting product).

    C order as party_npvs' operand has (checked under every routing of cash in tests/test_negotiation_fastpath.py):
    the product's summation (BLAS) depends on the operand's layout, not only on its values. (Postings made in
    place, which would keep the first array's layout, were tried: no faster.)
    """
    if own is None:
        own = np.zeros(shape)
    total = np.add(own, share * (0.0 if jv is None else jv), order="C")
    if total.shape != shape:
        total = np.broadcast_to(total, shape).copy()
    return total


def developer_npvs(packages: tuple, m: np.ndarray, mean_m: np.ndarray, overrun_factor: np.ndarray,
                   dev_df: np.ndarray) -> Valuation:
    """The developer's side of :func:`_on_ensemble` (the same arrays), without the municipality's cash.

    Args:
        m: (K, P) the developer's price multipliers at the phases' lags (``multipliers[:, lag]``);
        mean_m: ``m.mean(axis=0)``; overrun_factor: (1, K, ≥P); dev_df: (P,) its discount factors.
    """
    outlook, n_p, coop, owner_mean, rental_rev, build, land, social, r, affordable, discounts, homes = packages
    owner_rev = owner_mean[:, None, :] * m[None, :, :]  # (T, K, P)
    profit = owner_rev * (1 - outlook.sales_cost_share) + (rental_rev - build)[:, None, :]
    overrun = outlook.works[None, None, :] * overrun_factor[:, :, :n_p]  # (1, K, P)
    shape = profit.shape
    developer = _one_account(packages, "developer", profit - land, overrun)
    jv = _one_account(packages, "jv", None, overrun)
    developer = _with_jv(developer, coop.developer_share("jv"), jv, shape) @ dev_df
    revenue = (owner_mean * mean_m + rental_rev) @ dev_df
    needed = (outlook.margin * owner_mean * mean_m + outlook.rental_margin * rental_rev) @ dev_df
    return Valuation(None, developer, revenue, needed, homes, affordable)


def municipal_npvs(packages: tuple, overrun_factor: np.ndarray, mun_df: np.ndarray) -> Valuation:
    """The municipality's side of :func:`_on_ensemble` (the same arrays): its cash does not depend on the
    price multipliers, only on its imagined overruns (``overrun_factor`` (1, K, ≥P)); mun_df: (P,)."""
    outlook, n_p, coop, owner_mean, rental_rev, build, land, social, r, affordable, discounts, homes = packages
    overrun = outlook.works[None, None, :] * overrun_factor[:, :, :n_p]  # (1, K, P)
    shape = (land.shape[0], overrun.shape[1], n_p)
    municipality = _one_account(packages, "municipality", None, overrun)
    jv = _one_account(packages, "jv", None, overrun)
    municipality = _with_jv(municipality, coop.municipal_share("jv"), jv, shape) @ mun_df
    return Valuation(municipality, None, None, None, homes, affordable)


@dataclass(frozen=True)
class Preferences:
    """What each side needs to sign (from scenario parameters)."""

    developer_risk_aversion: float
    municipal_risk_aversion: float
    max_deficit_per_home: float  # €/home the municipality accepts
    affordable_home_value: float  # €/home the municipality adds for each affordable home
    budget_left: float  # € the municipality can still provide for this area's losses
    municipal_support: float = 0.0  # € fund money committed to the municipality for the area
    developer_support: float = 0.0  # € fund money committed to the developer for the area
    conditions: tuple[tuple[float, float], ...] = ()  # (€ at stake, minimum affordable share): grant kept only if met


def scores(values: np.ndarray, risk_aversion: float, tail: float = 0.05) -> np.ndarray:
    """Row-wise risk-adjusted score (€) of (T, K) outcomes: (1 − λ)·mean + λ·CVaR at ``tail``."""
    n = values.shape[1]
    k = max(1, math.ceil(tail * n))
    # np.partition and ndarray.mean without their Python wrappers, the same numpy calls: a copy partitioned
    # in place, and a mean as numpy takes it (np.add.reduce over the axis, then divided by the count).
    worst = values.copy(order="K")
    worst.partition(k - 1, axis=1)
    return (1 - risk_aversion) * (np.add.reduce(values, axis=1) / n) + \
        risk_aversion * (np.add.reduce(worst[:, :k], axis=1) / k)


def developer_surplus(v: Valuation, prefs: Preferences) -> np.ndarray:
    """(T,) € the developer gains over walking away: risk-adjusted NPV minus its required margin."""
    return scores(v.developer, prefs.developer_risk_aversion) - v.required_margin + prefs.developer_support


def conditional_grants(v: Valuation, prefs: Preferences) -> np.ndarray:
    """(T,) € of grants the municipality keeps under each package: a grant whose scheme sets a minimum
    affordable share counts only for packages whose programme (unstarted phases) reaches it."""
    share = v.affordable_homes / max(v.homes, 1.0)
    kept = np.zeros_like(share)
    for amount, minimum in prefs.conditions:
        kept = kept + amount * (share >= minimum - 1e-9)
    return kept


def municipal_surplus(v: Valuation, prefs: Preferences) -> np.ndarray:
    """(T,) € the municipality gains: risk-adjusted NPV + the loss it accepts + value of affordable homes
    + fund money for the area (a grant with a programme condition only where the package meets it)."""
    loss_room = min(prefs.max_deficit_per_home * v.homes, prefs.budget_left)
    # without conditions the grants are zeros: + 0.0 per element, as adding conditional_grants' zero array
    grants = conditional_grants(v, prefs) if prefs.conditions else 0.0
    return scores(v.municipality, prefs.municipal_risk_aversion) + loss_room + \
        prefs.affordable_home_value * v.affordable_homes + prefs.municipal_support + grants

"""The sparse land-development projection gives the dense one's floats bit for bit (a refactor guard).

``grex.project_sparse`` replaces numpy on (80,) arrays in the municipality's hot path (its year-end and
opening valuations); results must stay byte-identical, so the check here is exact equality of every
figure over many random sparse accounts, not a tolerance.
"""

from __future__ import annotations

import random

import numpy as np

from sim.finance import grex


def _random_account(rng: random.Random, n: int) -> tuple[dict[int, float], dict[int, float]]:
    costs: dict[int, float] = {}
    revenues: dict[int, float] = {}
    for _ in range(rng.randint(0, 10)):
        q = rng.randrange(n)
        costs[q] = costs.get(q, 0.0) + rng.uniform(0, 1e7) * rng.random() ** 3
    for _ in range(rng.randint(0, 6)):
        q = rng.randrange(n)
        revenues[q] = revenues.get(q, 0.0) + rng.uniform(0, 3e7) * rng.random() ** 3
    return costs, revenues


def test_sparse_projection_equals_dense_bit_for_bit():
    rng = random.Random(7)
    for n in (80, 16, 12, 5):  # 80: the municipality's horizon; others take the dense fallback
        for _ in range(2000 if n == 80 else 200):
            costs, revenues = _random_account(rng, n)
            args = (rng.choice([0.02, 0.03]), rng.uniform(-0.05, 0.08), rng.uniform(0.01, 0.06), 0.04)
            dense_c, dense_r = np.zeros(n), np.zeros(n)
            for q, v in costs.items():
                dense_c[q] = v
            for q, v in revenues.items():
                dense_r[q] = v
            ref = grex.project(dense_c, dense_r, *args)
            got, total_c, total_r = grex.project_sparse(costs, revenues, n, *args)
            assert (got.npv, got.nominal_result, got.book_value_end) == (ref.npv, ref.nominal_result, ref.book_value_end)
            assert (total_c, total_r) == (dense_c.sum(), dense_r.sum())
            assert type(got.npv) is float and type(total_c) is np.float64  # types as before: sum() rounds them differently


def test_npv_alone_equals_the_full_sparse_projection_bit_for_bit():
    """``grex.npv_sparse`` (the municipality's opening verdict) is ``project_sparse(...)[0].npv``, exactly."""
    rng = random.Random(11)
    for n in (80, 16, 12, 5):  # 80: the municipality's horizon; others take the dense fallback
        for _ in range(2000 if n == 80 else 200):
            costs, revenues = _random_account(rng, n)
            cost_esc, rev_esc, rate, discount = (rng.choice([0.02, 0.03]), rng.uniform(-0.05, 0.08),
                                                 rng.uniform(0.01, 0.06), 0.04)
            ref = grex.project_sparse(costs, revenues, n, cost_esc, rev_esc, rate, discount)[0].npv
            assert grex.npv_sparse(costs, revenues, n, cost_esc, rev_esc, discount) == ref
            # numpy scalars as inputs (land values read from arrays) give the same doubles
            as_numpy = ({q: np.float64(v) for q, v in costs.items()}, {q: np.float64(v) for q, v in revenues.items()})
            assert grex.npv_sparse(*as_numpy, n, cost_esc, rev_esc, discount) == ref
            assert grex.project_sparse(*as_numpy, n, cost_esc, rev_esc, rate, discount)[0].npv == ref


def test_npv_and_totals_alone_equal_the_full_sparse_projection_bit_for_bit():
    """``grex.npv_totals_sparse`` (the municipality's year-end valuation) is ``project_sparse``'s NPV and totals,
    exactly and with the same types (the totals stay ``np.float64``), also for numpy-scalar inputs."""
    rng = random.Random(13)
    for n in (80, 16, 12, 5):  # 80: the municipality's horizon; others take the dense fallback
        for _ in range(2000 if n == 80 else 200):
            costs, revenues = _random_account(rng, n)
            cost_esc, rev_esc, rate, discount = (rng.choice([0.02, 0.03]), rng.uniform(-0.05, 0.08),
                                                 rng.uniform(0.01, 0.06), 0.04)
            projection, total_c, total_r = grex.project_sparse(costs, revenues, n, cost_esc, rev_esc, rate, discount)
            as_numpy = ({q: np.float64(v) for q, v in costs.items()}, {q: np.float64(v) for q, v in revenues.items()})
            for flows in ((costs, revenues), as_numpy):
                npv, got_c, got_r = grex.npv_totals_sparse(*flows, n, cost_esc, rev_esc, discount)
                assert (npv.hex(), float(got_c).hex(), float(got_r).hex()) == (
                    projection.npv.hex(), float(total_c).hex(), float(total_r).hex())
                assert type(npv) is float and type(got_c) is np.float64 and type(got_r) is np.float64

"""``areasim sensitivity RESULTS``: Sobol indices (first order and total, with confidence intervals).

Reads a Sobol experiment (``[design] kind = "sobol"``, e.g. ``experiments/sensitivity.toml``),
averages each outcome over replications per design point, and calls SALib's
``sobol.analyze`` on the Saltelli sample the experiment ran.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.errors import InputError  # noqa: E402
from sim.experiments.spec import Experiment  # noqa: E402
from sim.results import load  # noqa: E402

DEFAULT_OUTCOMES = ("homes_completed", "affordable_share", "public_cash_end", "areas_abandoned")


def sobol_indices(results: str | Path, outcomes: tuple[str, ...] = DEFAULT_OUTCOMES) -> pd.DataFrame:
    """Long table: outcome, parameter, S1, S1_conf, ST, ST_conf."""
    from SALib.analyze import sobol

    results = Path(results)
    spec = Experiment.model_validate(tomllib.loads((results / "experiment.toml").read_text()))
    if spec.design.kind != "sobol":
        raise InputError(str(results), "design.kind", spec.design.kind, "'sobol' (e.g. experiments/sensitivity.toml)",
                         problem="not a Sobol experiment")
    frame = load(results)
    expected = spec.design.samples * (len(spec.uncertainties) + 2)
    if frame["point"].nunique() != expected:
        raise InputError(str(results), "runs", f"{frame['point'].nunique()} design points",
                         f"all {expected} points of the Saltelli sample (finish it with --resume)",
                         problem="incomplete experiment")
    if spec.levers:
        first = {f"lever:{lv.path}": lv.values[0] for lv in spec.levers}
        for column, value in first.items():
            frame = frame[frame[column] == value]
    problem = {"num_vars": len(spec.uncertainties), "names": [u.path for u in spec.uncertainties],
               "bounds": [[u.low, u.high] for u in spec.uncertainties]}
    rows = []
    for outcome in outcomes:
        if outcome not in frame:
            raise InputError(str(results), "--outcome", outcome, ", ".join(sorted(c for c in frame.columns
                                                                                  if frame[c].dtype.kind in "if")))
        y = frame.groupby("point")[outcome].mean().sort_index().to_numpy(dtype=float)
        if np.allclose(y, y[0]):
            indices = {"S1": np.zeros(len(problem["names"])), "S1_conf": np.zeros(len(problem["names"])),
                       "ST": np.zeros(len(problem["names"])), "ST_conf": np.zeros(len(problem["names"]))}
        else:
            indices = sobol.analyze(problem, y, calc_second_order=False, seed=int(spec.seed % 2**32),
                                    print_to_console=False)
        for k, name in enumerate(problem["names"]):
            rows.append({"outcome": outcome, "parameter": name, "S1": float(indices["S1"][k]),
                         "S1_conf": float(indices["S1_conf"][k]), "ST": float(indices["ST"][k]),
                         "ST_conf": float(indices["ST_conf"][k])})
    return pd.DataFrame(rows)


def plot_indices(table: pd.DataFrame, path: Path) -> Path:
    outcomes = list(dict.fromkeys(table["outcome"]))
    fig, axes = plt.subplots(len(outcomes), 1, figsize=(9, 2.6 * len(outcomes)), constrained_layout=True,
                             squeeze=False)
    for ax, outcome in zip(axes[:, 0], outcomes, strict=True):
        part = table[table["outcome"] == outcome]
        y = np.arange(len(part))
        ax.barh(y - 0.2, part["S1"], 0.4, xerr=part["S1_conf"], label="first order (S1)", color="#377eb8")
        ax.barh(y + 0.2, part["ST"], 0.4, xerr=part["ST_conf"], label="total (ST)", color="#ff7f00")
        ax.set_yticks(y, part["parameter"], fontsize=8)
        ax.set_xlim(left=min(0, float(part[["S1", "ST"]].min().min()) - 0.05))
        ax.set_title(f"Sobol indices: {outcome}", fontsize=10)
        ax.legend(fontsize=7, loc="lower right")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def run_sensitivity(results: str | Path, outcomes: tuple[str, ...] = DEFAULT_OUTCOMES,
                    out: str | Path | None = None) -> tuple[pd.DataFrame, Path]:
    results = Path(results)
    out = Path(out) if out is not None else results / "sensitivity"
    out.mkdir(parents=True, exist_ok=True)
    table = sobol_indices(results, outcomes)
    table.to_csv(out / "sobol_indices.csv", index=False)
    return table, plot_indices(table, out / "sobol_indices.png")

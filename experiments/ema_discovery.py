"""Scenario discovery: under which conditions does the Woningbouwimpuls design fail to deliver its homes?

    .venv/bin/python experiments/ema_discovery.py [--scenarios 200]

Runs EMA Workbench's perform_experiments on areasim (uncertainties from ema_discovery.toml),
marks futures where fewer than `--share` of the planned homes are completed as failures, and
runs PRIM to find the box of conditions in which failures concentrate. Writes
results/ema_discovery/{experiments.csv, outcomes.csv, prim_box.txt}.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from ema_workbench import SequentialEvaluator, perform_experiments

from sim.ema import ema_model, ema_names, prim_boxes

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--share", type=float, default=0.85, help="failure: homes completed below this share")
    parser.add_argument("--out", type=Path, default=Path("results/ema_discovery"))
    args = parser.parse_args()
    model = ema_model(str(HERE / "ema_discovery.toml"), outcomes=("homes_completed", "homes_planned", "fund_paid"))
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=args.scenarios, evaluator=evaluator,
                                                    uncertainty_sampling_kwargs={"rng": 42})
    share = outcomes["homes_completed"] / outcomes["homes_planned"]
    failed = share < args.share
    rule = f"< {args.share:.0%} of planned homes completed"
    if failed.all() or not failed.any():  # the fixed bar does not separate these futures: use the worst quarter
        cut = float(pd.Series(share).quantile(0.25))
        failed = share <= cut
        rule = f"in the worst quarter of futures (completion share <= {cut:.0%}; the {args.share:.0%} bar did not separate)"
    args.out.mkdir(parents=True, exist_ok=True)
    experiments.to_csv(args.out / "experiments.csv", index=False)
    pd.DataFrame(outcomes).assign(completion_share=share, failed=failed).to_csv(args.out / "outcomes.csv", index=False)
    finder, box = prim_boxes(experiments, failed)
    names = ema_names(str(HERE / "ema_discovery.toml"))
    stats, limits = box.inspect(style="data")[0]
    text = [f"{int(failed.sum())} of {len(failed)} futures fail ({rule})",
            f"PRIM box: coverage {stats['coverage']:.2f}, density {stats['density']:.2f}, "
            f"{int(stats['res_dim'])} restricted dimension(s)", "limits:", limits.to_string(), "parameter names:",
            *[f"  {k} = {v}" for k, v in names.items()]]
    (args.out / "prim_box.txt").write_text("\n".join(text) + "\n")
    print("\n".join(text))


if __name__ == "__main__":
    main()

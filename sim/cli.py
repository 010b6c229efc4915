"""The ``areasim`` command line.

    areasim run [SCENARIO] [--seed N] [--years N] [--out DIR] [--quiet]
    areasim check SCENARIO
    areasim explain RESULTS AREA
    areasim experiment FILE [--workers N] [--executor local|processes|dask] [--scheduler ADDRESS] [--resume]
    areasim results PATH
    areasim report RESULTS [--area AREA]
    areasim sensitivity RESULTS [--outcome NAME ...]
    areasim validation [--seeds N]
    areasim app [--port N]

User mistakes (bad files, fields, arguments) print one line and exit with code 2;
nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.errors import InputError

RESULTS_DIR = Path("results")


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str):  # noqa: D102
        self.exit(2, f"areasim: error: {message} (see 'areasim {self.prog.split()[-1]} --help')\n"
                  if " " in self.prog else f"areasim: error: {message} (see 'areasim --help')\n")


def _int_in(name: str, low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"--{name} = {text!r}: not an integer; allowed: {low}..{high}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"--{name} = {value}: out of range; allowed: {low}..{high}")
        return value
    return parse


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="areasim", description="Agent-based simulation of Dutch inner-city area "
                            "transformations.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    run = sub.add_parser("run", help="run a scenario and write results/<name>/")
    run.add_argument("scenario", nargs="?", default=None,
                     help="scenario file (TOML); default: the built-in scenarios/nl_programme.toml")
    run.add_argument("--seed", type=_int_in("seed", 0, 2**63 - 1), help="override the scenario's seed")
    run.add_argument("--years", type=_int_in("years", 1, 100), help="override the horizon (years)")
    run.add_argument("--out", type=Path, help="results folder (default: results/<scenario name>)")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary table")
    run.add_argument("--fund", action="append", default=[], metavar="DESIGN",
                     help="fund design (name in scenarios/funds/ or a path); repeat to compare designs")
    run.add_argument("--paired", action="store_true",
                     help="also run the no-fund baseline on the same future and report the fund's effect")
    run.add_argument("--from-experiment", type=Path, metavar="RESULTS",
                     help="reproduce one run of an experiment (with --run ID)")
    run.add_argument("--run", metavar="ID", help="run id in the experiment (see runs.parquet)")
    exp = sub.add_parser("experiment", help="run an experiment file (many runs), resumable")
    exp.add_argument("file", help="experiment file (TOML)")
    exp.add_argument("--workers", type=_int_in("workers", 1, 1024), default=1, help="parallel workers")
    exp.add_argument("--executor", choices=["local", "processes", "dask"], default=None,
                     help="local (serial), processes (default with --workers > 1) or dask")
    exp.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://127.0.0.1:8786")
    exp.add_argument("--resume", action="store_true", help="continue an interrupted experiment")
    exp.add_argument("--out", type=Path, help="results folder (default: results/<experiment name>)")
    exp.add_argument("--quiet", action="store_true", help="no progress bar")
    res = sub.add_parser("results", help="summarise an experiment's results folder")
    res.add_argument("path", type=Path, help="results folder of an experiment")
    rep = sub.add_parser("report", help="policy report (HTML + PNG) comparing fund designs of an experiment")
    rep.add_argument("results", type=Path, help="results folder of an experiment with a funds.design lever")
    rep.add_argument("--area", help="area for the business-case waterfall (default: largest public loss)")
    rep.add_argument("--out", type=Path, help="output folder (default: RESULTS/report)")
    app = sub.add_parser("app", help="start the interactive teaching app on localhost (Solara)")
    app.add_argument("--port", type=_int_in("port", 1024, 65535), default=8765)
    app.add_argument("--host", default="127.0.0.1")
    val = sub.add_parser("validation", help="replay 2005-2024 and write docs/validation.md")
    val.add_argument("--seeds", type=_int_in("seeds", 1, 1000), default=10, help="replay seeds")
    val.add_argument("--stochastic-seeds", type=_int_in("stochastic-seeds", 1, 1000), default=10)
    val.add_argument("--out", type=Path, default=Path("docs/validation.md"), help="Markdown file to write")
    sens = sub.add_parser("sensitivity", help="Sobol indices (SALib) from a Sobol experiment")
    sens.add_argument("results", type=Path, help="results folder of a Sobol experiment")
    sens.add_argument("--outcome", action="append", help="outcome column (repeatable)")
    sens.add_argument("--out", type=Path, help="output folder (default: RESULTS/sensitivity)")
    check = sub.add_parser("check", help="validate a scenario file without running it")
    check.add_argument("scenario", help="scenario file (TOML)")
    explain = sub.add_parser("explain", help="tell why an area went, stalled or collapsed, with numbers")
    explain.add_argument("results", type=Path, help="results folder of a run (e.g. results/nl_programme)")
    explain.add_argument("area", help="area name")
    return parser


def load_for_run(path: str | None, years: int | None = None):
    """Load, override and fully check a scenario; returns (scenario, source path, fund design)."""
    from sim.plugins import check_plugins
    from sim.scenario import DEFAULT_SCENARIO, from_dict, read_toml

    source = str(path) if path is not None else str(DEFAULT_SCENARIO)
    data = read_toml(source)
    if years is not None:
        data["horizon_years"] = years
    scenario = from_dict(data, source)
    design = check_plugins(scenario, source)
    return scenario, source, design


def cmd_check(args) -> int:
    scenario, source, _ = load_for_run(args.scenario)
    homes = sum(a.homes for a in scenario.areas)
    print(f"{source}: ok — {len(scenario.areas)} areas, {homes:,} homes, {len(scenario.regions)} regions, "
          f"{scenario.horizon_years} years from {scenario.start_year}")
    return 0


def cmd_run(args) -> int:
    from sim.funds.design import load_design
    from sim.scenario import file_hash

    if args.from_experiment is not None or args.run is not None:
        return cmd_run_from_experiment(args)
    scenario, source, design = load_for_run(args.scenario, args.years)
    base_dir = Path(source).parent
    designs = [load_design(name, base_dir, "--fund", "") for name in args.fund] or [design]
    if args.paired and all(d.name == "none" for d in designs):
        raise InputError("", "--paired", "without --fund", "--paired together with --fund DESIGN (or a scenario "
                         "whose [funds] design is not 'none')", problem="nothing to compare")
    out = args.out if args.out is not None else RESULTS_DIR / scenario.name
    if out.exists() and not out.is_dir():
        raise InputError("", "--out", str(out), "a folder path (existing folders are replaced)",
                         problem="is a file")
    digest = file_hash(source)
    if not args.paired and len(designs) == 1:
        _, summary = run_one(scenario, designs[0], args.seed, out, source, digest, args.quiet)
        if not args.quiet:
            from sim.output.console import print_summary
            print_summary(summary, out)
        return 0
    return run_paired(scenario, designs, args, out, source, digest)


def run_one(scenario, design, seed, out, source, digest, quiet):
    """Run one scenario with one fund design and write its results folder; returns (model, summary)."""
    from sim.model import AreaModel
    from sim.output import write_results
    from sim.output.console import progress_bar

    model = AreaModel(scenario, seed=seed, fund_design=design)
    label = f"{scenario.name} · {design.name} (seed {model.seed})"
    with progress_bar(model.n_quarters, label, quiet) as advance:
        model.run(progress=advance)
    summary = write_results(model, out, source, digest, extra={"fund_design": design.name})
    return model, summary


def run_paired(scenario, designs, args, out, source, digest) -> int:
    """Baseline plus each design on the same seed; write and print the paired comparison."""
    import json

    import pandas as pd

    from sim.funds.design import NO_FUND
    from sim.funds.metrics import homes_by_year, paired_comparison
    from sim.output.console import print_paired

    base, _ = run_one(scenario, NO_FUND, args.seed, out, source, digest, args.quiet)
    rows = []
    by_year = [homes_by_year(base).assign(design="none")]
    for design in designs:
        treated, _ = run_one(scenario, design, args.seed, out.with_name(f"{out.name}__{design.name}"), source,
                             digest, args.quiet)
        rows.append(paired_comparison(base, treated))
        by_year.append(homes_by_year(treated).assign(design=design.name))
    table = pd.DataFrame(rows)
    target = out.with_name(f"{out.name}__paired")
    target.mkdir(parents=True, exist_ok=True)
    table.to_csv(target / "paired.csv", index=False)
    pd.concat(by_year, ignore_index=True).to_csv(target / "homes_by_year.csv", index=False)
    (target / "paired.json").write_text(json.dumps(rows, indent=2, default=float) + "\n")
    if not args.quiet:
        print_paired(table, target)
    return 0


def cmd_run_from_experiment(args) -> int:
    """Reproduce one stored experiment run exactly, write its full results, and check its outcomes."""
    import json
    import math

    import pandas as pd

    from sim.experiments.task import outcomes_of, run_model
    from sim.output import write_results
    from sim.results import load

    if args.from_experiment is None or args.run is None:
        raise InputError("", "--from-experiment/--run", "one of them", "both --from-experiment RESULTS and --run ID")
    root = args.from_experiment
    runs = load(root, "runs")
    row = runs[runs["run_id"] == args.run]
    if row.empty:
        raise InputError(str(root), "--run", args.run, f"a run id of this experiment, e.g. {runs['run_id'].iloc[0]}",
                         problem="no such run")
    row = row.iloc[0]
    overrides = [(c.split(":", 1)[1], row[c].item() if hasattr(row[c], "item") else row[c])
                 for c in runs.columns if c.startswith(("lever:", "uncertainty:")) and pd.notna(row[c])]
    task = {"run_id": args.run, "scenario": json.loads((root / "scenario.json").read_text()), "overrides": overrides,
            "seed": int(row["seed"]), "fund_designs": json.loads((root / "fund_designs.json").read_text()),
            "collect": "quarterly"}  # all result files, as `areasim run` writes them
    model = run_model(task)
    outcomes = outcomes_of(model)
    stored = load(root)
    stored = stored[stored["run_id"] == args.run]
    differ = [] if stored.empty else [
        k for k, v in outcomes.items() if k in stored.columns and not (
            (v is None and pd.isna(stored[k].iloc[0])) or stored[k].iloc[0] == v
            or (isinstance(v, float) and math.isclose(stored[k].iloc[0], v, rel_tol=0, abs_tol=0)))]
    out = args.out if args.out is not None else RESULTS_DIR / f"{root.name}__{args.run}"
    write_results(model, out, str(root / "scenario.json"), "from-experiment",
                  extra={"experiment": str(root), "run_id": args.run, "overrides": overrides})
    status = ("not in the stored outcomes (run failed or pending)" if stored.empty else
              "outcomes identical to the stored run" if not differ else f"outcomes DIFFER: {', '.join(differ)}")
    print(f"run {args.run} (seed {task['seed']}) written to {out}/; {status}")
    return 0 if not differ else 1


def cmd_experiment(args) -> int:
    from sim.experiments import run_experiment

    if args.scheduler and args.executor not in (None, "dask"):
        raise InputError("", "--scheduler", args.scheduler, "only with --executor dask")
    executor = "dask" if args.scheduler and args.executor is None else args.executor
    final = run_experiment(args.file, args.out, args.workers, executor, args.scheduler, args.resume, args.quiet)
    out = args.out if args.out is not None else RESULTS_DIR / final["experiment"]
    if not args.quiet:
        print(f"{final['runs_done']}/{final['runs_total']} runs done, {final['runs_failed']} failed -> {out}/ "
              f"(this session: {final['runs_this_session']} runs in {final['elapsed_seconds_this_session']:.1f} s)")
    return 0 if final["runs_failed"] == 0 else 1


def cmd_results(args) -> int:
    from sim.results import summary_text

    print(summary_text(args.path))
    return 0


def cmd_report(args) -> int:
    from sim.reports.policy import build_report

    path = build_report(args.results, args.out, args.area)
    print(f"report: {path} (figures and headline.csv beside it)")
    return 0


def cmd_sensitivity(args) -> int:
    from sim.reports.sensitivity import DEFAULT_OUTCOMES, run_sensitivity

    table, png = run_sensitivity(args.results, tuple(args.outcome or DEFAULT_OUTCOMES), args.out)
    with_conf = table.assign(S1=table["S1"].map("{:.2f}".format) + " ± " + table["S1_conf"].map("{:.2f}".format),
                             ST=table["ST"].map("{:.2f}".format) + " ± " + table["ST_conf"].map("{:.2f}".format))
    print(with_conf[["outcome", "parameter", "S1", "ST"]].to_string(index=False))
    print(f"figure: {png}")
    return 0


def cmd_app(args) -> int:
    from sim.app.serve import serve

    print(f"areasim app on http://{args.host}:{args.port}  (Ctrl-C to stop)", flush=True)
    return serve(args.host, args.port)


def cmd_validation(args) -> int:
    from sim.validation.report import write_validation

    path = write_validation(args.out, args.seeds, args.stochastic_seeds)
    print(f"validation report: {path}")
    return 0


def cmd_explain(args) -> int:
    from sim.output.explain import explain

    print(explain(args.results, args.area))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        commands = {"run": cmd_run, "check": cmd_check, "explain": cmd_explain, "experiment": cmd_experiment,
                    "results": cmd_results, "report": cmd_report, "sensitivity": cmd_sensitivity,
                    "validation": cmd_validation, "app": cmd_app}
        return commands[args.command](args)
    except InputError as exc:
        print(f"areasim: error: {exc.one_line()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("areasim: interrupted; nothing written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

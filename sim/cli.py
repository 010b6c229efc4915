"""The ``areasim`` command line.

    areasim run [SCENARIO] [--seed N] [--years N] [--out DIR] [--quiet] [--fund DESIGN ...] [--paired]
    areasim check SCENARIO
    areasim explain RESULTS AREA
    areasim experiment FILE [--workers N] [--executor local|processes|dask] [--scheduler ADDRESS] [--resume]
    areasim results PATH
    areasim report RESULTS [--area AREA]
    areasim sensitivity RESULTS [--outcome NAME ...]
    areasim validation [--seeds N]
    areasim app [--port N]

User mistakes (bad files, fields, arguments, output folders) print one line and exit with
code 2; nothing is written. Everything a command will use is validated, and every folder or
file it will write is checked, before anything runs. A results folder is replaced only if
areasim wrote it (``--force`` to replace any other). SIGTERM interrupts like Ctrl-C: partial
output is removed.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import signal
import sys
from pathlib import Path

from sim.errors import InputError, printable

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


def _path_arg(name: str):
    """A path argument that is not empty and holds no control characters."""
    def parse(text: str) -> Path:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"--{name} = {text!r}: empty path; allowed: a path")
        if not text.isprintable():
            raise argparse.ArgumentTypeError(f"--{name} = {text!r}: control characters in the path; "
                                             "allowed: a path of printable characters")
        return Path(text)
    return parse


SCHEDULER = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
                       r"(?::(?P<port>\d{1,5}))?/?$")


def check_scheduler(address: str) -> None:
    """A Dask scheduler address: [tcp|tls|ws|wss|ucx://]host[:port] (checked before connecting)."""
    m = SCHEDULER.match(address)
    if not m or (m.group("port") and not 1 <= int(m.group("port")) <= 65535):
        raise InputError("", "--scheduler", address, "an address like tcp://127.0.0.1:8786",
                         problem="not a scheduler address")


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="areasim", description="Agent-based simulation of Dutch inner-city area "
                            "transformations.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    run = sub.add_parser("run", help="run a scenario and write results/<name>/")
    run.add_argument("scenario", nargs="?", default=None,
                     help="scenario file (TOML); default: the built-in scenarios/nl_programme.toml")
    run.add_argument("--seed", type=_int_in("seed", 0, 2**63 - 1), help="override the scenario's seed")
    run.add_argument("--years", type=_int_in("years", 1, 100), help="override the horizon (years)")
    run.add_argument("--out", type=_path_arg("out"), help="results folder (default: results/<scenario name>)")
    run.add_argument("--force", action="store_true",
                     help="replace --out even if it is a non-empty folder areasim did not write")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary table")
    run.add_argument("--fund", action="append", default=[], metavar="DESIGN",
                     help="fund design (name in scenarios/funds/ or a path); repeat to compare designs")
    run.add_argument("--paired", action="store_true",
                     help="also run the no-fund baseline on the same future and report the fund's effect; "
                          "writes OUT/baseline, OUT/<design> and OUT/paired")
    run.add_argument("--from-experiment", type=_path_arg("from-experiment"), metavar="RESULTS",
                     help="reproduce one run of an experiment (with --run ID)")
    run.add_argument("--run", metavar="ID", help="run id in the experiment (see runs.parquet)")
    exp = sub.add_parser("experiment", help="run an experiment file (many runs), resumable")
    exp.add_argument("file", help="experiment file (TOML)")
    exp.add_argument("--workers", type=_int_in("workers", 1, 256), default=1,
                     help="parallel workers (local processes: at most twice the CPUs)")
    exp.add_argument("--executor", choices=["local", "processes", "dask"], default=None,
                     help="local (serial), processes (default with --workers > 1) or dask")
    exp.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://127.0.0.1:8786")
    exp.add_argument("--resume", action="store_true", help="continue an interrupted experiment")
    exp.add_argument("--out", type=_path_arg("out"), help="results folder (default: results/<experiment name>)")
    exp.add_argument("--force", action="store_true",
                     help="start again in --out, replacing its results or any other non-empty folder")
    exp.add_argument("--quiet", action="store_true", help="no progress bar")
    res = sub.add_parser("results", help="summarise an experiment's results folder")
    res.add_argument("path", type=Path, help="results folder of an experiment")
    rep = sub.add_parser("report", help="policy report (HTML + PNG) comparing fund designs of an experiment")
    rep.add_argument("results", type=Path, help="results folder of an experiment with a funds.design lever")
    rep.add_argument("--area", help="area for the business-case waterfall (default: largest public loss)")
    rep.add_argument("--out", type=_path_arg("out"), help="output folder (default: RESULTS/report)")
    rep.add_argument("--force", action="store_true", help="replace --out even if areasim did not write it")
    app = sub.add_parser("app", help="start the interactive teaching app on localhost (Solara)")
    app.add_argument("--port", type=_int_in("port", 1024, 65535), default=8765)
    app.add_argument("--host", default="127.0.0.1")
    val = sub.add_parser("validation", help="replay 2005-2024 and write docs/validation.md")
    val.add_argument("--seeds", type=_int_in("seeds", 1, 1000), default=10, help="replay seeds")
    val.add_argument("--stochastic-seeds", type=_int_in("stochastic-seeds", 1, 1000), default=10)
    val.add_argument("--out", type=_path_arg("out"), default=Path("docs/validation.md"), help="Markdown file to write")
    sens = sub.add_parser("sensitivity", help="Sobol indices (SALib) from a Sobol experiment")
    sens.add_argument("results", type=Path, help="results folder of a Sobol experiment")
    sens.add_argument("--outcome", action="append", help="outcome column (repeatable)")
    sens.add_argument("--out", type=_path_arg("out"), help="output folder (default: RESULTS/sensitivity)")
    sens.add_argument("--force", action="store_true", help="replace --out even if areasim did not write it")
    check = sub.add_parser("check", help="validate a scenario file without running it")
    check.add_argument("scenario", help="scenario file (TOML)")
    explain = sub.add_parser("explain", help="tell why an area went, stalled or collapsed, with numbers")
    explain.add_argument("results", type=Path, help="results folder of a run (e.g. results/nl_programme)")
    explain.add_argument("area", help="area name")
    return parser


def load_for_run(path: str | None, years: int | None = None):
    """Load, override and fully check a scenario; returns (scenario, source path, fund design).

    The same checks as ``areasim check`` (:func:`sim.scenario.inputs.load_run_inputs`, which goes
    through :func:`sim.scenario.inputs.check_data` like :func:`sim.scenario.inputs.check_file`).
    """
    from sim.scenario.inputs import load_run_inputs

    scenario, source, design, _ = load_run_inputs(path, years)
    return scenario, source, design


def cmd_check(args) -> int:
    from sim.scenario.inputs import check_file

    scenario, source = check_file(args.scenario)
    homes = sum(a.homes for a in scenario.areas)
    print(f"{source}: ok — {len(scenario.areas)} areas, {homes:,} homes, {len(scenario.regions)} regions, "
          f"{scenario.horizon_years} years from {scenario.start_year}")
    return 0


def check_and_exit(args) -> int:
    """``areasim check`` as a whole process: the check, with the garbage collector out of the way.

    A process that reads one file, prints one line and ends makes no cyclic garbage worth collecting
    (``gc.disable``), and its exit need not collect the objects pydantic and the schema created
    (``gc.freeze`` puts them out of the collector's reach; the operating system frees the memory).
    Nothing is left to write at exit: the file was read in a ``with`` block, and the interpreter
    flushes stdout and stderr as always. Together ~0.05-0.1 s of a ~0.4 s command (docs/performance.md,
    sixth session). Only for the process's own command (``main()`` without ``argv``), not for callers
    of :func:`main` in a longer-lived process.
    """
    gc.disable()
    try:
        return cmd_check(args)
    finally:
        gc.freeze()


PAIRED_WRITTEN_BY = "areasim run --paired"
RESERVED = ("baseline", "paired")


def paired_layout(out: Path, designs) -> dict[str, Path]:
    """Every folder a paired run writes, all inside ``out``: the no-fund baseline, one per design, the comparison."""
    names = [d.name for d in designs]
    for name in names:
        if name in RESERVED or names.count(name) > 1:
            raise InputError("", "--fund", name, "fund designs with distinct names other than "
                             + " and ".join(repr(r) for r in RESERVED),
                             problem="its results folder would clash inside --out")
    return {"baseline": out / "baseline", **{n: out / n for n in names}, "paired": out / "paired"}


def check_paired_out(out: Path, force: bool) -> None:
    """--out of a paired run: new, empty, a folder an earlier ``run --paired`` wrote, or any other with --force."""
    from sim.output.target import check_out, read_manifest

    state = check_out(out, "--out", force=force, accept=("output",))
    written_by = (read_manifest(out) or {}).get("written_by")
    if state == "own" and written_by != PAIRED_WRITTEN_BY and not force:
        raise InputError("", "--out", str(out), "a new or empty folder, or one an earlier 'areasim run --paired' "
                         "wrote (or --force to replace it)", problem=f"folder was written by {written_by}")


def cmd_run(args) -> int:
    from sim.output.target import check_out
    from sim.scenario import file_hash
    from sim.scenario.inputs import load_fund_designs

    if args.from_experiment is not None or args.run is not None:
        return cmd_run_from_experiment(args)
    scenario, source, design = load_for_run(args.scenario, args.years)
    base_dir = Path(source).parent
    designs = load_fund_designs(args.fund, scenario, base_dir) or [design]
    if args.paired and all(d.name == "none" for d in designs):
        raise InputError("", "--paired", "without --fund", "--paired together with --fund DESIGN (or a scenario "
                         "whose [funds] design is not 'none')", problem="nothing to compare")
    out = args.out if args.out is not None else RESULTS_DIR / scenario.name
    single = not args.paired and len(designs) == 1
    if single:
        check_out(out, "--out", force=args.force, accept=("run",))
    else:
        paired_layout(out, designs)
        check_paired_out(out, args.force)
    digest = file_hash(source)
    if single:
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
    """Baseline plus each design on the same seed, all written inside ``out`` at once (nothing if anything fails);
    print the paired comparison and every path."""
    import json

    import pandas as pd

    from sim.funds.design import NO_FUND
    from sim.funds.metrics import homes_by_year, paired_comparison
    from sim.output.console import print_paired
    from sim.output.writer import staged, write_output_manifest

    layout = paired_layout(out, designs)
    with staged(out) as tmp:
        inside = {key: tmp / path.name for key, path in layout.items()}
        base, _ = run_one(scenario, NO_FUND, args.seed, inside["baseline"], source, digest, args.quiet)
        rows = []
        by_year = [homes_by_year(base).assign(design="none")]
        for design in designs:
            treated, _ = run_one(scenario, design, args.seed, inside[design.name], source, digest, args.quiet)
            rows.append(paired_comparison(base, treated))
            by_year.append(homes_by_year(treated).assign(design=design.name))
        table = pd.DataFrame(rows)
        paired = inside["paired"]
        paired.mkdir()
        table.to_csv(paired / "paired.csv", index=False)
        pd.concat(by_year, ignore_index=True).to_csv(paired / "homes_by_year.csv", index=False)
        (paired / "paired.json").write_text(json.dumps(rows, indent=2, default=float) + "\n")
        write_output_manifest(paired, PAIRED_WRITTEN_BY, {"scenario": scenario.name, "seed": int(base.seed)})
        write_output_manifest(tmp, PAIRED_WRITTEN_BY, {"scenario": scenario.name, "seed": int(base.seed),
                                                        "designs": [d.name for d in designs]})
    if not args.quiet:
        print_paired(table, layout)
    return 0


def cmd_run_from_experiment(args) -> int:
    """Reproduce one stored experiment run exactly, write its full results, and check its outcomes."""
    import json
    import math

    import pandas as pd

    from sim.experiments.task import outcomes_of, run_model
    from sim.experiments.verify import require_results
    from sim.output import write_results
    from sim.output.target import check_out
    from sim.results import load

    if args.from_experiment is None or args.run is None:
        raise InputError("", "--from-experiment/--run", "one of them", "both --from-experiment RESULTS and --run ID")
    if args.fund or args.paired or args.years is not None or args.seed is not None or args.scenario is not None:
        raise InputError("", "--from-experiment", str(args.from_experiment), "only --run, --out, --force and --quiet "
                         "with it (the run's scenario, seed and design come from the experiment)",
                         problem="combined with SCENARIO, --seed, --years, --fund or --paired")
    root = args.from_experiment
    require_results(root, "--from-experiment")
    runs = load(root, "runs")
    row = runs[runs["run_id"] == args.run]
    if row.empty:
        raise InputError(str(root), "--run", args.run, f"a run id of this experiment, e.g. {runs['run_id'].iloc[0]}",
                         problem="no such run")
    row = row.iloc[0]
    out = args.out if args.out is not None else RESULTS_DIR / f"{root.name}__{args.run}"
    check_out(out, "--out", force=args.force, accept=("run",))
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
    write_results(model, out, str(root / "scenario.json"), "from-experiment",
                  extra={"experiment": str(root), "run_id": args.run, "overrides": overrides})
    status = ("not in the stored outcomes (run failed or pending)" if stored.empty else
              "outcomes identical to the stored run" if not differ else f"outcomes DIFFER: {', '.join(differ)}")
    print(f"run {args.run} (seed {task['seed']}) written to {out}/; {status}")
    return 0 if not differ else 1


def cmd_experiment(args) -> int:
    from sim.experiments import run_experiment

    if args.scheduler is not None:
        if args.executor not in (None, "dask"):
            raise InputError("", "--scheduler", args.scheduler, "only with --executor dask")
        check_scheduler(args.scheduler)
    executor = "dask" if args.scheduler and args.executor is None else args.executor
    final = run_experiment(args.file, args.out, args.workers, executor, args.scheduler, args.resume, args.quiet,
                           force=args.force)
    out = args.out if args.out is not None else RESULTS_DIR / final["experiment"]
    if not args.quiet:
        print(f"{final['runs_done']}/{final['runs_total']} runs done, {final['runs_failed']} failed -> {out}/ "
              f"(this session: {final['runs_this_session']} runs in {final['elapsed_seconds_this_session']:.1f} s)")
    return 0 if final["runs_failed"] == 0 else 1


def cmd_results(args) -> int:
    from sim.experiments.verify import require_results
    from sim.results import summary_text

    store = require_results(args.path, "PATH")
    print(summary_text(args.path))
    strays = store.strays()
    if strays:
        print(f"note: {len(strays)} stray file(s) in parts/ ignored (not named <run id>.parquet), e.g. "
              f"{printable(strays[0].relative_to(args.path))}")
    return 0


def derived_output(results: Path, out: Path | None, default: str, force: bool):
    """Check an output folder of ``report``/``sensitivity`` before anything is computed; returns (target, staged)."""
    from sim.output.target import check_out
    from sim.output.writer import staged

    target = Path(out) if out is not None else Path(results) / default
    check_out(target, "--out", force=force, accept=("output",))
    return target, staged(target)


def cmd_report(args) -> int:
    from sim.experiments.verify import require_results
    from sim.output.writer import write_output_manifest
    from sim.reports.policy import build_report

    require_results(args.results)
    target, staging = derived_output(args.results, args.out, "report", args.force)
    with staging as tmp:
        path = build_report(args.results, tmp, args.area)
        write_output_manifest(tmp, "areasim report", {"results": str(args.results)})
    print(f"report: {target / path.name} (figures and headline.csv beside it)")
    return 0


def cmd_sensitivity(args) -> int:
    from sim.experiments.verify import require_results
    from sim.output.writer import write_output_manifest
    from sim.reports.sensitivity import DEFAULT_OUTCOMES, run_sensitivity

    require_results(args.results)
    target, staging = derived_output(args.results, args.out, "sensitivity", args.force)
    with staging as tmp:
        table, png = run_sensitivity(args.results, tuple(args.outcome or DEFAULT_OUTCOMES), tmp)
        write_output_manifest(tmp, "areasim sensitivity", {"results": str(args.results)})
    png = target / png.name
    with_conf = table.assign(S1=table["S1"].map("{:.2f}".format) + " ± " + table["S1_conf"].map("{:.2f}".format),
                             ST=table["ST"].map("{:.2f}".format) + " ± " + table["ST_conf"].map("{:.2f}".format))
    print(with_conf[["outcome", "parameter", "S1", "ST"]].to_string(index=False))
    print(f"figure: {png}")
    return 0


def cmd_app(args) -> int:
    from sim.app.serve import serve

    print(f"areasim app on http://{args.host}:{args.port}  (Ctrl-C to stop)", flush=True)
    return serve(args.host, args.port)


def check_file_target(path: Path, arg: str) -> None:
    """A file to (over)write: not a folder, in a folder that exists or can be made, writable."""
    from sim.output.target import probe_writable

    if path.is_dir():
        raise InputError("", arg, str(path), "a file path (e.g. docs/validation.md)", problem="is a folder")
    probe_writable(path.parent, arg, path)


def cmd_validation(args) -> int:
    from sim.validation.report import write_validation

    check_file_target(args.out, "--out")
    figures = args.out.parent / "validation"
    if figures.exists() and not figures.is_dir():
        raise InputError("", "--out", str(args.out), f"a place where the figures folder {figures} can be made",
                         problem=f"{figures} is a file")

    path = write_validation(args.out, args.seeds, args.stochastic_seeds)
    print(f"validation report: {path}")
    return 0


def cmd_explain(args) -> int:
    from sim.output.explain import explain

    print(explain(args.results, args.area))
    return 0


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that partial output is cleaned up on the way out."""


def _on_sigterm(signum, frame):  # noqa: ARG001
    if os.getpid() != _MAIN_PID:  # a forked child: die the default way
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    raise Terminated()


_MAIN_PID = os.getpid()
PLUGINS_OFF = ("__all__", "1", "true")  # the values of PYDANTIC_DISABLE_PLUGINS for which pydantic loads none


def skip_plugin_loader() -> None:
    """With pydantic's plug-ins all off, stand in for the module that would look for them.

    ``pydantic.plugin._loader`` imports ``importlib.metadata`` (and with it email, zipfile, csv, ...) when pydantic
    builds its first validator, only for its ``get_plugins`` to return ``()`` when the plug-ins are off:
    ~0.02 s of a ~0.3 s ``areasim check`` (docs/performance.md, ninth session). The stand-in's ``get_plugins``
    returns the same ``()``; any other name pydantic may ask of the module loads the real one. Nothing is done
    when the user keeps some plug-ins, or when the module is already loaded. Only for the process's own command
    (``main()`` without ``argv``), never inside a caller's longer-lived process.
    """
    name = "pydantic.plugin._loader"
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in PLUGINS_OFF or name in sys.modules:
        return
    import types

    stand_in = types.ModuleType(name, "areasim's stand-in: pydantic's plug-ins are off (see sim.cli.skip_plugin_loader)")
    stand_in.get_plugins = lambda: ()

    def real(attribute: str):
        if attribute.startswith("__"):  # the import system asks e.g. __path__ (is it a package?): it is not
            raise AttributeError(attribute)
        import importlib

        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return getattr(importlib.import_module(name), attribute)

    stand_in.__getattr__ = real
    sys.modules[name] = stand_in


def main(argv: list[str] | None = None) -> int:
    global _MAIN_PID
    # areasim uses no pydantic plug-ins; without this pydantic scans the entry points of every installed
    # distribution when it builds its first validator (~0.015 s of every command). setdefault: a user who
    # sets the variable keeps their choice. Before any validator is built (pydantic reads it then).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if argv is None:
        skip_plugin_loader()
    parser = build_parser()
    args = parser.parse_args(argv)
    if argv is None and signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        _MAIN_PID = os.getpid()
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        commands = {"run": cmd_run, "check": cmd_check, "explain": cmd_explain, "experiment": cmd_experiment,
                    "results": cmd_results, "report": cmd_report, "sensitivity": cmd_sensitivity,
                    "validation": cmd_validation, "app": cmd_app}
        if argv is None and args.command == "check":
            return check_and_exit(args)
        return commands[args.command](args)
    except InputError as exc:
        print(f"areasim: error: {exc.one_line()}", file=sys.stderr)
        return 2
    except Terminated:
        print("areasim: terminated; unfinished output removed", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("areasim: interrupted; unfinished output removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

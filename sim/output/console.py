"""Terminal output: a progress bar while running and a short summary table afterwards."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table


@contextlib.contextmanager
def progress_bar(total: int, label: str, quiet: bool = False):
    """Yield ``advance(steps_done)`` that updates a progress bar on stderr (quarters)."""
    if quiet:
        yield lambda done: None
        return
    console = Console(file=sys.stderr)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("quarters"), TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


def _money(x: float) -> str:
    return f"€{x / 1e6:,.0f} M"


def print_summary(summary: dict, out: Path) -> None:
    """Print the headline outcomes of a run and where its results are."""
    table = Table(title="areasim run summary", show_header=False)
    rows = [
        ("homes completed / planned", f"{summary['homes_completed']:,} / {summary['homes_planned']:,} "
                                      f"({summary['completion_share']:.0%})"),
        ("  social / mid-rent / free-rent / owner-occupied",
         " / ".join(f"{summary[f'homes_completed_{s}']:,}" for s in ("social", "mid_rent", "free_rent",
                                                                       "owner_occupied"))),
        ("affordable share (social + mid-rent)", f"{summary['affordable_share']:.0%}"),
        ("areas done / abandoned / stalled / active",
         f"{summary['areas_done']} / {summary['areas_abandoned']} / {summary['areas_stalled']} / "
         f"{summary['areas_active']}"),
        ("mean delay of finished areas", "n/a" if summary["mean_delay_years"] is None
         else f"{summary['mean_delay_years']:.1f} years"),
        ("public works paid / land revenue", f"{_money(summary['public_works_paid'])} / "
                                             f"{_money(summary['land_revenue'])}"),
        ("public / private net cash at the end", f"{_money(summary['public_cash_end'])} / "
                                                 f"{_money(summary['private_cash_end'])}"),
        ("municipal loss provisions at the end", _money(summary["municipal_provisions_end"])),
        ("quarters in crash", str(summary["crash_quarters"])),
    ]
    for k, v in rows:
        table.add_row(k, v)
    console = Console()
    console.print(table)
    console.print(f"results: {out}/ (overview.png, timeseries, areas, business_cases, ledger, events, manifest)")


PAIRED_ROWS = [
    ("additional homes (vs no fund)", "additional_homes", "{:,.0f}"),
    ("  of which affordable (social + mid-rent)", "additional_affordable_homes", "{:,.0f}"),
    ("homes completed: no fund → with fund", None, None),
    ("affordable share of completed homes", "affordable_share_with_fund", "{:.0%}"),
    ("home-years gained (homes × years earlier)", "home_years_gained", "{:,.0f}"),
    ("months gained to an area's first start", "months_gained_first_start", "{:+.1f}"),
    ("  in funded areas", "months_gained_first_start_funded", "{:+.1f}"),
    ("months gained to an area's completion", "months_gained_completion", "{:+.1f}"),
    ("fund money committed", "fund_committed", "money"),
    ("fund money paid", "fund_paid", "money"),
    ("fund money returned", "fund_returned", "money"),
    ("net public cost (− = money back)", "net_public_cost", "money"),
    ("net public cost per additional home", "net_public_cost_per_additional_home", "euro"),
    ("public money held by funds (not a cost)", "held_by_funds", "money"),
    ("  of which levies from municipalities", "fund_levies", "money"),
    ("private euros per public euro", "private_per_public_euro", "{:.1f}"),
    ("funded phases / of which deadweight", None, "phases"),
    ("deadweight: share of fund money", "deadweight_share", "{:.0%}"),
    ("fund fully committed in", "fund_exhausted_year", "{:.0f}"),
]


def _fmt(value, how) -> str:
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if how == "money":
        return _money(value)
    if how == "euro":
        return f"€{value:,.0f}"
    return how.format(value)


def print_paired(table, paths: dict[str, Path]) -> None:
    """Print fund designs side by side against their paired no-fund baseline, and every folder written."""
    t = Table(title=f"Fund designs vs no fund, same future (seed {int(table['seed'].iloc[0])})")
    t.add_column("")
    for name in table["design"]:
        t.add_column(str(name), justify="right")
    for label, column, how in PAIRED_ROWS:
        if how == "phases":
            t.add_row(label, *[f"{int(n)} / {int(d)}" for n, d in zip(table["funded_phases"],
                                                                     table["deadweight_phases"], strict=True)])
        elif column is None:
            t.add_row(label, *[f"{int(b):,} → {int(w):,}" for b, w in zip(table["homes_baseline"],
                                                                      table["homes_with_fund"], strict=True)])
        elif column in table:
            t.add_row(label, *[_fmt(v, how) for v in table[column]])
    console = Console()
    console.print(t)
    console.print("one future; run an experiment and 'areasim report' for many. Written:")
    for key, path in paths.items():
        what = ("no-fund baseline" if key == "baseline" else "paired comparison (paired.csv, homes_by_year.csv)"
                if key == "paired" else f"with fund {key}")
        console.print(f"  {path}/  {what}", highlight=False, soft_wrap=True)


PLAIN_EVERY_SECONDS = 30.0
"""s between plain progress lines when stderr is not a terminal (AREASIM_PROGRESS_SECONDS overrides)."""


@contextlib.contextmanager
def experiment_progress(total: int, already: int, label: str, quiet: bool = False, stream=None):
    """Yield ``advance(failures)`` for the progress of an experiment's runs (stderr).

    On a terminal: a bar with runs done, failures, rate, elapsed time and an ETA from the
    runs completed so far (sim.output.progress, which copes with runs arriving in blocks).
    Otherwise (output redirected, an HPC job log): a plain line every
    ``PLAIN_EVERY_SECONDS`` and one at the end.
    """
    import os
    import time as _time

    from sim.output.progress import RunProgress, clock_text

    if quiet:
        yield lambda failures: None
        return
    stream = stream if stream is not None else sys.stderr
    state = RunProgress(total, already)
    if not (hasattr(stream, "isatty") and stream.isatty()):
        every = float(os.environ.get("AREASIM_PROGRESS_SECONDS", PLAIN_EVERY_SECONDS))
        print(state.line(label) + " (started)", file=stream, flush=True)
        last = _time.perf_counter()

        def plain(failures: int) -> None:
            nonlocal last
            state.advance(failures)
            now = _time.perf_counter()
            if now - last >= every:
                print(state.line(label), file=stream, flush=True)
                last = now

        try:
            yield plain
        finally:
            print(state.line(label) + " (finished)", file=stream, flush=True)
        return

    from rich.progress import ProgressColumn
    from rich.text import Text

    class EtaColumn(ProgressColumn):
        """ETA from the runs completed so far, recomputed at every refresh (counts down between blocks)."""

        def render(self, task) -> Text:
            return Text("ETA " + (clock_text(state.eta) if state.done else "estimating"))

    console = Console(file=stream)
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
               TextColumn("· {task.fields[failures]} failed"), TextColumn("· {task.fields[rate]}"),
               TimeElapsedColumn(), EtaColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(label, total=total, completed=already, failures=0, rate="")

        def advance(failures: int) -> None:
            state.advance(failures)
            per_run = state.seconds_per_run
            bar.update(task, advance=1, failures=failures, rate=f"{1 / per_run:.1f} runs/s" if per_run else "")

        yield advance

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
    ("fund money committed", "fund_committed", "money"),
    ("fund money paid", "fund_paid", "money"),
    ("fund money returned", "fund_returned", "money"),
    ("net public cost (fund + municipalities)", "net_public_cost", "money"),
    ("net public cost per additional home", "net_public_cost_per_additional_home", "euro"),
    ("private euros per public euro", "private_per_public_euro", "{:.1f}"),
    ("deadweight (money to areas that went anyway)", "deadweight_share", "{:.0%}"),
    ("change in completion time (years, + = later)", "completion_change_years", "{:+.1f}"),
    ("fund exhausted in", "fund_exhausted_year", "{:.0f}"),
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


def print_paired(table, out: Path) -> None:
    """Print fund designs side by side against their paired no-fund baseline."""
    t = Table(title=f"Fund designs vs no fund, same future (seed {int(table['seed'].iloc[0])})")
    t.add_column("")
    for name in table["design"]:
        t.add_column(str(name), justify="right")
    for label, column, how in PAIRED_ROWS:
        if column is None:
            t.add_row(label, *[f"{int(b):,} → {int(w):,}" for b, w in zip(table["homes_baseline"],
                                                                      table["homes_with_fund"], strict=True)])
        else:
            t.add_row(label, *[_fmt(v, how) for v in table[column]])
    console = Console()
    console.print(t)
    console.print(f"paired comparison: {out}/paired.csv (one future; run an experiment for many)")


@contextlib.contextmanager
def experiment_progress(total: int, already: int, label: str, quiet: bool = False):
    """Yield ``advance(failures)`` for a progress bar of runs: done, failures, rate, ETA (stderr)."""
    if quiet:
        yield lambda failures: None
        return
    from rich.progress import TimeRemainingColumn

    console = Console(file=sys.stderr)
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
               TextColumn("· {task.fields[failures]} failed"), TextColumn("· {task.fields[rate]}"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(label, total=total, completed=already, failures=0, rate="")
        import time as _time

        start, count = _time.perf_counter(), 0

        def advance(failures: int) -> None:
            nonlocal count
            count += 1
            rate = count / max(1e-9, _time.perf_counter() - start)
            bar.update(task, advance=1, failures=failures, rate=f"{rate:.1f} runs/s")

        yield advance

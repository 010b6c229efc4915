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

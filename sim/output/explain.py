"""``areasim explain RESULTS AREA``: the story of one area, in numbers, from a results folder.

Reads only the files a run wrote (events, area series, business cases, manifest), never the
model, so it works on any stored run.
"""

from __future__ import annotations

import difflib
import json
import math
from pathlib import Path

import pandas as pd

from sim.errors import InputError, printable

NEEDED = ("events.parquet", "areas.parquet", "business_cases.parquet", "manifest.json")


def when(t: float, start_year: int) -> str:
    """Quarter number (0-based, may be fractional) → 'YYYY Qn'."""
    q = int(math.floor(t + 1e-9))
    return f"{start_year + q // 4} Q{q % 4 + 1}"


def euro(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if abs(x) >= 1e6:
        return f"€{x / 1e6:,.1f} M"
    return f"€{x:,.0f}"


def load_results(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("", "RESULTS", str(folder), "a results folder written by 'areasim run'",
                         problem="not a folder")
    missing = [f for f in NEEDED if not (folder / f).is_file()]
    if missing:
        raise InputError(str(folder), "RESULTS", missing[0], "a results folder written by 'areasim run'",
                         problem="file missing")
    return (pd.read_parquet(folder / "events.parquet"), pd.read_parquet(folder / "areas.parquet"),
            pd.read_parquet(folder / "business_cases.parquet"), json.loads((folder / "manifest.json").read_text()))


def _negotiation_lines(row: pd.Series, start_year: int) -> list[str]:
    head = f"  {when(row['time'], start_year)} · {row['why']} · {row['protocol']} · {int(row['rounds'])} round(s): "
    if bool(row["success"]) or bool(row.get("imposed", False)):
        kind = "imposed by public law (voluntary agreement failed)" if bool(row.get("imposed", False)) \
            else row["reason"]
        lines = [head + f"{kind} — land price {euro(row['land_price'])} per market home, "
                        f"affordable share {row['affordable_share']:.0%}, developer carries "
                        f"{row['overrun_share']:.0%} of overruns; value over walking away: developer "
                        f"{euro(row['developer_surplus'])}, municipality {euro(row['municipal_surplus'])}"]
    else:
        lines = [head + f"FAILED — {row['reason']}"]
    offers = json.loads(row["offers"]) if isinstance(row.get("offers"), str) else []
    for o in offers[:3] + ([{"round": "…"}] if len(offers) > 5 else []) + offers[max(3, len(offers) - 2):]:
        if o.get("round") == "…":
            lines.append("      …")
            continue
        lines.append(f"      round {o['round']} by {o['by']}: land {euro(o['land_price'])}, affordable "
                     f"{o['affordable_share']:.0%}, overruns {o['overrun_share']:.0%} → developer "
                     f"{euro(o['developer_surplus'])}, municipality {euro(o['municipal_surplus'])}")
    return lines


def explain(folder: Path, area: str) -> str:
    """The story of ``area`` in the run stored in ``folder``."""
    events, areas, cases, manifest = load_results(folder)
    names = sorted(areas["area"].unique())
    if area not in names:
        near = difflib.get_close_matches(area, names, n=3)
        raise InputError(str(folder), "AREA", area, ", ".join(near or names), problem="no such area in these results")
    return story(events, areas, cases, manifest, area)


def _escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell made printable (see :func:`sim.errors.printable`)."""
    text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    if not text:
        return frame
    frame = frame.copy()
    for c in text:
        frame[c] = frame[c].map(lambda v: printable(v) if isinstance(v, str) else v)
    return frame


def story(events: pd.DataFrame, areas: pd.DataFrame, cases: pd.DataFrame, manifest: dict, area: str,
          state_label: str = "State at the end", running: bool = False) -> str:
    """The story of one area from a run's events, area table and business cases (files or a live model).

    Every name and reason is printed escaped: a name with ESC or a newline cannot forge output.
    ``state_label``: how the area's state is introduced; ``running``: the run is still under way
    (the app), so the closing "why" speaks of now, not of the end.
    """
    events, areas, cases = _escaped(events), _escaped(areas), _escaped(cases)
    manifest = {k: printable(v) if isinstance(v, str) else v for k, v in manifest.items()}
    area = printable(area)
    start_year = int(manifest["start_year"])
    mine = areas[areas["area"] == area].sort_values("quarter")
    last = mine.iloc[-1]
    ev = events[events["area"] == area].sort_values("time", kind="stable")
    out = [f"Area {area} — region {last['region']}, scenario {manifest['scenario']}, seed {manifest['seed']}"]
    negotiations = ev[ev["event"] == "negotiation"]
    coop = negotiations["cooperation"].iloc[0] if len(negotiations) else "(no negotiation took place)"
    planned = int(mine["homes_planned"].iloc[-1]) if "homes_planned" in mine else None
    out.append(f"Cooperation model: {coop}. {state_label}: {last['state'].upper()}; homes completed "
               f"{int(last['homes_completed']):,}" + (f" of {planned:,}" if planned else "") + ".")

    out.append("\nNegotiations:")
    if negotiations.empty:
        out.append("  none (no phase reached preparation)")
    for _, row in negotiations.iterrows():
        out.extend(_negotiation_lines(row, start_year))
    for _, row in ev[ev["event"].isin(["developer_exit", "jv_partner_exit"])].iterrows():
        out.append(f"  {when(row['time'], start_year)} · {row['event'].replace('_', ' ')}: {row.get('reason', '')}")

    out.append("\nPhases:")
    for phase, group in ev[ev["phase"] >= 0].groupby("phase"):
        steps = []
        for _, row in group.iterrows():
            name = row["event"]
            if name.startswith("stage:"):
                steps.append(f"{name[6:]} {when(row['time'], start_year)}")
            elif name == "go":
                steps.append(f"GO {when(row['time'], start_year)} (presold {row['presale_share']:.0%}, land value "
                             f"{euro(row['land_value'])} ≥ price {euro(row['land_price'])})")
            elif name == "abandoned":
                steps.append(f"ABANDONED {when(row['time'], start_year)}: {row['reason']}")
            elif name == "social_block_refused":
                steps.append(f"housing association refused {when(row['time'], start_year)} "
                             f"(ICR {row['icr']:.2f}, LTV {row['ltv']:.0%})")
        out.append(f"  phase {int(phase) + 1}: " + " → ".join(steps))

    provisions = ev[ev["event"] == "provision"]
    if len(provisions):
        out.append(f"\nMunicipal accounts: loss provisions added {len(provisions)} time(s), in total "
                   f"{euro(provisions['amount'].sum())}; latest expected result "
                   f"{euro(provisions['expected_result'].iloc[-1])}.")

    case = cases[cases["area"] == area]
    if len(case):
        out.append("\nBusiness case (net cash from the ledger; + received, − paid; owned_homes_value = homes "
                   "the party paid for and keeps, an asset at cost, not cash):")
        by_party = case.groupby("party")["net"].sum().sort_values()
        for party, net in by_party.items():
            top = case[case["party"] == party].reindex(
                case[case["party"] == party]["net"].abs().sort_values(ascending=False).index).head(3)
            detail = ", ".join(f"{c} {euro(v)}" for c, v in zip(top["category"], top["net"], strict=True))
            out.append(f"  {party:<34} {euro(net):>12}   ({detail})")

    out.append("\nWhy: " + _why(last, ev, negotiations, running))
    return "\n".join(out)


def _why(last: pd.Series, ev: pd.DataFrame, negotiations: pd.DataFrame, running: bool = False) -> str:
    state = last["state"]
    if running and state != "done":
        head = f"so far the area is {state}"
        parts = []
        failed = negotiations[~negotiations["success"].astype(bool)] if len(negotiations) else negotiations
        if len(failed):
            parts.append(f"{len(failed)} negotiation(s) failed (last: {failed['reason'].iloc[-1]})")
        reasons = ev[ev["event"] == "abandoned"]["reason"].tolist()
        if reasons:
            parts.append(f"{len(reasons)} phase(s) abandoned (last: {reasons[-1]})")
        return head + (": " + "; ".join(parts) if parts else "; its phases are waiting or under way") + "."
    if state == "done":
        return "every phase found buyers, funding and a deal, and was built."
    reasons = ev[ev["event"] == "abandoned"]["reason"].tolist()
    failed = negotiations[~negotiations["success"].astype(bool)] if len(negotiations) else negotiations
    parts = []
    if len(failed):
        parts.append(f"{len(failed)} negotiation(s) failed (last: {failed['reason'].iloc[-1]})")
    if reasons:
        parts.append(f"{len(reasons)} phase(s) abandoned (last: {reasons[-1]})")
    if not parts:
        parts.append("phases were still waiting or under way when the run ended")
    return f"the area ended {state}: " + "; ".join(parts) + "."

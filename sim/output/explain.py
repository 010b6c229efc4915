"""``areasim explain RESULTS AREA``: the story of one area, in numbers, from a results folder.

Reads only the files a run wrote (events, area series, business cases, manifest, and the
ledger's fund rows when present), never the model, so it works on any stored run.

Fund events are shown generically: every event whose kind starts with ``fund`` (awards, refused
applications, lapses, broken conditions, claw-backs, …), that names a fund or an instrument, or
that an instrument logs (:data:`FUND_EVENTS`), with all the numbers it carries, so a new kind of
fund event appears without a change here. Payments and money back come from the ledger.
"""

from __future__ import annotations

import difflib
import json
import math
from pathlib import Path

import pandas as pd

from sim.errors import InputError, printable

NEEDED = ("events.parquet", "areas.parquet", "business_cases.parquet", "manifest.json")
FUND_EVENTS = ("loan_default", "guarantee_purchase", "countercyclical_purchase")
"""Events instruments log without a fund column (besides every event of kind ``fund*``)."""
FUND_PREFIX = "fund:"
SHOWN_IN_FULL = 3
"""A kind of fund event (or payment) that occurs more often is shown first, last and counted."""


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


def fund_ledger(folder: Path, area: str) -> pd.DataFrame | None:
    """The ledger rows of ``area`` that move money out of or into a fund (None if the run has no ledger file)."""
    path = Path(folder) / "ledger.parquet"
    if not path.is_file():
        return None
    frame = pd.read_parquet(path, filters=[("area", "==", area)])
    return frame[frame["source"].str.startswith(FUND_PREFIX) | frame["target"].str.startswith(FUND_PREFIX)]


def explain(folder: Path, area: str) -> str:
    """The story of ``area`` in the run stored in ``folder``."""
    events, areas, cases, manifest = load_results(folder)
    names = sorted(areas["area"].unique())
    if area not in names:
        near = difflib.get_close_matches(area, names, n=3)
        raise InputError(str(folder), "AREA", area, ", ".join(near or names), problem="no such area in these results")
    return story(events, areas, cases, manifest, area, ledger=fund_ledger(folder, area))


def is_fund_event(row: pd.Series) -> bool:
    """An event about a fund: kind ``fund*``, an instrument's own event, or one naming a fund or instrument."""
    name = str(row["event"])
    return (name.startswith("fund") or name in FUND_EVENTS or "claw" in name
            or any(isinstance(row.get(k), str) and row.get(k) for k in ("fund", "instrument", "award")))


def _number(column: str, value) -> str:
    from sim.output.columns import TABLES

    spec = TABLES["events"].column(column)
    unit = spec.unit if spec is not None else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if unit == "€" or (spec is None and abs(value) >= 1e4):
            return euro(float(value))
        if unit == "fraction":
            return f"{value:.0%}"
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return str(value)


def fund_event_line(row: pd.Series, start_year: int) -> str:
    """One fund event with every number it carries (generic: works for kinds added later)."""
    skip = {"time", "area", "phase", "event", "fund", "instrument"}
    details = [f"{k.replace('_', ' ')} {_number(k, v)}" for k, v in row.items()
               if k not in skip and v is not None and not (isinstance(v, float) and math.isnan(v)) and v != ""]
    who = ", ".join(str(row[k]) for k in ("fund", "instrument") if isinstance(row.get(k), str) and row.get(k))
    phase = f" (phase {int(row['phase']) + 1})" if row.get("phase", -1) >= 0 else ""
    return (f"  {when(row['time'], start_year)} · {str(row['event']).replace('_', ' ')}{phase}"
            + (f" · {who}" if who else "") + (": " + ", ".join(details) if details else ""))


def _collapsed(lines: list[str], label: str) -> list[str]:
    if len(lines) <= SHOWN_IN_FULL:
        return lines
    return [lines[0], f"      … {len(lines) - 2} more {label} …", lines[-1]]


def fund_lines(ev: pd.DataFrame, ledger: pd.DataFrame | None, start_year: int) -> list[str]:
    """The area's fund story: awards, conditions, refusals, lapses, claw-backs (events) and payments (ledger)."""
    fund_ev = ev[ev.apply(is_fund_event, axis=1)] if len(ev) else ev
    items: list[tuple[float, int, list[str]]] = []
    for kind, group in fund_ev.groupby("event", sort=False):
        lines = [fund_event_line(row.dropna(), start_year) for _, row in group.iterrows()]
        items.append((float(group["time"].iloc[0]), 0, _collapsed(lines, f"{str(kind).replace('_', ' ')} events")))
    if ledger is not None and len(ledger):
        for (source, target, category), group in ledger.groupby(["source", "target", "category"], sort=False):
            back = target.startswith(FUND_PREFIX)
            lines = [f"  {when(t, start_year)} · {'money back to' if back else 'paid by'} "
                     f"{target if back else source} {'from' if back else 'to'} {source if back else target}: "
                     f"{euro(a)} ({category.replace('_', ' ')}" + (f", phase {int(p) + 1})" if p >= 0 else ")")
                     for t, a, p in zip(group["time"], group["amount"], group["phase"], strict=True)]
            items.append((float(group["time"].iloc[0]), 1, _collapsed(lines, "payments")))
    out = [line for _, _, lines in sorted(items, key=lambda i: (i[0], i[1])) for line in lines]
    if ledger is not None and len(ledger):
        paid = ledger.loc[ledger["source"].str.startswith(FUND_PREFIX), "amount"].sum()
        back = ledger.loc[ledger["target"].str.startswith(FUND_PREFIX), "amount"].sum()
        out.append(f"  In total funds paid {euro(paid)} for this area and got {euro(back)} back (ledger).")
    return out


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
          state_label: str = "State at the end", running: bool = False, ledger: pd.DataFrame | None = None) -> str:
    """The story of one area from a run's events, area table and business cases (files or a live model).

    Every name and reason is printed escaped: a name with ESC or a newline cannot forge output.
    ``state_label``: how the area's state is introduced; ``running``: the run is still under way
    (the app), so the closing "why" speaks of now, not of the end. ``ledger``: the area's ledger rows
    into or out of a fund (payments and money back in the fund section), if known.
    """
    events, areas, cases = _escaped(events), _escaped(areas), _escaped(cases)
    ledger = _escaped(ledger) if ledger is not None else None
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
    for _, row in ev[ev["event"].isin(["developer_exit", "jv_partner_exit", "jv_exit"])].iterrows():
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

    funds = fund_lines(ev, ledger, start_year)
    design = manifest.get("fund_design")
    if funds or (isinstance(design, str) and design != "none"):
        out.append(f"\nFunds (design {design}):" if isinstance(design, str) else "\nFunds:")
        out.extend(funds or ["  none: no fund award, application or payment concerned this area"])

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

    out.append("\nWhy: " + _why(last, ev, negotiations, running) + _fund_why(ev, start_year))
    return "\n".join(out)


def _fund_why(ev: pd.DataFrame, start_year: int) -> str:
    """What the funds did, in one clause: awards and how they ended (lapsed, conditions broken, clawed back)."""
    if not len(ev):
        return ""
    names = ev["event"].astype(str)
    awards = ev[names == "fund_award"]
    if awards.empty:
        return ""
    ended = ev[names.str.startswith("fund") & names.str.contains("laps|broken|claw|withdrawn|revoked")
               | names.str.contains("claw")]
    text = f" Funds: {len(awards)} award(s)"
    if len(ended):
        last = ended.iloc[-1]
        text += (f"; {len(ended)} ended early (last: {str(last['event']).replace('_', ' ')} "
                 f"{when(last['time'], start_year)})")
    return text + "."


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

"""The data dictionary: every column of every output table, with its unit, sign and meaning.

One place in code for what a column means. It is used three ways:

- :func:`annotate` puts each column's ``description``, ``unit`` and ``sign`` into the field
  metadata of the Parquet schema and gives columns that hold only missing values a real
  type (a column of ``None`` becomes a nullable ``double``, not an object column);
- :func:`render_markdown` writes ``docs/outputs.md`` (``python -m sim.output.columns``);
- :func:`undocumented` lists written columns without an entry (a test fails on any).

Column names may be patterns: ``{region}`` stands for a region name of the scenario,
``{segment}`` for one of ``social``, ``mid_rent``, ``free_rent``, ``owner_occupied``,
``{path}`` for a lever or uncertainty path of the experiment file.

Conventions used throughout: money in nominal euros (€) of the year it is paid; time in
quarters from the start of the run (``time``, ``quarter``) or calendar years (``year``);
shares are fractions 0-1, not percent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

CASH_SIGN = "cumulative; > 0 = the parties received more than they paid, < 0 = they paid more (invested)"


@dataclass(frozen=True)
class Column:
    """One column: name (or pattern), unit, meaning, sign convention and the type of an all-missing column."""

    name: str
    unit: str
    meaning: str
    sign: str = ""
    null_type: str = "double"  # Arrow type given to a column that holds only missing values

    def matches(self, column: str) -> bool:
        return _pattern(self.name).fullmatch(column) is not None


@dataclass(frozen=True)
class Table:
    """One output table: where it is written and its columns."""

    name: str
    file: str
    scope: str  # "run" (results/<scenario>/) or "experiment" (results/<experiment>/)
    rows: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column | None:
        exact = [c for c in self.columns if c.name == name]
        if exact:
            return exact[0]
        return next((c for c in self.columns if c.matches(name)), None)


def _pattern(name: str) -> re.Pattern:
    parts = re.split(r"(\{[a-z]+\})", name)
    regex = "".join({"{region}": r"[A-Za-z0-9_.-]+", "{segment}": r"(social|mid_rent|free_rent|owner_occupied)",
                     "{path}": r".+", "{reason}": r"(land_decision|no_deal|presales|land_value|"
                     r"housing_association|investor|other)"}.get(p, re.escape(p)) for p in parts)
    return re.compile(regex)


C = Column

# ------------------------------------------------------------------------------------------ run
TIMESERIES = (
    C("quarter", "quarter", "Quarter of the run, 0 = first quarter of start_year."),
    C("year", "calendar year", "Calendar year of the quarter."),
    C("regime", "-", "Market regime in the quarter: 'expansion', 'slowdown' or 'crash'."),
    C("cost_index", "index (start = 1)", "Construction cost index."),
    C("bond_rate", "fraction/yr", "10-year government bond yield."),
    C("mortgage_rate", "fraction/yr", "10-year fixed mortgage rate."),
    C("phases_waiting", "phases", "Open phases waiting for a go decision (presale or funding) at the end of the quarter."),
    C("phases_waiting_ready", "phases", "Phases whose land is ready (land works done) but that have no go yet: "
      "stalled on ready land (see the summary's phase_quarters_waiting_* for the reasons)."),
    C("unsold_stock", "homes", "Completed owner-occupied homes the developers still hold unsold (their stock)."),
    C("income_index", "index (start = 1)", "Households' nominal income (drives borrowing capacity and rents)."),
    C("land_share_{region}", "fraction", "Residual land value of an owner-occupied new home as a share of its "
      "price net of VAT in the region (the land share of the new-build price).", "< 0 = the land has no value "
      "for housing at today's prices and costs"),
    C("phases_building", "phases", "Phases under construction at the end of the quarter."),
    C("phases_done", "phases", "Phases completed so far (cumulative)."),
    C("phases_abandoned", "phases", "Phases abandoned so far (cumulative)."),
    C("public_cash", "€", "Net cash of all municipalities since the start (same as cash_municipalities).", CASH_SIGN),
    C("private_cash", "€", "Net cash of developers, housing associations and investors together since the start. "
      "Does not include the value of homes associations and investors own (see owned_homes_value in "
      "business_cases).", CASH_SIGN),
    C("cash_municipalities", "€", "Net cash of all municipalities since the start.", CASH_SIGN),
    C("cash_developers", "€", "Net cash of all developers since the start.", CASH_SIGN),
    C("cash_housing_associations", "€", "Net cash of all housing associations since the start. Negative is "
      "expected: they paid for social homes they now own and rent out; rents after completion are "
      "outside the model.", CASH_SIGN),
    C("cash_investors", "€", "Net cash of all investors since the start. Negative is expected: they paid for "
      "rental homes they now own; rents after completion are outside the model.", CASH_SIGN),
    C("municipal_provisions", "€", "Loss provisions municipalities hold for expected land-development losses "
      "(BBV: a foreseen loss is provided for at once).", "≥ 0; a book entry, not cash"),
    C("homes_sold", "homes/quarter", "Owner-occupied new homes sold (presold) in the quarter, all regions."),
    C("fund_cash", "€", "Balance of all public funds' accounts: budget not yet paid out plus money returned.",
      "> 0 = money left in the funds; 0 when the run has no fund"),
    C("price_index_{region}", "index (start = 1)", "Owner-occupied house-price index of the region."),
    C("absorption_{region}", "homes/quarter", "New owner-occupied homes the region's market can absorb in the quarter."),
    C("completed_{region}", "homes/quarter", "Homes completed in the region in the quarter, all segments."),
    C("started_{segment}", "homes/quarter", "Homes of the segment that started construction in the quarter."),
    C("completed_{segment}", "homes/quarter", "Homes of the segment completed in the quarter."),
    C("completed_total_{segment}", "homes", "Homes of the segment completed since the start (cumulative)."),
)

AREAS = (
    C("quarter", "quarter", "Quarter of the row (every quarter, or only the last one in lean collection)."),
    C("area", "-", "Area name (scenario)."),
    C("region", "-", "Market region of the area."),
    C("cooperation", "-", "Cooperation model of the area: traditional, building_claim, joint_venture, "
      "concession or private_realisation."),
    C("state", "-", "State of the area now: 'planned', 'active', 'stalled' (a phase waits for a go), "
      "'done' or 'abandoned'."),
    C("stage", "stage code", "Furthest lifecycle stage any phase has reached (0 = preparation … "
      "'done'; the code after 'done' means abandoned); see STAGES in sim/scenario/schema.py."),
    C("homes_planned", "homes", "Homes planned in the area."),
    C("homes_started", "homes", "Homes in phases whose construction has started."),
    C("homes_completed", "homes", "Homes in completed phases."),
    C("public_costs_paid", "€", "Public works paid for the area so far (acquisition, remediation, "
      "infrastructure, plan costs …).", "≥ 0; money out of the land-development account"),
    C("land_revenue", "€", "Land price paid for the area's building plots so far.",
      "≥ 0; money into the land-development account (negative land prices count negative)"),
    C("presold_share", "fraction", "Share of the area's owner-occupied homes sold; missing when the area has none."),
)

BUSINESS_CASES = (
    C("area", "-", "Area name ('' for money not tied to an area)."),
    C("party", "-", "Party 'kind:name': municipality:<region>, developer:<n>, housing_association:<region>, "
      "investor:<n>, fund:<name>, or outside:<who> (contractors, home buyers, lenders, original owners, …)."),
    C("category", "-", "What the money was for (ledger category: land_sale, construction, home_sales, "
      "forward_funding, infrastructure, interest, …; 'owned_homes_value' is not cash but the value of "
      "homes the party owns at the end, see below)."),
    C("net", "€", "Net money of the party for the area and category over the run. For the category "
      "'owned_homes_value': the value of the completed homes the party owns at the end of the run "
      "(price paid, an asset, not cash).",
      "> 0 = received, < 0 = paid; over all parties the cash categories of an area sum to zero"),
)

LEDGER = (
    C("time", "quarter", "Time of the transaction (quarters since the start; fractional within a quarter)."),
    C("source", "-", "Account that pays ('kind:name', optionally '/sub-account')."),
    C("target", "-", "Account that receives."),
    C("amount", "€", "Amount transferred.", "> 0 always; direction is source → target"),
    C("area", "-", "Area the transaction belongs to ('' if none)."),
    C("phase", "-", "Phase index within the area (-1 = the whole area or none)."),
    C("category", "-", "What it was for; 'provision', 'provision_release' and 'profit_taken' are book "
      "entries (BBV), not cash."),
)

EVENTS = (
    C("time", "quarter", "When the event happened (quarters since the start)."),
    C("area", "-", "Area of the event ('' for municipality-wide or developer events)."),
    C("phase", "-", "Phase index (-1 = the whole area or none)."),
    C("event", "-", "What happened: 'stage:<name>' (a phase entered a lifecycle stage), 'negotiation', 'go', "
      "'abandoned', 'provision', 'election', 'forward_funded', 'social_block_committed', "
      "'social_block_refused', 'sold_at_completion', 'developer_exit', 'developer_failed', 'developer_entered', "
      "'jv_partner_exit' (forced), 'jv_exit' (by choice), 'housing_association_year', fund events …"),
    C("why", "-", "Why a negotiation was held (e.g. start, reopened after a price move)."),
    C("protocol", "-", "Negotiation protocol used."),
    C("success", "true/false", "Whether the negotiation reached a deal.", null_type="bool"),
    C("imposed", "true/false", "Whether the terms were imposed (e.g. by plan rules) rather than agreed.",
      null_type="bool"),
    C("rounds", "offers", "Offers exchanged in the negotiation."),
    C("duration_quarters", "quarters", "How long the negotiation took."),
    C("reason", "-", "Reason in words (abandonment, exit, loan default …)."),
    C("basis", "-", "land_go: what the decision to buy and prepare a phase's land rests on ('agreement': a signed "
      "deal in force; 'municipal decision': the municipality's own expectations under active land policy). "
      "provision: 'plan' (the plan deficit at the account's first valuation) or 'write_down' (a later "
      "increase when the updated account shows a larger loss)."),
    C("developer", "-", "Developer account in the negotiation."),
    C("cooperation", "-", "Cooperation model in force for the negotiation."),
    C("land_price", "€", "Land price of the deal for the whole area.", "< 0 = the municipality pays the developer"),
    C("affordable_share", "fraction", "Affordable share (social + mid-rent) agreed."),
    C("overrun_share", "fraction", "Share of public-works overruns the developer bears in the deal."),
    C("developer_surplus", "€", "Developer's expected value of the deal (risk-adjusted score minus walk-away).",
      "> 0 = better than no deal"),
    C("municipal_surplus", "€", "Municipality's expected value of the deal (risk-adjusted score minus walk-away).",
      "> 0 = better than no deal"),
    C("offers", "-", "The offers exchanged, as JSON text."),
    C("amount", "€", "Amount of a provision or payment event.", "> 0"),
    C("expected_result", "€", "Expected result of the land-development account at net present value.",
      "< 0 = expected loss"),
    C("party", "-", "Party of a municipality or developer event."),
    C("changed", "true/false", "Whether an election changed the municipality's policy.", null_type="bool"),
    C("shift", "fraction", "Change in policy weight after an election."),
    C("homes", "homes", "Homes the event concerns (sold, forward-funded, committed, bought …)."),
    C("icr", "ratio", "Housing association's interest cover ratio at the decision (after a commitment) or the "
      "year end.", "norm ≥ min_icr"),
    C("ltv", "fraction", "Housing association's loan-to-value at the decision (after a commitment) or the year "
      "end.", "norm ≤ max_ltv"),
    C("binding", "-", "social_block_refused: the limit that leaves too little room ('ICR' or 'LTV')."),
    C("icr_room", "€", "New debt the housing association could take before breaching its ICR norm.",
      "< 0 = already in breach"),
    C("ltv_room", "€", "New debt the housing association could take before breaching its LTV norm.",
      "< 0 = already in breach"),
    C("room", "€", "Housing association's building room at the year end: the smaller of icr_room and ltv_room.",
      "< 0 = in breach"),
    C("cost", "€", "Cost of a social block (construction + social land price) to the housing association."),
    C("debt", "€", "Housing association's debt at the year end."),
    C("policy_value", "€", "Housing association's policy value (beleidswaarde) at the year end."),
    C("areas", "areas", "developer_entered: areas the new developer takes over."),
    C("price", "€/home", "Price per home of the event (sale or forward funding)."),
    C("land_value", "€", "Residual land value at the go decision."),
    C("net_land_price", "€", "Land price net of contributions at the go decision.", "< 0 = subsidised land"),
    C("presale_share", "fraction", "Share presold at the go decision."),
    C("rental_price", "€/home", "Price an investor pays per rental home."),
    C("leaving", "-", "Developer leaving the area."),
    C("joining", "-", "Developer taking over ('' if none)."),
    C("cash", "€", "Developer's cash at failure.", CASH_SIGN),
    C("credit_limit", "€", "Developer's credit limit at failure: equity after write-downs + credit line + "
      "projects at market.", "cash below −limit means failure; < 0 when write-downs exceed equity and projects"),
    C("principal", "€", "Loan principal (fund loan)."),
    C("repaid", "€", "Amount repaid on a fund loan."),
    C("paid", "€", "Amount a fund paid in the event.", "> 0"),
    C("fund", "-", "Fund name."),
    C("instrument", "-", "Fund instrument type."),
    C("asked", "€", "Amount applied for from a fund."),
    C("available", "€", "Budget available in the fund at the application."),
    C("committed", "€", "Amount a fund committed."),
    C("released", "€", "Commitment released unused."),
    C("partner", "-", "Partner party of the event."),
    C("score", "-", "Ranking score of a fund application (higher ranks first)."),
    C("developer_cash", "€", "Developer's cash at the event.", CASH_SIGN),
)

_SUMMARY_RUN = (
    C("seed", "-", "Random seed of the run (same seed = same run)."),
    C("quarters", "quarters", "Quarters simulated."),
    C("homes_planned", "homes", "Homes planned in all areas."),
    C("homes_completed", "homes", "Homes completed by the end of the run."),
    C("completion_share", "fraction", "homes_completed / homes_planned."),
    C("affordable_share", "fraction", "Social + mid-rent homes as a share of homes completed."),
    C("homes_completed_{segment}", "homes", "Homes of the segment completed by the end."),
    C("areas_done", "areas", "Areas whose every phase is done."),
    C("areas_abandoned", "areas", "Areas with at least one abandoned phase and none still open."),
    C("areas_stalled", "areas", "Areas with a phase waiting for a go at the end."),
    C("areas_active", "areas", "Areas still planned or active at the end."),
    C("phases_abandoned", "phases", "Phases abandoned during the run."),
    C("mean_delay_years", "years", "Mean delay of the finished areas: last completion minus planned finish "
      "(start + planned_years); unfinished areas are left out (missing when none finished).",
      "> 0 = later than planned; < 0 = EARLIER than planned (the plan's duration is an estimate; "
      "areas in a good market finish early)"),
    C("share_areas_delayed", "fraction", "Share of all areas that finished later than planned (unfinished "
      "areas count as not delayed here; see areas_done)."),
    C("mean_delay_years_censored", "years", "Mean delay of all areas against their plan, unfinished areas "
      "counted as finishing at the end of the run (a lower bound on their true delay: censored, not dropped).",
      "> 0 = later than planned"),
    C("homes_completed_10y", "homes", "Homes completed within 10 years of the start."),
    C("homes_completed_20y", "homes", "Homes completed within 20 years of the start."),
    C("phase_quarters_waiting", "phase-quarters", "Quarters phases spent waiting, summed over phases: for the "
      "decision to buy and prepare their land, or on ready land for their go."),
    C("phase_quarters_waiting_{reason}", "phase-quarters", "Of phase_quarters_waiting, those for one reason: "
      "land_decision (nobody decided to buy and prepare the land), no_deal, presales, land_value (residual "
      "value below the agreed price), housing_association, investor, other."),
    C("share_phases_behind", "fraction", "Share of the phases due by the end whose construction started more "
      "than a year after their own plan (planned start + the modes of the stages before), or had not "
      "started; abandoned phases that were due count as behind."),
    C("unsold_stock_end", "homes", "Completed homes the developers still hold unsold at the end."),
    C("developers_failed", "developers", "Developers that failed during the run (equity and credit gone)."),
    C("land_share_end", "fraction", "Land share of the new-build price in the last quarter, mean of the "
      "regions (see land_share_{region} in the time series)."),
    C("public_cash_end", "€", "Net cash of all municipalities at the end.", CASH_SIGN),
    C("private_cash_end", "€", "Net cash of developers, housing associations and investors at the end; "
      "excludes the value of the homes associations and investors own.", CASH_SIGN),
    C("municipal_provisions_end", "€", "Loss provisions held at the end.", "≥ 0; a book entry"),
    C("public_works_paid", "€", "Public works paid in all areas.", "≥ 0"),
    C("land_revenue", "€", "Land prices paid in all areas.", "negative land prices count negative"),
    C("crash_quarters", "quarters", "Quarters of the run in the crash regime."),
    C("ledger_transactions", "transactions", "Rows in the ledger."),
    C("ledger_imbalance", "€", "Sum of all ledger balances; ≈ 0 (rounding) — a check that no money is created."),
)

SUMMARY = _SUMMARY_RUN

# ------------------------------------------------------------------------------------ experiment
_RUN_IDS = (
    C("run_id", "-", "Identifier of the run in the experiment (see runs.parquet; `areasim run "
      "--from-experiment <folder> --run <id>` reproduces it)."),
    C("replication", "-", "Replication number (0, 1, …) of the design point."),
    C("seed", "-", "Random seed of the run; runs with the same seed share the same future (market, draws)."),
    C("point", "-", "Design point number (one combination of levers and uncertainties)."),
    C("lever:{path}", "unit of the field", "Value of a lever (a policy choice) in this run; the column name "
      "is the scenario path it sets (see scenarios/README.md for its unit)."),
    C("uncertainty:{path}", "unit of the field", "Value of an uncertainty in this run; the column name is the "
      "scenario path it sets (see scenarios/README.md for its unit)."),
)

_FUND_OUTCOMES = (
    C("fund_budget", "€", "Total budget of the run's funds (0 without a fund)."),
    C("fund_committed", "€", "Money the funds committed to awards."),
    C("fund_paid", "€", "Money the funds paid out.", "≥ 0"),
    C("fund_returned", "€", "Money paid back to the funds (loan repayments, resales).", "≥ 0"),
    C("fund_levies", "€", "Levies paid into the funds (regional cross-subsidy).", "≥ 0"),
    C("fund_net_cost", "€", "fund_paid − fund_returned − fund_levies.", "> 0 = net public cost"),
    C("fund_held", "€", "Money the funds still hold at the end: budget + returned + levies − paid (public money "
      "not spent; equals the fund accounts' ledger balance).", "≥ 0"),
    C("fund_awards", "awards", "Number of awards made."),
    C("revolving_ratio", "fraction", "Principal repaid / principal lent by revolving loans; missing when "
      "nothing was lent. ≥ 0.8 counted as 'revolving enough' (sources.md#svn-transformatiefaciliteit)."),
    C("fund_exhausted_year", "calendar year", "When the first fund ran out of money; missing if none did."),
    C("private_investment", "€", "Money private parties paid for land, works and construction.", "≥ 0"),
)

OUTCOMES = _RUN_IDS + _SUMMARY_RUN[1:] + _FUND_OUTCOMES

EXP_TIMESERIES = _RUN_IDS + (
    C("year", "calendar year", "Calendar year (values at the year's last quarter)."),
    C("crash_quarters", "quarters", "Quarters of this year in the crash regime (0-4)."),
    C("completed_total_{segment}", "homes", "Homes of the segment completed since the start (cumulative)."),
    C("public_cash", "€", "Net cash of all municipalities at the year end.", CASH_SIGN),
    C("private_cash", "€", "Net cash of developers, associations and investors at the year end; excludes "
      "the value of homes owned.", CASH_SIGN),
    C("municipal_provisions", "€", "Loss provisions held at the year end.", "≥ 0; a book entry"),
    C("phases_waiting", "phases", "Phases waiting for a go at the year end."),
    C("phases_abandoned", "phases", "Phases abandoned so far (cumulative)."),
    C("phases_waiting_ready", "phases", "Phases on ready land without a go at the year end."),
    C("unsold_stock", "homes", "Completed homes the developers hold unsold at the year end."),
)

EXP_AREAS = _RUN_IDS + (
    C("area", "-", "Area name."),
    C("region", "-", "Market region."),
    C("cooperation", "-", "Cooperation model."),
    C("state", "-", "State at the end of the run ('planned', 'active', 'stalled', 'done', 'abandoned')."),
    C("homes_planned", "homes", "Homes planned."),
    C("homes_started", "homes", "Homes in phases whose construction started."),
    C("homes_completed", "homes", "Homes in completed phases."),
    C("fund_paid", "€", "Money funds paid for this area.", "≥ 0"),
    C("delay_years", "years", "Last completion minus planned finish; missing if unfinished.",
      "> 0 = later than planned; < 0 = earlier than planned"),
)

EXP_PHASES = _RUN_IDS + (
    C("area", "-", "Area name."),
    C("phase", "-", "Phase index (0 = first phase)."),
    C("homes", "homes", "Homes in the phase (its programme at the end of the run)."),
    C("affordable_homes", "homes", "Social and mid-rent homes in the phase."),
    C("start_quarter", "quarter", "Quarter construction started (quarters since the start); missing if it never did."),
    C("completion_quarter", "quarter", "Quarter the phase was completed; missing if it was not."),
    C("fund_paid", "€", "Money funds paid for the phase (money paid to the area as a whole shared equally by its "
      "phases).", "≥ 0"),
)

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("timeseries", "timeseries.parquet / .csv", "run", "one per quarter", TIMESERIES),
    Table("areas", "areas.parquet / .csv", "run", "one per area and quarter (lean runs: last quarter only)", AREAS),
    Table("business_cases", "business_cases.parquet / .csv", "run", "one per area, party and category",
          BUSINESS_CASES),
    Table("ledger", "ledger.parquet", "run", "one per transaction (double-entry: every euro has a payer "
          "and a receiver)", LEDGER),
    Table("events", "events.parquet / .csv", "run", "one per event; a column is filled only for events "
          "that carry it", EVENTS),
    Table("summary", "summary.json", "run", "one JSON object of scalar outcomes", SUMMARY),
    Table("runs", "runs.parquet", "experiment", "one per run of the design", _RUN_IDS),
    Table("outcomes", "outcomes.parquet", "experiment", "one per run: the run's scalar outcomes", OUTCOMES),
    Table("exp_timeseries", "timeseries.parquet", "experiment", "one per run and year", EXP_TIMESERIES),
    Table("exp_areas", "areas.parquet", "experiment", "one per run and area (end of the run)", EXP_AREAS),
    Table("exp_phases", "phases.parquet", "experiment", "one per run and phase (end of the run)", EXP_PHASES),
)}

EXPERIMENT_KIND = {"outcomes": "outcomes", "timeseries": "exp_timeseries", "areas": "exp_areas",
                   "phases": "exp_phases", "runs": "runs"}
"""Experiment store kind → table name in :data:`TABLES`."""

_ARROW_TYPES = {"double": pa.float64(), "bool": pa.bool_(), "string": pa.string(), "int64": pa.int64()}


def undocumented(table: str, columns) -> list[str]:
    """Columns of ``table`` that have no entry in the dictionary."""
    spec = TABLES[table]
    return [c for c in columns if spec.column(str(c)) is None]


def annotate(table: pa.Table, name: str) -> pa.Table:
    """The same data with typed all-missing columns and per-field metadata (description, unit, sign).

    A column that holds only missing values (Arrow type ``null``) gets the type of its entry
    (``double`` unless stated), so readers see a nullable float, never an object column of
    None. Values are unchanged.
    """
    spec = TABLES[name]
    fields, arrays = [], []
    for fld, arr in zip(table.schema, table.columns, strict=True):
        col = spec.column(fld.name)
        if pa.types.is_null(fld.type):
            target = _ARROW_TYPES[col.null_type if col else "double"]
            arr = arr.cast(target)
            fld = fld.with_type(target)
        if col is not None:
            meta = dict(fld.metadata or {})
            meta.update({b"description": col.meaning.encode(), b"unit": col.unit.encode()})
            if col.sign:
                meta[b"sign"] = col.sign.encode()
            fld = fld.with_metadata(meta)
        fields.append(fld)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=table.schema.metadata))


def write_parquet(frame, path: Path, name: str) -> None:
    """Write a DataFrame as Parquet with the dictionary's metadata (the run writer's hook)."""
    pq.write_table(annotate(pa.Table.from_pandas(frame, preserve_index=False), name), path)


# ------------------------------------------------------------------------------------ markdown
def render_markdown() -> str:
    """The text of docs/outputs.md."""
    lines = [
        "# Outputs: the data dictionary",
        "",
        "<!-- generated by `python -m sim.output.columns` from sim/output/columns.py; do not edit by hand -->",
        "",
        "Every column of every table areasim writes, with its unit, sign convention and meaning.",
        "The same text is in the Parquet files: each field's metadata carries `description`,",
        "`unit` and (where it matters) `sign`:",
        "",
        "```python",
        "import pyarrow.parquet as pq",
        "schema = pq.read_schema('results/nl_programme/timeseries.parquet')",
        "schema.field('public_cash').metadata[b'description']",
        "```",
        "",
        "Conventions: money in nominal euros (€); `time`/`quarter` in quarters since the start,",
        "`year` in calendar years; shares are fractions 0-1. In a name, `{region}` stands for a",
        "region of the scenario, `{segment}` for `social`, `mid_rent`, `free_rent` or",
        "`owner_occupied`, `{path}` for a scenario path set by an experiment. A cell left empty",
        "(missing) means *not applicable*: the event does not carry that number, no area finished,",
        "no fund lent money; numeric columns stay numeric (nullable floats), never text.",
        "",
        "**Cash is not wealth.** The cash columns add up what a party received minus what it paid.",
        "Housing associations and investors buy homes and keep them: their cash goes far below",
        "zero (about −€4.5 bn each in the default run) while they own homes worth about that much;",
        "rents after completion are outside the model. `business_cases` shows the value of the",
        "homes they own as the category `owned_homes_value`, and the overview figure draws it.",
        "",
        "**Negative delays.** `mean_delay_years` and `delay_years` compare the last completion with",
        "the plan (start + `planned_years`). Plans are estimates: in a good market an area can",
        "finish before its planned date, so the delay is negative. The mean is over finished areas",
        "only; read it together with `areas_done`, `areas_stalled` and `areas_abandoned`.",
        "",
    ]
    for scope, title in (("run", "One run: `areasim run` → `results/<scenario>/`"),
                         ("experiment", "An experiment: `areasim experiment` → `results/<experiment>/`")):
        lines += [f"## {title}", ""]
        for table in TABLES.values():
            if table.scope != scope:
                continue
            lines += [f"### `{table.file}`", "", f"Rows: {table.rows}.", "",
                      "| column | unit | sign | meaning |", "|---|---|---|---|"]
            for c in table.columns:
                lines.append(f"| `{c.name}` | {c.unit} | {c.sign} | {c.meaning} |")
            lines.append("")
    return "\n".join(lines)


DOC = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"


def main() -> None:
    DOC.write_text(render_markdown())
    print(f"updated {DOC}")


if __name__ == "__main__":
    main()

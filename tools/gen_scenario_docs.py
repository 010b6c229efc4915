"""Regenerate the field references in scenarios/README.md and scenarios/funds/README.md from the schemas."""

from pathlib import Path

from sim.funds.design import FundDesign
from sim.scenario.docs import BEGIN, END, render_reference
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
TARGETS = [(ROOT / "scenarios" / "README.md", Scenario), (ROOT / "scenarios" / "funds" / "README.md", FundDesign)]


def main() -> None:
    for readme, schema in TARGETS:
        text = readme.read_text()
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        readme.write_text(head + render_reference(schema) + tail.lstrip("\n"))
        print(f"updated {readme}")


if __name__ == "__main__":
    main()

"""Regenerate the field reference in scenarios/README.md from the schema (sim/scenario/schema.py)."""

from pathlib import Path

from sim.scenario.docs import BEGIN, END, render_reference

README = Path(__file__).resolve().parents[1] / "scenarios" / "README.md"


def main() -> None:
    text = README.read_text()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    README.write_text(head + render_reference() + tail.lstrip("\n"))
    print(f"updated {README}")


if __name__ == "__main__":
    main()

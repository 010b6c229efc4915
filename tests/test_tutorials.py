"""The tutorial notebooks run top to bottom (nbclient), as a teacher would run them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow
FOLDER = Path(__file__).resolve().parents[1] / "docs" / "tutorials"


@pytest.mark.parametrize("name", sorted(p.name for p in FOLDER.glob("*.ipynb")))
def test_notebook_runs_top_to_bottom(name):
    nb = nbformat.read(FOLDER / name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(FOLDER)}}).execute()
    assert any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
    assert "Exercises" in nb.cells[-1].source


def test_there_are_four_tutorials():
    assert len(list(FOLDER.glob("*.ipynb"))) == 4

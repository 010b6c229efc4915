"""Is this an experiment's results folder, and is it intact? Checked before results are read or resumed.

``results``, ``report``, ``sensitivity`` and ``run --from-experiment`` call
:func:`require_results` first, so a run folder, an unrelated folder or a file gives one line
instead of a traceback; ``experiment --resume`` calls :func:`repair` to re-run damaged parts.
"""

from __future__ import annotations

from pathlib import Path

from sim.errors import InputError
from sim.experiments.store import KINDS, ExperimentStore
from sim.output.target import kind_of

NEEDED = ("manifest.json", "runs.parquet", "scenario.json", "fund_designs.json", "experiment.toml")


def require_results(path: Path, arg: str = "RESULTS") -> ExperimentStore:
    """Raise InputError unless ``path`` is a readable results folder of ``areasim experiment``."""
    import pyarrow.parquet as pq

    path = Path(path)
    allowed = "a results folder written by 'areasim experiment'"
    if not path.exists():
        raise InputError("", arg, str(path), allowed, problem="not found")
    if not path.is_dir():
        raise InputError("", arg, str(path), allowed, problem="is a file")
    kind = kind_of(path)
    if kind != "experiment":
        problem = "is the results folder of a single run ('areasim run')" if kind == "run" else \
            "has no experiment manifest.json"
        raise InputError("", arg, str(path), allowed, problem=problem)
    missing = [n for n in NEEDED if not (path / n).is_file()]
    if missing:
        raise InputError(str(path), arg, missing[0], allowed, problem="file missing")
    store = ExperimentStore(path)
    for name in ("runs.parquet", *(f"{k}.parquet" for k in KINDS)):
        if (path / name).exists():
            try:
                pq.read_metadata(path / name)
            except Exception:  # noqa: BLE001 - any damage to the file is the same user problem
                raise InputError(str(path), arg, name, "an intact file (re-run the experiment with --resume)",
                                 problem="file is damaged") from None
    damaged = store.unreadable_runs()
    if damaged:
        first = sorted(damaged)[0]
        raise InputError(str(path), arg, f"parts/.../{first}.parquet", "intact part files (finish or repair with "
                         "'areasim experiment FILE --resume', which re-runs damaged runs)",
                         problem=f"{len(damaged)} run(s) with damaged part files")
    return store


def repair(store: ExperimentStore, run_ids: set[str]) -> set[str]:
    """Before a resume: remove temporaries of a killed writer and discard runs whose parts cannot be read,
    so they run again; returns their ids."""
    store.remove_temporaries()
    damaged = store.unreadable_runs(run_ids)
    store.discard_runs(damaged)
    return damaged

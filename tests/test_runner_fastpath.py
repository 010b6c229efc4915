"""Exact-equality guards for the experiment runner's fast paths (issue #19): each must give exactly what the
general path it replaces gives, so a later change to one cannot silently diverge from the other."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments import run_experiment
from sim.experiments.store import KINDS, ExperimentStore, atomic_write_table, read_part
from tests.test_experiments import make_experiment


def ipc_bytes(table: pa.Table) -> bytes:
    """A table's Arrow IPC stream: equal bytes mean equal schema, metadata, chunks and values, bit for bit."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def test_read_part_gives_the_table_read_table_gives(tmp_path):
    """Consolidation reads each part through ``ParquetFile`` (read_part), not the dataset layer: same tables,
    schema metadata included, for every kind of part and for columns that are all null, mixed or text."""
    out = tmp_path / "res"
    run_experiment(make_experiment(tmp_path, replications=1), out, quiet=True)
    store = ExperimentStore(out)
    files = [f for kind in KINDS for f in store.part_files(kind)]
    extra = tmp_path / "extra"
    extra.mkdir()
    for i, columns in enumerate(({"run_id": ["p00000-l000-r00000"], "none": [None], "x": [1.5], "n": [3]},
                                 {"run_id": ["a", "b"], "s": ["x", None], "f": [float("nan"), -0.0],
                                  "b": [True, False], "big": [2**62, -1]})):
        atomic_write_table(columns, extra / f"{i}.parquet")
        files.append(extra / f"{i}.parquet")
    assert len(files) > 10
    for path in files:
        fast, plain = read_part(path), pq.read_table(path)
        assert fast.schema.equals(plain.schema, check_metadata=True), path
        assert ipc_bytes(fast) == ipc_bytes(plain), path  # NaN-safe, bit for bit (Table.equals: NaN != NaN)


def test_part_writer_options_change_no_value(tmp_path):
    """Parts are written without dictionary pages and statistics (PART_OPTIONS): read back, each part is the
    very table pyarrow's default writer gives, so consolidation and the report see the same data."""
    out = tmp_path / "res"
    run_experiment(make_experiment(tmp_path, replications=1), out, quiet=True)
    store = ExperimentStore(out)
    for kind in KINDS:
        for path in store.part_files(kind):
            columns = read_part(path).to_pydict()  # what write_run hands to atomic_write_table
            default, optioned = tmp_path / "default.parquet", tmp_path / "optioned.parquet"
            pq.write_table(pa.table(columns), default)
            atomic_write_table(columns, optioned)
            assert ipc_bytes(read_part(optioned)) == ipc_bytes(read_part(default)) == ipc_bytes(read_part(path)), path
            assert pq.read_metadata(path).row_group(0).column(0).statistics is None  # the options were used


def test_split_tail_keeps_every_run_in_order_and_splits_only_the_last_groups():
    """The process pool runs the last groups' runs alone (shorter tail): the same tasks in the same order, each
    once; groups before the last ``n`` untouched; single-run groups as they were."""
    from sim.experiments.executors import split_tail

    def groups(sizes):
        out, k = [], 0
        for size in sizes:
            tasks = [{"key": f"t{k + i}", "run_id": f"r{k + i}"} for i in range(size)]
            out.append({"key": f"t{k}+{size}", "tasks": tasks})
            k += size
        return out

    for sizes in ([2] * 20, [3, 1, 2], [1], [], [5, 5], [16, 16, 4, 1, 10]):
        for n in (1, 2, 4):
            given = groups(sizes)
            got = list(split_tail(iter(given), n))
            assert [t for g in got for t in g["tasks"]] == [t for g in given for t in g["tasks"]]
            head = max(0, len(given) - n)
            assert got[:head] == given[:head]
            assert all(len(g["tasks"]) == 1 for g in got[head:])
            assert len({g["key"] for g in got}) == len(got)

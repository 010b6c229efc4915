"""Guard: the stall monitor's quarterly count skips closed phases for good and still counts as the plain loop."""

from __future__ import annotations

from collections import Counter

from sim.model import AreaModel
from sim.scenario import DEFAULT_SCENARIO, load_scenario
from sim.stalls import reason_category


def plain_observe(phases) -> tuple[Counter, int]:
    """The count as first written: every phase of the run, every quarter."""
    waiting: Counter = Counter()
    now = 0
    for p in phases:
        if p.land_ready and p.waiting:
            waiting[reason_category(p.reason)] += 1
            now += 1
        elif p.land_event is not None and not p.land_event.triggered and p.is_open:
            waiting["land decision"] += 1
    return waiting, now


def counted_run(seed: int) -> tuple[AreaModel, list[int]]:
    """A default run whose stall count is checked against the plain count every quarter."""
    model = AreaModel(load_scenario(DEFAULT_SCENARIO), seed=seed, collect="lean")
    monitor = model.stalls
    observe = monitor.observe
    checked = []

    def observe_and_compare() -> None:
        before = Counter(monitor.waiting)
        want, now = plain_observe(model.ctx.phases)
        observe()
        added = Counter(monitor.waiting)
        added.subtract(before)
        assert +added == +want and monitor.waiting_now == now
        checked.append(now)

    monitor.observe = observe_and_compare
    model.run()
    return model, checked


def test_the_quarterly_stall_count_equals_the_plain_count_over_all_phases():
    waited = 0
    for seed in (1, 2, 3, 4):
        model, checked = counted_run(seed)
        assert len(checked) == model.n_quarters
        assert len(model.stalls._may_wait) < len(model.ctx.phases)  # closed phases were dropped from the list
        waited += sum(checked)
    assert waited > 0  # some phases waited on ready land: the count was exercised

"""The municipality's year-end books and a developer's credit, by hand (BBV rules; sim.agents).

Found unchecked by mutation testing (tools/mutation.py, docs/testing.md). The municipality's expectation for an
area is put in by hand (expected result, realised and planned costs and revenues), so every booking is written
out: provisions for expected losses at once, profit by percentage of completion, reversals when it falls.
"""

from __future__ import annotations

import pytest

from sim.model import AreaModel
from sim.scenario import from_dict
from tests.conftest import mini

MUN = "municipality:middle"


def year_end_world(monkeypatch):
    """(model, municipality, north, expectation) with north's account opened; set expectation['now'] per year."""
    model = AreaModel(from_dict(mini(market={"mode": "steady"})), seed=1)
    municipality = model.municipalities[0]
    north = model.areas[0]
    assert municipality.areas == [north]
    expectation = {"now": (0.0, 0.0, 1.0, 0.0, 1.0)}
    monkeypatch.setattr(municipality, "committed", lambda area: area is north)
    monkeypatch.setattr(municipality, "expected_result", lambda area: expectation["now"])
    return model, municipality, north, expectation


def book_entries(model) -> list[tuple[str, str, float, str, str]]:
    return [(t.source, t.target, round(t.amount, 2), t.category, t.area) for t in model.ledger.transactions()]


def test_a_loss_is_provided_for_at_once_and_released_as_it_shrinks(monkeypatch):
    """Expected −5m: 5m from the reserve to the provisions (and an event); a year later −3m: 2m released."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (-5e6, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/reserve", f"{MUN}/provisions", 5e6, "provision", "north")]
    (event,) = [e for e in model.events if e["event"] == "provision"]
    assert (event["area"], event["amount"], event["expected_result"], event["cooperation"]) == \
        ("north", 5e6, -5e6, north.coop.name)
    assert municipality.provisions == {"north": 5e6} and municipality.total_provisions == 5e6
    assert municipality.budget_left == pytest.approx(400e6 - 5e6)
    expectation["now"] = (-3e6, 20.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert book_entries(model)[1:] == [(f"{MUN}/provisions", f"{MUN}/reserve", 2e6, "provision_release", "north")]
    assert municipality.provisions == {"north": 3e6}


def test_profit_is_taken_by_completion_and_reversed_when_the_expectation_falls(monkeypatch):
    """Expected +10m at completion 0.5 × 0.4 = 0.2: 2m profit taken (grex → reserve), the 3m provision released.
    Expected +5m at the same completion: 1m may stay taken, so 1m is reversed (reserve → grex)."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    municipality.provisions["north"] = 3e6
    expectation["now"] = (10e6, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/provisions", f"{MUN}/reserve", 3e6, "provision_release", "north"),
                                   (f"{MUN}/grex", f"{MUN}/reserve", 2e6, "profit_taken", "north")]
    assert municipality.profit_taken == {"north": pytest.approx(2e6)}
    assert municipality.provisions == {"north": 0.0}
    expectation["now"] = (5e6, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    assert book_entries(model)[2:] == [(f"{MUN}/reserve", f"{MUN}/grex", 1e6, "profit_reversed", "north")]
    assert municipality.profit_taken == {"north": pytest.approx(1e6)}
    municipality.close_books()  # nothing changed: nothing booked
    assert len(model.ledger) == 3


def test_an_account_not_opened_is_not_valued(monkeypatch):
    model, municipality, north, expectation = year_end_world(monkeypatch)
    monkeypatch.setattr(municipality, "committed", lambda area: False)
    expectation["now"] = (-5e6, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert len(model.ledger) == 0 and municipality.provisions == {}


def test_provisions_beyond_the_budget_bring_provincial_supervision(monkeypatch):
    """Budget 400m: a 400m provision is still within it, 400m and one euro is not."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (-400e6, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert municipality.supervised is False and municipality.budget_left == 0.0
    expectation["now"] = (-400e6 - 1.0, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert municipality.supervised is True and municipality.budget_left == -1.0


def test_a_developer_fails_once_when_beyond_its_credit_limit():
    """Equity 60m × (1 + leverage 2) = 180m at a normal credit index; at credit index 0.25 and bank sensitivity s
    the line shrinks to 60m × (1 + 2 × 0.25 ** s). Exactly at −limit it survives; beyond it, it fails once."""
    model = AreaModel(from_dict(mini(market={"mode": "steady"})), seed=1)
    developer = model.developers[0]
    ctx = model.ctx
    ctx.market.credit_index[0] = 1.0
    assert developer.credit_limit == pytest.approx(180e6)
    s = developer.params.bank_credit_sensitivity
    ctx.market.credit_index[0] = 0.25
    assert developer.credit_limit == pytest.approx(60e6 * (1 + 2 * 0.25 ** s))
    ctx.market.credit_index[0] = 2.0  # better than normal credit adds no room
    assert developer.credit_limit == pytest.approx(180e6)
    ctx.market.credit_index[0] = 1.0
    ctx.books.book(developer.account, "outside:shareholders", 180e6, "setup")
    assert developer.check_solvency() is False and not developer.failed
    ctx.books.book(developer.account, "outside:shareholders", 1.0, "setup")
    assert developer.check_solvency() is True and developer.failed
    assert developer.check_solvency() is False  # it fails only once


def test_a_provision_that_grows_books_only_the_increase_as_a_write_down(monkeypatch):
    """Expected −3m: 3m provided (basis plan); a year later −5m: only the 2m increase moves from the reserve to
    the provisions (basis write_down), so 5m is held, not 8m."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (-3e6, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    expectation["now"] = (-5e6, 20.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/reserve", f"{MUN}/provisions", 3e6, "provision", "north"),
                                   (f"{MUN}/reserve", f"{MUN}/provisions", 2e6, "provision", "north")]
    events = [(e["amount"], e["expected_result"], e["basis"]) for e in model.events if e["event"] == "provision"]
    assert events == [(3e6, -3e6, "plan"), (2e6, -5e6, "write_down")]
    assert municipality.provisions == {"north": 5e6} and municipality.plan_provisions == {"north": 3e6}
    assert model.ledger.balance(f"{MUN}/provisions") == pytest.approx(5e6)
    assert model.ledger.balance(f"{MUN}/reserve") == pytest.approx(-5e6)


def test_an_area_after_one_whose_account_is_not_opened_is_still_valued(monkeypatch):
    """Two areas of one municipality: north's account not opened (skipped), south's opened with an expected −4m:
    south gets its 4m provision; north gets nothing, not even an entry in the provisions."""
    data = mini(market={"mode": "steady"})
    data["areas"][1]["region"] = "middle"
    model = AreaModel(from_dict(data), seed=1)
    municipality = model.municipalities[0]
    north, south = model.areas
    assert municipality.areas == [north, south]
    monkeypatch.setattr(municipality, "committed", lambda area: area is south)
    monkeypatch.setattr(municipality, "expected_result", lambda area: (-4e6, 10.0, 100.0, 0.0, 100.0))
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/reserve", f"{MUN}/provisions", 4e6, "provision", "south")]
    assert municipality.provisions == {"south": 4e6}
    assert [e["area"] for e in model.events if e["event"] == "provision"] == ["south"]


def test_two_profit_takes_in_a_row_take_only_the_growth(monkeypatch):
    """Expected +10m: at completion 0.2 2m is taken; at completion 0.5 a further 3m (5m in all), not 5m again."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (10e6, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    expectation["now"] = (10e6, 100.0, 100.0, 50.0, 100.0)
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/grex", f"{MUN}/reserve", 2e6, "profit_taken", "north"),
                                   (f"{MUN}/grex", f"{MUN}/reserve", 3e6, "profit_taken", "north")]
    assert municipality.profit_taken == {"north": pytest.approx(5e6)}
    assert model.ledger.balance(f"{MUN}/reserve") == pytest.approx(5e6)
    assert model.ledger.balance(f"{MUN}/grex") == pytest.approx(-5e6)


def test_no_provision_is_logged_when_none_is_needed_or_it_is_unchanged(monkeypatch):
    """Expected +10m with nothing done: no provision needed, none booked, none logged (the provision held is 0).
    Then −2m twice: 2m provided once; the second year-end with the same −2m books and logs nothing."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (10e6, 0.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert len(model.ledger) == 0 and municipality.provisions == {"north": 0.0}
    assert not [e for e in model.events if e["event"] == "provision"]
    expectation["now"] = (-2e6, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/reserve", f"{MUN}/provisions", 2e6, "provision", "north")]
    assert [(e["amount"], e["basis"]) for e in model.events if e["event"] == "provision"] == \
        [(2e6, "write_down")]


def test_a_tiny_profit_taken_is_reversed_when_a_loss_is_expected(monkeypatch):
    """Expected +€2.50 at completion 0.2: €0.50 taken (more than the 10⁻⁶ € threshold). Then an expected loss of
    €1: the 50 cents are reversed (reserve → grex) and €1 is provided; nothing taken is left."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (2.5, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/grex", f"{MUN}/reserve", 0.5, "profit_taken", "north")]
    expectation["now"] = (-1.0, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    assert book_entries(model)[1:] == [(f"{MUN}/reserve", f"{MUN}/provisions", 1.0, "provision", "north"),
                                       (f"{MUN}/reserve", f"{MUN}/grex", 0.5, "profit_reversed", "north")]
    assert municipality.profit_taken == {"north": pytest.approx(0.0)}
    assert model.ledger.balance(f"{MUN}/grex") == pytest.approx(0.0)


def test_a_take_below_a_millionth_of_a_euro_is_neither_taken_nor_reversed(monkeypatch):
    """Expected +€4 × 10⁻⁶ at completion 0.2: 8 × 10⁻⁷ € to take, below the 10⁻⁶ € threshold: nothing booked."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (4e-6, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    assert len(model.ledger) == 0 and municipality.profit_taken == {}

"""One visitor's visit as one object: what it holds, what its end leaves, what its wipe forgets."""

from __future__ import annotations

from pasapas.app.guide import Walk
from pasapas.app.preferences import Preferences
from pasapas.app.visit import Visit
from tests.app.helpers import builtin_data, procedure_from
from tests.app.test_guide import _walk_to_end


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _walk(procedure_id: str = "carte-vitale", clock: Clock | None = None) -> Walk:
    return Walk(procedure_from(builtin_data(procedure_id)), language="fr", clock=clock or Clock())


def test_a_new_visit_holds_nothing_and_starts_in_the_kiosk_defaults():
    defaults = Preferences(voice=False, text_size=200)
    visit = Visit("ar", defaults)
    assert (visit.language, visit.prefs, visit.search_text) == ("ar", defaults, "")
    assert visit.walk is None
    assert not visit.has_anything
    assert visit.end() is None


def test_everything_the_visitor_chose_or_typed_is_forgotten_by_wipe():
    visit = Visit("fr")
    visit.search_text = "carte vitale perdue"
    visit.set_language("uk")
    visit.set_prefs(Preferences(theme="dark", text_size=300))
    visit.begin(_walk())
    visit.tick("papiers", 1, True)
    assert visit.has_anything
    assert visit.walk is not None and visit.walk.language == "uk"  # the walk follows
    visit.wipe()
    assert not visit.has_anything
    assert (visit.language, visit.prefs, visit.search_text) == ("fr", Preferences(), "")
    assert visit.walk is None
    assert visit.ticked("papiers") == frozenset()


def test_end_gives_the_anonymous_outcome_once_finished_at_an_end_step():
    clock = Clock()
    visit = Visit("fr")
    visit.set_language("es")
    visit.begin(_walk(clock=clock))
    _walk_to_end(visit.walk)
    clock.now += 7 * 60
    outcome = visit.end()
    assert outcome is not None
    assert (outcome.procedure_id, outcome.finished, outcome.minutes, outcome.language) == (
        "carte-vitale",
        True,
        7,
        "es",
    )
    assert visit.walk is None
    assert visit.end() is None  # the same visit is never counted twice


def test_end_before_the_end_is_an_abandon_and_ticks_go_with_the_walk():
    visit = Visit("fr")
    visit.begin(_walk())
    visit.tick("papiers", 0, True)
    visit.tick("papiers", 2, True)
    visit.tick("papiers", 0, False)
    assert visit.ticked("papiers") == {2}
    outcome = visit.end()
    assert outcome is not None and not outcome.finished
    assert visit.ticked("papiers") == frozenset()


def test_opening_another_procedure_ends_the_first_and_returns_its_outcome():
    visit = Visit("fr")
    assert visit.begin(_walk("carte-vitale")) is None
    previous = visit.begin(_walk("attestation-droits"))
    assert previous is not None and previous.procedure_id == "carte-vitale"
    assert not previous.finished
    assert visit.walk is not None and visit.walk.procedure.id == "attestation-droits"


def test_unknown_display_values_fall_back_to_the_defaults():
    visit = Visit("fr")
    kept = visit.set_prefs(Preferences(rate="warp", text_size=123, theme="pink", voice=True))
    assert kept == Preferences()


def test_new_kiosk_defaults_apply_from_the_next_visit():
    visit = Visit("fr")
    visit.set_language("tr")
    visit.reset_defaults("ar", Preferences(text_size=150))
    assert visit.language == "tr"  # the visitor in front of the kiosk keeps their choice
    visit.wipe()
    assert (visit.language, visit.prefs.text_size) == ("ar", 150)

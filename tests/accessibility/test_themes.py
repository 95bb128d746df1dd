"""Every text colour the kiosk draws reaches WCAG AAA contrast (7:1) on its background."""

from __future__ import annotations

import pytest

from pasapas.accessibility.themes import AAA_TEXT, THEMES, contrast_ratio


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # WCAG's own example: #767676 on white is just over 4.5:1.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#ffffff", "#000000") == contrast_ratio("#000000", "#ffffff")


def test_contrast_ratio_refuses_a_colour_that_is_not_rrggbb():
    with pytest.raises(ValueError):
        contrast_ratio("red", "#ffffff")


@pytest.mark.parametrize("theme", THEMES.values(), ids=lambda t: t.id)
def test_every_text_pair_of_every_theme_reaches_seven_to_one(theme):
    for name, (foreground, background) in theme.text_pairs().items():
        assert contrast_ratio(foreground, background) >= AAA_TEXT, (theme.id, name)


@pytest.mark.parametrize("theme", THEMES.values(), ids=lambda t: t.id)
def test_focus_outline_stands_out_from_the_page_and_buttons(theme):
    assert contrast_ratio(theme.focus, theme.window) >= 3.0
    assert contrast_ratio(theme.focus, theme.button) >= 3.0


def test_every_choosable_theme_has_colours_and_every_rate_a_speed():
    from pasapas.accessibility import speech
    from pasapas.accessibility.speech_worker import RATE_WPM
    from pasapas.accessibility.themes import THEMES
    from pasapas.app.preferences import COLOUR_THEMES, SPEECH_RATES

    assert tuple(THEMES) == COLOUR_THEMES
    assert set(RATE_WPM) == set(SPEECH_RATES) == set(speech.RATES)


def test_settings_and_preferences_refuse_the_same_values():
    from pasapas.app.preferences import Preferences
    from pasapas.app.settings import Settings

    odd = Settings(speech_rate="fast", text_size=250, theme="pink", voice="yes").validated()
    assert (odd.speech_rate, odd.text_size, odd.theme) == ("normal", 100, "standard")
    assert odd.voice is True
    assert odd.visitor_preferences() == Preferences()
    kept = Settings(speech_rate="slow", text_size=300, theme="yellow", voice=False).validated()
    assert kept.visitor_preferences() == Preferences(False, "slow", 300, "yellow")

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

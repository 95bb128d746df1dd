"""The kiosk's look: large type, big targets and a visible focus, from an accessibility theme."""

from __future__ import annotations

from pasapas.accessibility.themes import STANDARD, Theme

BODY_PX = 26
TITLE_PX = 40
SUBTITLE_PX = 30
MIN_TARGET_PX = 64  # well over the 44 px minimum, for unsure hands
FOCUS_PX = 4
DEFAULT_FAMILIES = ("Noto Sans", "DejaVu Sans", "Noto Sans Arabic", "Noto Naskh Arabic")


def stylesheet(
    theme: Theme = STANDARD, scale: float = 1.0, families: tuple[str, ...] = DEFAULT_FAMILIES
) -> str:
    def px(value: int) -> int:
        return round(value * scale)

    def heading(value: int) -> int:
        # Headings grow like the body, but their extra size stops growing past 150 %: at 300 %
        # a title is still the largest text without pushing the step's answers off the window.
        return round(BODY_PX * scale + (value - BODY_PX) * min(scale, 1.5))

    family = ", ".join(f'"{f}"' for f in families)
    # The scroll bar is also where the big "more below" and "back up" arrows sit, at its ends.
    bar = round(MIN_TARGET_PX * min(max(scale, 1.0), 1.25))
    t = theme
    return f"""
    QWidget {{
        font-family: {family};
        font-size: {px(BODY_PX)}px;
        color: {t.text};
        background: {t.window};
    }}
    QLabel[role="title"] {{ font-size: {heading(TITLE_PX)}px; font-weight: bold; }}
    QLabel[role="subtitle"] {{ font-size: {heading(SUBTITLE_PX)}px; font-weight: bold; }}
    QLabel[role="muted"] {{ color: {t.muted}; }}
    QLabel[role="error"] {{
        color: {t.warning_text}; background: {t.warning};
        border: 3px solid {t.warning_text}; padding: 12px;
    }}
    QFrame[role="warning"] {{
        background: {t.warning}; border: 4px solid {t.warning_text}; border-radius: 8px;
    }}
    QFrame[role="warning"] QLabel {{ color: {t.warning_text}; background: {t.warning}; }}
    QFrame[role="right"] {{
        background: {t.right}; border: 4px solid {t.right_text}; border-radius: 8px;
    }}
    QFrame[role="right"] QLabel {{ color: {t.right_text}; background: {t.right}; }}
    QFrame[role="practice-card"] {{
        background: {t.button}; border: 3px dashed {t.button_text}; border-radius: 8px;
    }}
    QFrame[role="practice-card"] QLabel {{ color: {t.button_text}; background: {t.button}; }}
    QFrame[role="wrong"] {{
        background: {t.warning}; border: 4px dashed {t.warning_text}; border-radius: 8px;
    }}
    QFrame[role="wrong"] QLabel {{ color: {t.warning_text}; background: {t.warning}; }}
    QPushButton {{
        min-height: {px(MIN_TARGET_PX)}px; min-width: {px(MIN_TARGET_PX)}px;
        padding: 8px 20px;
        color: {t.button_text}; background: {t.button};
        border: 2px solid {t.button_text}; border-radius: 10px;
    }}
    QPushButton QLabel {{ color: {t.button_text}; background: {t.button}; }}
    QPushButton[role="primary"] {{
        color: {t.primary_text}; background: {t.primary}; font-weight: bold;
        border-color: {t.primary};
    }}
    QPushButton[role="primary"] QLabel {{ color: {t.primary_text}; background: {t.primary}; }}
    QPushButton[role="stop"] {{
        color: {t.warning_text}; background: {t.warning}; border: 3px solid {t.warning_text};
    }}
    QPushButton:checked {{ color: {t.button_text}; background: {t.button}; }}
    QPushButton[role="primary"]:checked {{ color: {t.primary_text}; background: {t.primary}; }}
    QWidget[role="overlay"] {{ background: {t.window}; }}
    QPushButton:disabled {{ color: {t.muted}; background: {t.window}; border-style: dashed; }}
    QPushButton:focus, QLineEdit:focus, QCheckBox:focus, QRadioButton:focus {{
        border: {FOCUS_PX}px solid {t.focus};
    }}
    QLineEdit {{
        min-height: {px(MIN_TARGET_PX)}px; padding: 4px 12px;
        color: {t.text}; background: {t.window}; placeholder-text-color: {t.muted};
        border: 2px solid {t.text}; border-radius: 8px;
    }}
    QCheckBox {{
        spacing: 16px; min-height: {px(MIN_TARGET_PX)}px; padding: 4px;
        border: 2px solid transparent; border-radius: 8px;
    }}
    QCheckBox::indicator {{
        width: {px(40)}px; height: {px(40)}px;
        border: 3px solid {t.text}; background: {t.window}; border-radius: 4px;
    }}
    QCheckBox::indicator:checked {{ background: {t.text}; }}
    QRadioButton {{
        spacing: 16px; min-height: {px(MIN_TARGET_PX)}px; padding: 4px;
        border: 2px solid transparent; border-radius: 8px;
    }}
    QRadioButton::indicator {{
        width: {px(36)}px; height: {px(36)}px;
        border: 3px solid {t.text}; background: {t.window}; border-radius: {px(18)}px;
    }}
    QRadioButton::indicator:checked {{ background: {t.text}; }}
    QProgressBar {{
        min-height: {px(20)}px; border: 2px solid {t.text}; border-radius: 6px;
        background: {t.window};
    }}
    QProgressBar::chunk {{ background: {t.text}; }}
    QScrollArea {{ border: none; }}
    QScrollBar:vertical {{
        width: {bar}px; background: {t.window}; margin: {bar}px 0px {bar}px 0px;
    }}
    QPushButton[role="scroll"] {{
        min-height: 0px; min-width: 0px; padding: 0px; font-size: {round(bar * 0.6)}px;
        font-weight: bold; border-radius: 8px;
    }}
    QScrollBar::handle:vertical {{ background: {t.muted}; min-height: 40px; border-radius: 6px; }}
    """


def bar_stylesheet(scale: float) -> str:
    """Sizes only (colours come from the window): the access bar, capped in growth."""
    return f"""
    QPushButton {{
        font-size: {round(BODY_PX * scale * 0.9)}px;
        min-height: {round(MIN_TARGET_PX * scale)}px;
        padding: 4px 16px;
    }}
    QLabel {{ font-size: {round(BODY_PX * 0.8 * scale)}px; }}
    """


FRAME_CAP = 1.5  # how far the fixed frame of a screen (bars, keys) grows with the text size


def frame_stylesheet(scale: float, cap: float = FRAME_CAP) -> str:
    """Sizes only (colours come from the window) for the fixed parts of a screen that must stay
    on it at every text size: the step's action bar and header, the on-screen keyboard, the
    "more below" controls. They grow with the text, up to `cap`."""
    size = min(scale, cap)
    body = round(BODY_PX * size)
    return f"""
    QPushButton {{
        font-size: {body}px; min-height: {round(MIN_TARGET_PX * size)}px;
        min-width: {MIN_TARGET_PX}px; padding: 4px 16px;
    }}
    QLabel {{ font-size: {body}px; }}
    QLabel[role="subtitle"] {{ font-size: {round(SUBTITLE_PX * size)}px; font-weight: bold; }}
    QLabel[role="title"] {{ font-size: {round(TITLE_PX * size)}px; font-weight: bold; }}
    QProgressBar {{ min-height: {round(12 * size)}px; max-height: {round(12 * size)}px; }}
    """

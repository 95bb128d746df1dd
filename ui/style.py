"""The kiosk's look: large type, big targets and a visible focus, from an accessibility theme."""

from __future__ import annotations

from accessibility.themes import STANDARD, Theme

BODY_PX = 26
TITLE_PX = 40
SUBTITLE_PX = 30
MIN_TARGET_PX = 64  # well over the 44 px minimum, for unsure hands
FOCUS_PX = 4
FONT_FAMILIES = ("Noto Sans", "DejaVu Sans", "Noto Sans Arabic", "Noto Naskh Arabic")


def stylesheet(theme: Theme = STANDARD, scale: float = 1.0) -> str:
    def px(value: int) -> int:
        return round(value * scale)

    families = ", ".join(f'"{f}"' for f in FONT_FAMILIES)
    return f"""
    QWidget {{
        font-family: {families};
        font-size: {px(BODY_PX)}px;
        color: {theme.text};
        background: {theme.window};
    }}
    QLabel[role="title"] {{ font-size: {px(TITLE_PX)}px; font-weight: bold; }}
    QLabel[role="subtitle"] {{ font-size: {px(SUBTITLE_PX)}px; font-weight: bold; }}
    QLabel[role="muted"] {{ color: {theme.muted}; }}
    QLabel[role="error"] {{
        color: {theme.warning_text}; background: {theme.warning};
        border: 3px solid {theme.warning_text}; padding: 12px;
    }}
    QFrame[role="warning"] {{
        background: {theme.warning}; border: 4px solid {theme.warning_text}; border-radius: 8px;
    }}
    QFrame[role="warning"] QLabel {{ color: {theme.warning_text}; background: transparent; }}
    QPushButton {{
        min-height: {px(MIN_TARGET_PX)}px; min-width: {px(MIN_TARGET_PX)}px;
        padding: 8px 24px;
        color: {theme.button_text}; background: {theme.button};
        border: 2px solid {theme.button_text}; border-radius: 10px;
    }}
    QPushButton QLabel {{ color: {theme.button_text}; background: transparent; }}
    QPushButton[role="primary"] {{
        color: {theme.primary_text}; background: {theme.primary}; font-weight: bold;
        border-color: {theme.primary};
    }}
    QPushButton[role="primary"] QLabel {{ color: {theme.primary_text}; }}
    QPushButton:focus, QLineEdit:focus, QCheckBox:focus {{
        border: {FOCUS_PX}px solid {theme.focus};
    }}
    QPushButton:pressed {{ background: {theme.text}; color: {theme.window}; }}
    QLineEdit {{
        min-height: {px(MIN_TARGET_PX)}px; padding: 4px 12px;
        border: 2px solid {theme.text}; border-radius: 8px;
    }}
    QCheckBox {{ spacing: 16px; min-height: {px(MIN_TARGET_PX)}px; padding: 4px; }}
    QCheckBox::indicator {{ width: {px(40)}px; height: {px(40)}px; }}
    QProgressBar {{
        min-height: {px(20)}px; border: 2px solid {theme.text}; border-radius: 6px;
        text-align: center; background: {theme.window};
    }}
    QProgressBar::chunk {{ background: {theme.primary}; }}
    QScrollArea {{ border: none; }}
    """

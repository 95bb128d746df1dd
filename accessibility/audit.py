"""The accessibility audit: rules checked on live Qt widgets (the one Qt module of this room).

`audit_widget_tree(root)` checks every visible widget under `root` and returns the violations:
a control with no accessible name, a target under 44 x 44 px, text under 7:1 contrast, clipped
text, a page that scrolls sideways, a control the keyboard cannot reach, and a focus chain that
skips or traps. The driver that builds each screen, theme and size lives in `ui.audit_driver`;
it shows a step of every kind of `app.content.kinds.STEP_KINDS`, made from the kind's spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from pasapas.accessibility.themes import AAA_TEXT, contrast_ratio

MIN_TARGET = 44

RULE_NAME = "accessible-name"
RULE_TARGET = "target-size"
RULE_CONTRAST = "text-contrast"
RULE_CLIPPED = "clipped-text"
RULE_SCROLL = "horizontal-scroll"
RULE_KEYBOARD = "keyboard-unreachable"
RULE_FOCUS = "focus-order"


@dataclass(frozen=True)
class Violation:
    where: str  # screen, state, theme and size
    widget: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where} | {self.widget} | {self.rule} | {self.detail}"


@dataclass
class AuditResult:
    checks: int = 0
    violations: list[Violation] = field(default_factory=list)

    def add(self, other: AuditResult) -> None:
        self.checks += other.checks
        self.violations += other.violations


def describe(widget: QWidget) -> str:
    name = widget.objectName() or widget.accessibleName() or _text(widget)[:30]
    return f"{type(widget).__name__}({name})" if name else type(widget).__name__


def _text(widget: QWidget) -> str:
    if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
        return widget.text()
    return ""


def _controls(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in root.findChildren(QWidget)
        if w.isVisibleTo(root)
        and w.isVisible()
        and isinstance(w, (QAbstractButton, QLineEdit, QCheckBox))
    ]


def _visible(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if w.isVisible()]


def _clipped(widget: QWidget) -> str:
    rect = widget.contentsRect()
    if isinstance(widget, QLabel) and widget.text():
        if widget.wordWrap():
            needed = widget.heightForWidth(rect.width())
            if needed > rect.height() + 1:
                return f"needs {needed}px of height, has {rect.height()}px"
        else:
            width = max(
                widget.fontMetrics().horizontalAdvance(line) for line in widget.text().split("\n")
            )
            if width > rect.width() + 1:
                return f"needs {width}px of width, has {rect.width()}px"
    if isinstance(widget, QAbstractButton) and widget.text() and not widget.layout():
        width = widget.fontMetrics().horizontalAdvance(widget.text().replace("&", ""))
        if width > rect.width():
            return f"text needs {width}px, button has {rect.width()}px"
    return ""


def _outside(widget: QWidget, root: QWidget) -> bool:
    """Sticks out of the window sideways (cut off at the edge)."""
    left = widget.mapTo(root, widget.rect().topLeft()).x()
    return left < 0 or left + widget.width() > root.width() + 1


def audit_widget_tree(root: QWidget, where: str) -> AuditResult:
    result = AuditResult()

    def check(ok: bool, widget: QWidget, rule: str, detail: str) -> None:
        result.checks += 1
        if not ok:
            result.violations.append(Violation(where, describe(widget), rule, detail))

    controls = _controls(root)
    for widget in controls:
        name = widget.accessibleName() or _text(widget).replace("&", "")
        check(bool(name.strip()), widget, RULE_NAME, "no accessible name")
        size = widget.size()
        check(
            size.width() >= MIN_TARGET and size.height() >= MIN_TARGET,
            widget,
            RULE_TARGET,
            f"{size.width()}x{size.height()} px",
        )
        check(
            bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or not widget.isEnabled(),
            widget,
            RULE_KEYBOARD,
            "cannot be reached with Tab",
        )

    for widget in _visible(root):
        text = _text(widget)
        if text and widget.isEnabled():
            widget.ensurePolished()
            palette = widget.palette()
            foreground = palette.color(widget.foregroundRole()).name()
            background = palette.color(widget.backgroundRole()).name()
            ratio = contrast_ratio(foreground, background)
            check(
                ratio >= AAA_TEXT,
                widget,
                RULE_CONTRAST,
                f"{foreground} on {background} is {ratio:.1f}:1",
            )
            problem = _clipped(widget)
            check(not problem, widget, RULE_CLIPPED, problem)
            check(not _outside(widget, root), widget, RULE_CLIPPED, "cut off at the window edge")
        if isinstance(widget, QLineEdit) and widget.placeholderText() and not widget.text():
            widget.ensurePolished()
            palette = widget.palette()
            hint = palette.color(palette.ColorRole.PlaceholderText).name()
            base = palette.color(widget.backgroundRole()).name()
            ratio = contrast_ratio(hint, base)
            check(ratio >= AAA_TEXT, widget, RULE_CONTRAST, f"hint {hint} on {base}: {ratio:.1f}:1")
        if isinstance(widget, QAbstractScrollArea):
            scroll = widget.horizontalScrollBar()
            check(scroll.maximum() == 0, widget, RULE_SCROLL, f"scrolls {scroll.maximum()}px")
        if isinstance(widget, (QTextEdit, QPlainTextEdit)) and widget.focusPolicy():
            check(widget.tabChangesFocus(), widget, RULE_FOCUS, "keeps the Tab key (trap)")

    # The focus chain, as Tab walks it, must reach every visible, enabled control.
    reachable: list[QWidget] = []
    current = root.nextInFocusChain()
    for _ in range(5000):
        if current is root:
            break
        if (
            current.isVisible()
            and current.isEnabled()
            and current.focusPolicy() & Qt.FocusPolicy.TabFocus
            and (root.isAncestorOf(current))
        ):
            reachable.append(current)
        current = current.nextInFocusChain()
    else:
        check(False, root, RULE_FOCUS, "the focus chain never comes back (trap)")
    for widget in controls:
        if widget.isEnabled():
            check(widget in reachable, widget, RULE_FOCUS, "skipped by Tab")
    return result

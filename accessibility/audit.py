"""The accessibility audit: rules checked on live Qt widgets (the one Qt module of this room).

`audit_widget_tree(root)` checks every visible widget under `root` and returns the violations:
a control with no accessible name, a target under 44 x 44 px, text under 7:1 contrast, clipped
text, a page that scrolls sideways, a control the keyboard cannot reach, a focus chain that
skips or traps, and a symbol (✚ ♥ ⚠ ←…) in an accessible name. `audit_geometry(root)` renders
what a visitor sees at one window size: text whose glyphs, drawn as Qt draws them, cross their
widget's or the visible page's edge; a primary action (Next, a question's first answer) not
entirely in the visible window; an overlay that lets the screen behind it show through. The
driver that builds each screen, theme and size lives in `ui.audit_driver`;
it shows a step of every kind of `app.content.kinds.STEP_KINDS`, made from the kind's spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QTextEdit,
    QWidget,
)

from pasapas.accessibility.spoken_text import without_symbols
from pasapas.accessibility.themes import AAA_TEXT, contrast_ratio

MIN_TARGET = 44

RULE_NAME = "accessible-name"
RULE_TARGET = "target-size"
RULE_CONTRAST = "text-contrast"
RULE_CLIPPED = "clipped-text"
RULE_SCROLL = "horizontal-scroll"
RULE_KEYBOARD = "keyboard-unreachable"
RULE_FOCUS = "focus-order"
RULE_SYMBOL = "symbol-in-name"
RULE_GLYPHS = "glyphs-outside"
RULE_PRIMARY = "primary-action-hidden"
RULE_OVERLAY = "see-through-overlay"
RULE_FOCUS_SPEECH = "program-focus-speaks"


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
            # The label's own width: its height for it counts its margins.
            needed = widget.heightForWidth(widget.width())
            if needed > widget.height() + 1:
                return f"needs {needed}px of height, has {widget.height()}px"
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
        check(not _symbols(name), widget, RULE_SYMBOL, f"{_symbols(name)} in {name!r}")
        size = widget.size()
        check(
            size.width() >= MIN_TARGET and size.height() >= MIN_TARGET,
            widget,
            RULE_TARGET,
            f"{size.width()}x{size.height()} px",
        )
        check(
            bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            or not widget.isEnabled()
            or _touch_only(widget),
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
        if widget.isEnabled() and not _touch_only(widget):
            check(widget in reachable, widget, RULE_FOCUS, "skipped by Tab")
    return result


def _touch_only(widget: QWidget) -> bool:
    """A control for the finger that the keyboard does not need, marked so by the screen (the
    page's "more below" arrows: Tab already brings the page to the focused control)."""
    return widget.property("touch_only") is True


def _symbols(name: str) -> str:
    """The symbols a screen reader or the voice would read out of an accessible name."""
    kept = set(without_symbols(name))
    return "".join(dict.fromkeys(char for char in name if char not in kept and not char.isspace()))


# -- what a visitor sees at one window size ------------------------------------------------------

GLYPH_PAD = 160  # px each side of a text where its glyphs are looked for
GLYPH_TOLERANCE = 2  # px: the anti-aliased edge of a letter


def _alpha_in(image: QImage, rect: QRect) -> bool:
    """Does anything with colour lie in `rect` of a transparent `image`?"""
    part = image.copy(rect)
    if part.isNull() or part.width() == 0 or part.height() == 0:
        return False
    data = bytes(part.constBits())[: part.sizeInBytes()]
    return any(data[3::4])  # ARGB32, little-endian: alpha is every fourth byte


def glyph_span(widget: QLabel) -> tuple[int, int] | None:
    """From which x to which x (in the label's own coordinates, so possibly below 0 or past its
    width) the label's text is drawn, as Qt draws it; None when nothing is drawn. A copy of the
    label, with the same font, text, direction, alignment and margins, and room on both sides,
    is painted and its ink found. (Qt may lay a wrapped right-to-left line out wider than the
    width it broke it for; the label then cuts the line's last word at its edge, which no metric
    shows.) A word too long for its line, which Qt knows of and clips at the label's text
    rectangle, is measured instead."""
    pad = GLYPH_PAD
    copy = QLabel()
    copy.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    copy.setFont(widget.font())
    copy.setTextFormat(widget.textFormat())
    copy.setWordWrap(widget.wordWrap())
    copy.setAlignment(widget.alignment())
    copy.setLayoutDirection(widget.layoutDirection())
    copy.setIndent(widget.indent())
    copy.setMargin(widget.margin())
    margins = widget.contentsMargins()
    copy.setContentsMargins(
        margins.left() + pad, margins.top(), margins.right() + pad, margins.bottom()
    )
    copy.setText(widget.text())
    copy.resize(widget.width() + 2 * pad, widget.height())
    image = QImage(copy.size(), QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    copy.render(painter, QPoint(), renderFlags=QWidget.RenderFlag.DrawChildren)
    painter.end()
    copy.deleteLater()
    height, full = image.height(), image.width()

    def inked(left: int, right: int) -> bool:  # any ink in columns left..right-1?
        return _alpha_in(image, QRect(left, 0, right - left, height))

    def first_inked(from_left: bool) -> int | None:
        """The first column with ink from the left (or from the right): strip by strip, then
        halving the strip it is in."""
        for strip in range(0, full, 32):
            if from_left:
                low, high = strip, min(strip + 32, full)
            else:
                low, high = max(full - strip - 32, 0), full - strip
            if not inked(low, high):
                continue
            while high - low > 1:
                middle = (low + high) // 2
                if from_left:
                    low, high = (low, middle) if inked(low, middle) else (middle, high)
                else:
                    low, high = (middle, high) if inked(middle, high) else (low, middle)
            return low
        return None

    first = first_inked(from_left=True)
    if first is None:
        return None
    last = first_inked(from_left=False)
    span = [first - pad, (last if last is not None else first) - pad]
    rect = widget.contentsRect()
    flags = QStyle.visualAlignment(widget.layoutDirection(), widget.alignment())
    if widget.wordWrap():
        flags |= Qt.TextFlag.TextWordWrap
    needed = widget.fontMetrics().boundingRect(rect, int(flags.value), widget.text())
    if needed.width() > rect.width():
        span = [min(span[0], needed.left()), max(span[1], needed.right())]
    return span[0], span[1]


def glyph_overflow(widget: QLabel) -> tuple[int, int]:
    """How many pixels of the label's text are drawn past its left and its right edge."""
    span = glyph_span(widget)
    if span is None:
        return 0, 0
    return max(0, -span[0]), max(0, span[1] - (widget.width() - 1))


def _scroll_parent(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


def _seen_rect(widget: QWidget, root: QWidget) -> QRect:
    """The part of the window `widget` is seen in: the window, or its page's visible part."""
    area = _scroll_parent(widget)
    seen = root.rect()
    while area is not None:
        viewport = area.viewport()
        seen = seen.intersected(QRect(viewport.mapTo(root, QPoint(0, 0)), viewport.size()))
        area = _scroll_parent(area)
    return seen


def _primary_actions(root: QWidget) -> list[QWidget]:
    """The way on from what is shown: a visible "primary" button (Next, Start…), else the
    first answer of a question."""
    shown = [w for w in root.findChildren(QAbstractButton) if w.isVisible()]
    # A chosen option drawn as primary (the selected language) is a state, not the way on.
    primary = [w for w in shown if w.property("role") == "primary" and not w.isCheckable()]
    if primary:
        return primary
    answers = [w for w in shown if w.parentWidget() and w.parentWidget().objectName() == "answers"]
    return answers[:1]


def _overlays(root: QWidget) -> list[QWidget]:
    """Visible overlays: widgets with the "overlay" role, and any other child of the window laid
    over it by hand (in none of its layouts) that covers half of it or more."""
    area = root.width() * root.height()
    layouts = [root.layout(), *root.findChildren(QLayout)]
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow():
            continue
        if widget.property("role") == "overlay" or (
            widget.parentWidget() is root
            and widget.width() * widget.height() >= area // 2
            and not any(layout is not None and layout.indexOf(widget) >= 0 for layout in layouts)
        ):
            found.append(widget)
    return found


def _see_through(widget: QWidget) -> bool:
    """Painted on red and on green, does the widget come out different (the screen behind it
    would show through)? Only what the widget paints itself counts: its own background when it
    fills it, not the window's that a plain render would add."""
    images = []
    for colour in ("#ff0000", "#00ff00"):
        image = QImage(widget.size(), QImage.Format.Format_ARGB32)
        image.fill(QColor(colour))
        widget.render(image, QPoint(), renderFlags=QWidget.RenderFlag.DrawChildren)
        images.append(bytes(image.constBits())[: image.sizeInBytes()])
    return images[0] != images[1]


def audit_geometry(root: QWidget, where: str) -> AuditResult:
    """What a visitor sees in `root` as it is laid out now (one window size, one state)."""
    result = AuditResult()

    def check(ok: bool, widget: QWidget, rule: str, detail: str) -> None:
        result.checks += 1
        if not ok:
            result.violations.append(Violation(where, describe(widget), rule, detail))

    overlays = _overlays(root)
    for widget in overlays:
        check(not _see_through(widget), widget, RULE_OVERLAY, "the screen behind shows through")
    # Over the screen, an opaque overlay is all the visitor sees: what it covers is not checked.
    shown = overlays[-1] if overlays and not _see_through(overlays[-1]) else root
    for widget in _visible(shown):
        if not isinstance(widget, QLabel) or not widget.text().strip() or not widget.isEnabled():
            continue
        span = glyph_span(widget)
        if span is None:
            continue
        left, right = max(0, -span[0]), max(0, span[1] - (widget.width() - 1))
        # A pixel or two is the anti-aliased edge of a bold letter, not a cut word.
        left = left if left > GLYPH_TOLERANCE else 0
        right = right if right > GLYPH_TOLERANCE else 0
        leading = "right" if widget.layoutDirection() == Qt.LayoutDirection.RightToLeft else "left"
        trailing = "left" if leading == "right" else "right"
        check(
            not (left or right),
            widget,
            RULE_GLYPHS,
            f"glyphs {left}px past its left edge, {right}px past its right edge",
        )
        # The glyphs, where they are drawn, inside the window and the visible part of their page
        # (what the label's own edge cuts is reported above).
        origin = widget.mapTo(root, QPoint(0, 0)).x()
        ink_left = origin + max(span[0], 0)
        ink_right = origin + min(span[1], widget.width() - 1)
        seen = _seen_rect(widget, root)
        inside = (
            ink_left >= seen.left() - GLYPH_TOLERANCE
            and ink_right <= seen.right() + GLYPH_TOLERANCE
        )
        check(
            inside,
            widget,
            RULE_GLYPHS,
            f"glyphs from x={ink_left} to {ink_right}, the page shows {seen.left()} to "
            f"{seen.right()} ({leading} to {trailing} text)",
        )
    for widget in _primary_actions(shown):
        rect = QRect(widget.mapTo(root, QPoint(0, 0)), widget.size())
        seen = _seen_rect(widget, root)
        shown = seen.contains(rect)
        check(
            shown,
            widget,
            RULE_PRIMARY,
            f"at {rect.x()},{rect.y()} {rect.width()}x{rect.height()}, the visible part is "
            f"{seen.x()},{seen.y()} {seen.width()}x{seen.height()}",
        )
    return result

"""The one way to run long work off the GUI thread and get its result back on it.

`run_in_background(fn, on_done, on_error)` runs `fn()` on Qt's thread pool; `on_done(result)` or
`on_error(exception)` is then called on the GUI thread. Widgets are never touched from the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_running: set[_Task] = set()


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.relay = _Relay()  # created on the GUI thread, so its signals are delivered there

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # handed to on_error on the GUI thread
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
) -> None:
    task = _Task(fn)
    _running.add(task)

    def finished(handler: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            _running.discard(task)
            handler(value)

        return call

    task.relay.done.connect(finished(on_done))
    task.relay.failed.connect(finished(on_error))
    QThreadPool.globalInstance().start(task)

"""Stand-ins at the edge of the UI tests: the speech engine, recorded instead of heard."""

from __future__ import annotations


class RecordingSpeech:
    def __init__(self, status: str = "") -> None:
        self.calls: list[tuple] = []
        self._status = status

    def say(self, text: str, language: str) -> None:
        self.calls.append(("say", text, language))

    def say_parts(self, parts) -> None:
        self.calls.append(("say_parts", [tuple(part) for part in parts]))

    def stop(self) -> None:
        self.calls.append(("stop",))

    def set_rate(self, rate: str) -> None:
        self.calls.append(("rate", rate))

    @property
    def available(self) -> bool:
        return not self._status

    @property
    def status(self) -> str:
        return self._status

    def close(self) -> None:
        self.calls.append(("close",))

    def said(self) -> list[str]:
        return [call[1] for call in self.calls if call[0] == "say"]

    def spoken(self) -> list[list[tuple[str, str]]]:
        """Every utterance as (text, language) parts, in order."""
        out = []
        for call in self.calls:
            if call[0] == "say":
                out.append([(call[1], call[2])])
            elif call[0] == "say_parts":
                out.append(call[1])
        return out

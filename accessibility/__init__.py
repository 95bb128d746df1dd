"""Accessibility: what makes every screen usable by ear, by keyboard, in large type, high contrast.

Holds the visual themes and the contrast arithmetic, text scaling, speech (`speech.py`, with the
pyttsx3 engine in worker processes run from `speech_worker.py`) and the audit that walks live
screens. Qt-free except the audit.
"""

"""Accessibility: what makes every screen usable by ear, by keyboard, in large type, high contrast.

Holds the visual themes and the contrast arithmetic, text scaling, and (with the voice issue) speech
through pyttsx3 in a worker process and the audit that walks live screens. Qt-free except the audit.
"""

"""Accessibility: what makes every screen usable by ear, by keyboard, in large type, high contrast.

Holds the visual themes and the contrast arithmetic, text scaling, speech (`speech.py`, with the
pyttsx3 engine in worker processes run from `speech_worker.py`; MBROLA voices where installed),
what is read as a person would say it (`spoken_text.py`: symbols dropped, phone numbers,
acronyms, web addresses, amounts, dates and times, from the data in `pronunciations/<lang>.json`),
the `say` command (`commands.py`) and the audit that walks live screens. Qt-free except the
audit. The values a visitor may choose (text sizes, speech rates, theme ids) are the core's
(`app.preferences`).
"""

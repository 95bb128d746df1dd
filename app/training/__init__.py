"""Training: practice exercises for workshops (the real-data guard, which keeps a person's real
social security number, bank details, e-mail address, password or phone number out of a practice
form filled in with the fictitious identity of a practice card). Qt-free."""

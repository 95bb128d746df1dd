"""Tests of the sync room: protocol, client, the central service on SQLite and PostgreSQL,
the fault proxy and kill tests, the staff screen and the background runner."""

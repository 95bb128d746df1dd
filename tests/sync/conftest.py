"""Fixtures for the sync tests: the service's database on SQLite and on a real PostgreSQL that
the tests start themselves, the service on loopback, the central side, and kiosk stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.support import Central, PostgresCluster, ThreadedService, new_store


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for the service: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.db'}"
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    url = cluster.create_database()
    yield url
    cluster.drop_database(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.db'}"


@pytest.fixture
def central(database_url: str) -> Iterator[Central]:
    side = Central(database_url)
    yield side
    side.close()


@pytest.fixture
def service(central: Central, database_url: str) -> Iterator[ThreadedService]:
    running = ThreadedService(database_url)
    yield running
    running.stop()


@pytest.fixture
def make_store(tmp_path: Path):
    made = []

    def make(name: str = "kiosk"):
        store = new_store(tmp_path / name / "pasapas.db")
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()

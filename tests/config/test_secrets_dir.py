"""Settings from secret files (QINGLING_SECRETS_DIR): what containers mount (deploy/), so that no password sits in
the environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import SECRETS_DIR_ENV, get_settings


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_setting_is_read_from_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+asyncpg://qingling_app:s3cret@db/qingling"
    (tmp_path / "QINGLING_DATABASE_URL").write_text(url)
    monkeypatch.setenv(SECRETS_DIR_ENV, str(tmp_path))
    monkeypatch.delenv("QINGLING_DATABASE_URL", raising=False)
    assert get_settings().database_url == url


def test_the_environment_wins_over_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "QINGLING_DATABASE_URL").write_text("postgresql+asyncpg://from-file/db")
    monkeypatch.setenv(SECRETS_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("QINGLING_DATABASE_URL", "sqlite+aiosqlite:///from-env.db")
    assert get_settings().database_url == "sqlite+aiosqlite:///from-env.db"


def test_a_missing_directory_is_refused_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRETS_DIR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(SystemExit, match="不是目录"):
        get_settings()

"""Settings: built-in defaults ← ``marsad.toml`` ← ``MARSAD_*`` environment variables.

Build them once with :meth:`Settings.load` and pass them down; vary with ``dataclasses.replace``.
This module imports nothing from the package so every layer may use it.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"


def _default_db() -> Path:
    return DATA_DIR / "marsad.duckdb"


@dataclass(frozen=True)
class Settings:
    db_path: Path = field(default_factory=_default_db)
    data_dir: Path = DATA_DIR
    # Files bigger than this are rejected before reading: a news page or export above it is
    # almost certainly a mistake (a database dump, a video) and would exhaust memory.
    max_file_bytes: int = 512 * 1024 * 1024
    # One record (article) bigger than this is rejected: no real article body is 5 MB.
    max_record_bytes: int = 5 * 1024 * 1024
    # Articles written per transaction: short transactions let dashboard readers in between.
    write_batch: int = 500
    # How long a reader or writer keeps retrying when the other side holds the DuckDB file.
    lock_retry_seconds: float = 10.0
    # Network fetches (feeds, pages) are bounded in time and size.
    fetch_timeout_s: float = 20.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    user_agent: str = "Marsad/0.1 (+media monitoring; offline-first)"

    @property
    def search_path(self) -> Path:
        """Full-text index lives beside the DuckDB file (DuckDB's fts extension is not available offline)."""
        return self.db_path.with_suffix(".search.sqlite")

    @classmethod
    def load(cls, toml_path: Path | None = None, env: dict[str, str] | None = None, **overrides) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        toml_path = toml_path or Path(env.get("MARSAD_CONFIG", PROJECT_ROOT / "marsad.toml"))
        if toml_path.is_file():
            with open(toml_path, "rb") as fh:
                values.update(tomllib.load(fh).get("marsad", {}))
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for name in fields:
            key = "MARSAD_" + ("DB" if name == "db_path" else name.upper())
            if key in env:
                values[name] = env[key]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**{k: _coerce(fields[k].type, v) for k, v in values.items() if k in fields})


def _coerce(type_name: object, value: object) -> object:
    kind = str(type_name)
    if "Path" in kind:
        return Path(str(value)).expanduser()
    if kind == "int":
        return int(value)  # type: ignore[arg-type]
    if kind == "float":
        return float(value)  # type: ignore[arg-type]
    return value

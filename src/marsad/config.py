"""Settings: built-in defaults ← ``marsad.toml`` ← ``MARSAD_*`` environment variables.

Build them once with :meth:`Settings.load` and pass them down; vary with ``dataclasses.replace``.
This module imports nothing from the package so every layer may use it.

Where things are:

- Shipped files (models, demo corpus, curated resources in ``data/``; ``static/``; the Streamlit settings in
  ``.streamlit/``) sit at the repository's top level in a source checkout (editable install, ``PYTHONPATH=src``)
  and inside the package once built into a wheel (``pyproject.toml`` maps them there). ``MARSAD_DATA_DIR``
  replaces the whole ``data/`` folder: it is read here, at import, so every module that reads a resource
  (:data:`DATA_DIR`) sees it, and by :meth:`Settings.load` (``data_dir``).
- Written files (the store, its search index, topic model and watch state, all beside the store) never go into the
  package: the default store is ``data/marsad.duckdb`` in a source checkout and ``$XDG_DATA_HOME/marsad/marsad.duckdb``
  (``~/.local/share/marsad/``) for an installed package; ``MARSAD_DB`` or ``--db`` choose another.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parents[1]  # the repository, in a source checkout
# A wheel carries data/ (and the other shipped folders) inside the package.
INSTALLED = (PACKAGE_DIR / "data").is_dir()
SHIPPED_DIR = PACKAGE_DIR if INSTALLED else PROJECT_ROOT
DATA_DIR = Path(os.environ.get("MARSAD_DATA_DIR") or SHIPPED_DIR / "data").expanduser()
STATIC_DIR = SHIPPED_DIR / "static"
STREAMLIT_CONFIG = SHIPPED_DIR / ("streamlit_config" if INSTALLED else ".streamlit") / "config.toml"
# What an installed package writes (its store) and its marsad.toml live in the XDG user data folder.
USER_DIR = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share").expanduser() / "marsad"
HOME_DIR = USER_DIR if INSTALLED else PROJECT_ROOT
DEFAULT_DB_NAME = "marsad.duckdb"
BACKENDS = ("duckdb", "spark")
ARABIC_NER_MODELS = ("crf", "neural")


def default_db_path() -> Path:
    """The store used when neither MARSAD_DB, marsad.toml nor --db names one."""
    return (USER_DIR if INSTALLED else PROJECT_ROOT / "data") / DEFAULT_DB_NAME


@dataclass(frozen=True)
class Settings:
    db_path: Path = field(default_factory=default_db_path)
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
    # Off: fetches refuse loopback and private-network addresses (a feed must not reach into the user's
    # machine or LAN). On for tests with local servers and for feeds on an intranet (see docs/reliability.md).
    allow_private_networks: bool = False
    user_agent: str = "Marsad/0.1 (+media monitoring; offline-first)"
    # Where the analytics (dashboard, CLI) read: "duckdb", the store; or "spark", the Parquet lake at ``lake``
    # (marsad.lake's layout) through Spark on ``spark_master`` (docs/scale.md). Ingest always writes the store.
    backend: str = "duckdb"
    lake: Path | None = None
    spark_master: str = "local[2]"
    # Alert delivery (marsad.monitor.deliver): a webhook POST (bounded by fetch_timeout_s, same address checks as a
    # fetch) and/or a mail per alert, tried delivery_attempts times with exponential backoff from
    # delivery_backoff_s; a run's deliveries all end within delivery_deadline_s, so an ingest or a watch cycle is
    # never held longer. What is not sent by then stays pending and is tried again by the next run.
    delivery_attempts: int = 3
    delivery_backoff_s: float = 1.0
    delivery_deadline_s: float = 60.0
    # E-mail delivery: an SMTP server (no host: an alert for an address fails, saying e-mail is not configured).
    # The password may come from MARSAD_SMTP_PASSWORD rather than a file.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)  # kept out of any log line that prints the settings
    smtp_sender: str = "marsad@localhost"
    # Arabic statistical NER: "crf" (data/models/ar_ner) or "neural" (data/models/ar_ner_neural: more accurate,
    # about twice the CPU per article; docs/ner-models.md).
    arabic_ner: str = "crf"

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend {self.backend!r} is not one of {', '.join(BACKENDS)}")
        if self.arabic_ner not in ARABIC_NER_MODELS:
            raise ValueError(f"arabic_ner {self.arabic_ner!r} is not one of {', '.join(ARABIC_NER_MODELS)}")

    @classmethod
    def load(cls, toml_path: Path | None = None, env: dict[str, str] | None = None, **overrides) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        toml_path = toml_path or Path(env.get("MARSAD_CONFIG", HOME_DIR / "marsad.toml"))
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
    if kind == "bool":
        return _boolean(value)
    return value


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def _boolean(value: object) -> bool:
    """A toml boolean as it is; an environment string by its usual spellings (any other is an error, not False)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in _TRUE + _FALSE:
        raise ValueError(f"{value!r} is not a boolean (use true/false, 1/0, yes/no, on/off)")
    return text in _TRUE

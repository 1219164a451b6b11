"""Parquet exports (a table of records, like a CSV or JSONL export), read batch by batch with pyarrow.

Columns are mapped to Article fields as for CSV/JSONL (``--map``, marsad.ingest.readers.records), a null being a
missing field as in JSONL; each row becomes an Article or a Reject with its row number (1-based). Memory stays
bounded: pyarrow decodes one row group at a time and hands it over in batches of :data:`BATCH_ROWS` rows. A file
pyarrow cannot open (no ``PAR1`` footer, a corrupt footer) is one Reject naming the file; damage found while reading
rows costs the rest of its row group (one Reject). A large file can be read by several Spark tasks, a share of its
row groups each (:func:`row_group_shares`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO

from marsad.config import Settings
from marsad.errors import RejectedInput
from marsad.ingest.readers.records import record_item, resolve_mapping
from marsad.models import Article, Reject

LOGGER = logging.getLogger(__name__)

# Rows per decoded batch: a few hundred articles of text, small beside a row group.
BATCH_ROWS = 256


def read_parquet(source_file: Path | BinaryIO, *, name: str, settings: Settings,
                 mapping: Mapping[str, str] | None = None, source: str | None = None,
                 row_groups: Sequence[int] | None = None) -> Iterator[Article | Reject]:
    """The rows of a Parquet file (a path or a seekable binary stream) as Articles or Rejects, numbered from 1.

    ``row_groups``: only these row groups (a Spark task's share of a large file, :func:`row_group_shares`); row
    numbers, origins and rejects are those a whole-file read gives them. Damage inside a row group costs the rest
    of that row group (one Reject), not the rows of the others.
    """
    # Imported here: the CLI imports the readers at start-up, and pyarrow costs a quarter of a second.
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(source_file)
        columns = tuple(parquet.schema_arrow.names)
        sizes = [parquet.metadata.row_group(g).num_rows for g in range(parquet.num_row_groups)]
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:  # a column name that is not UTF-8: a bad footer
        yield Reject(name, None, f"not a readable Parquet file ({_one_line(exc)})")
        return
    try:
        fields = resolve_mapping(columns, mapping)
    except RejectedInput as exc:
        yield Reject(name, None, exc.message)
        return
    if "body" not in fields:
        yield Reject(name, None, f"Parquet file has no text column (columns: {', '.join(columns)}); "
                                 "name one with --map body=COLUMN")
        return
    # A null is a missing value: columns are mapped per row among those with a value (and those --map names),
    # so a table made from records with differing keys (a JSONL export through pandas or Spark) reads as they do.
    mapped = set((mapping or {}).values())
    starts = list(accumulate(sizes, initial=0))
    for group in range(len(sizes)) if row_groups is None else row_groups:
        number = starts[group]
        try:
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS, row_groups=[group]):
                for record in _records(batch):
                    number += 1
                    if isinstance(record, UnicodeDecodeError):
                        yield Reject(name, number, f"row does not decode as UTF-8: {record.reason}")
                        continue
                    size = record_chars(record)
                    if size > settings.max_record_bytes:
                        yield Reject(name, number, f"row of {size:,} characters is over the limit of "
                                                   f"{settings.max_record_bytes:,} (max_record_bytes)")
                        continue
                    present = tuple(c for c in columns if record[c] is not None or c in mapped)
                    row_fields = fields if len(present) == len(columns) else resolve_mapping(present, mapping)
                    yield record_item(record, name=name, number=number, mapping=None, source=source, fields=row_fields)
        except (pa.ArrowException, OSError) as exc:
            yield Reject(name, None, f"corrupt Parquet data in row group {group + 1}: rows {number + 1}-"
                                     f"{starts[group + 1]} not read ({_one_line(exc)})")


def _records(batch) -> list[dict | UnicodeDecodeError]:
    """The rows of a record batch as dicts. A string column holding bytes that are not UTF-8 (a damaged page
    pyarrow decompressed without complaint) fails the whole batch's conversion: then row by row, so only the rows
    that hold such bytes are lost (as the error)."""
    try:
        return batch.to_pylist()
    except UnicodeDecodeError:
        rows: list[dict | UnicodeDecodeError] = []
        for i in range(batch.num_rows):
            try:
                rows += batch.slice(i, 1).to_pylist()
            except UnicodeDecodeError as exc:
                rows.append(exc)
        return rows


def row_group_shares(path: Path, max_bytes: int) -> list[tuple[list[int], int]]:
    """A Parquet file's row groups in consecutive shares of at most ``max_bytes`` (uncompressed, from the footer;
    a bigger row group is a share of its own), each with the number of rows before it; [] when the file cannot be
    opened (its reader then says why)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError, UnicodeDecodeError):
        return []
    shares: list[tuple[list[int], int]] = []
    size = rows = 0
    for group in range(metadata.num_row_groups):
        stats = metadata.row_group(group)
        if not shares or size + stats.total_byte_size > max_bytes:
            shares.append(([], rows))
            size = 0
        shares[-1][0].append(group)
        size += stats.total_byte_size
        rows += stats.num_rows
    return shares


def row_count(path: Path) -> int | None:
    """The rows of a Parquet file, from its footer (None when it cannot be opened)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path).metadata.num_rows
    except (pa.ArrowException, OSError, UnicodeDecodeError):
        return None


def record_chars(record: Mapping[str, object]) -> int:
    """The characters (bytes for binary values) of a row's text values: what max_record_bytes bounds."""
    return sum(len(v) for v in record.values() if isinstance(v, str | bytes))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__

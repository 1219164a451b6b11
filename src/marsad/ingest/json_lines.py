"""Lines of a JSONL export not parsed yet, so that parsing and metadata can run in worker processes.

``read_path(..., defer=N)`` gives them in place of the items of N lines (marsad.ingest.readers.tabular);
the ingest pipeline sends them to its workers, where ``items()`` does what the reader would have done. A leaf
module: the pipeline and its workers name the type without loading the readers (trafilatura and friends).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from marsad.models import Article, Reject


@dataclass
class JsonLines:
    """Up to N lines of one export, with what reading them needs. ``items()`` gives exactly the items
    ``read_jsonl`` gives for these lines, in order."""

    name: str
    codec: str
    mapping: Mapping[str, str] | None
    source: str | None
    lines: list[tuple[int, bytes | str]]  # (line number, the line)

    def items(self) -> list[Article | Reject]:
        """The items of these lines; a reader failure (a bug) ends them with one reject, as ``read_path`` does."""
        from marsad.ingest.readers import read_failure  # the readers load on use
        from marsad.ingest.readers.tabular import line_decoder, line_items

        decoder = line_decoder(self.codec)
        out: list[Article | Reject] = []
        try:
            for number, raw in self.lines:
                out.extend(line_items(raw, number, decoder=decoder, codec=self.codec, name=self.name,
                                      mapping=self.mapping, source=self.source))
        except Exception as exc:  # noqa: BLE001 — these lines are lost, not the ingest
            out.append(read_failure(self.name, exc))
        return out

"""Binary streams for the readers: one that replays already-sniffed bytes, one that stops decompression bombs."""

from __future__ import annotations

import io
from typing import BinaryIO

from marsad.errors import RejectedInput
from marsad.ingest.limits import MAX_COMPRESSION_RATIO, expansion_allowed


class Prefixed(io.RawIOBase):
    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        chunk = self._rest.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

# Bytes decompressed per step, between two checks of the expansion.
_CHUNK = 256 * 1024


class Unbombed(io.RawIOBase):
    """The output of a decompressing stream, refused (:class:`RejectedInput`) as soon as it grows past
    :func:`~marsad.ingest.limits.expansion_allowed` for the compressed bytes ``source`` has given so far: a
    compression bomb stops after about a megabyte, whatever its size once expanded."""

    def __init__(self, expanding: BinaryIO, source: BinaryIO, *, name: str) -> None:
        self._expanding = expanding
        self._source = source  # the compressed bytes; its position is how much was read
        self._start = source.tell()
        self._name = name
        self._expanded = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        chunk = self._expanding.read(min(len(buffer), _CHUNK))  # small steps: the check runs between them
        self._expanded += len(chunk)
        if self._expanded > expansion_allowed(self._source.tell() - self._start):
            raise RejectedInput(f"{self._name}: compressed data expands more than {MAX_COMPRESSION_RATIO}-fold "
                                "(a compression bomb?): refused")
        buffer[: len(chunk)] = chunk
        return len(chunk)

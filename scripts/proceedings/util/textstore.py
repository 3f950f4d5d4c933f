"""Texts kept between builds by key, in an SQLite database: a build reads them all at once and
writes back only those that changed. Kept in a JSON file, they were written whole after any change:
the citation records of 1,000 papers are 14 MB, which took 0.2 s of CPU to read and 0.1 s to write
again after one edited abstract, beside Sphinx; the database 0.04 s to read and 0.01 s to update."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

from .processes import deaf_children, worker_pool
from .progress import progress


def read_texts(path: Path) -> dict[str, str]:
    """The texts kept at ``path``, by key: none when no database of ours is there (none yet, or a
    damaged one, which :func:`write_texts` replaces)."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as database:
            return dict(database.execute("SELECT key, text FROM texts"))
    except sqlite3.Error:
        return {}


def write_texts(path: Path, texts: dict[str, str], stored: set[str]) -> None:
    """Make the database at ``path`` hold exactly ``texts``, in one transaction, given the keys it
    holds now (``stored``, as :func:`read_texts` read them): the others removed, the new ones added."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        _write(path, texts, stored)
    except sqlite3.DatabaseError:  # damaged, or not a database: made anew
        path.unlink(missing_ok=True)
        _write(path, texts, set())


def _write(path: Path, texts: dict[str, str], stored: set[str]) -> None:
    with closing(sqlite3.connect(path)) as database, database:
        database.execute("CREATE TABLE IF NOT EXISTS texts (key TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID")
        database.executemany("DELETE FROM texts WHERE key = ?", [(key,) for key in stored - texts.keys()])
        database.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?)", [(key, texts[key]) for key in texts.keys() - stored])


# Below this many texts to make, starting worker processes costs more than it saves.
_PARALLEL_TEXTS = 64


class TextCache:
    """Texts made from JSON items (formatted references, DataCite files, math checks) by a hash of
    their kind and item, or by a key the caller made (:meth:`keyed_text`), kept between builds in a
    database (:func:`read_texts`): a build that changed nothing makes none again."""

    def __init__(self, path: Path | None = None, version: str = ""):
        self.path = path
        """Where the cache lives between builds (none: only in memory)."""
        self.version = version
        """What made the texts (the code and the libraries): a new version makes every text again."""
        self.texts: dict[str, str] = read_texts(path) if path else {}
        self.used: set[str] = set()
        self._read = set(self.texts)  # as the database holds them: written again only when that changes
        self._lock = threading.Lock()  # the pages and the files beside them are made in two threads

    def _key(self, kind: str, item: object) -> str:
        return hashlib.sha256(json.dumps([self.version, kind, item], sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def text(self, kind: str, item: object, make: Callable[[Any], str]) -> str:
        """The text ``make`` makes of ``item``, made once."""
        return self.keyed_text(self._key(kind, item), lambda: make(item))

    def keyed_text(self, key: str, make: Callable[[], str]) -> str:
        """The text ``make`` makes, made once for ``key``: a digest of what it is made from, and of
        the kind of text (hashing 9,000 JSON items for their keys took a tenth of a second of every
        build, for digests the caller had already made)."""
        with self._lock:
            self.used.add(key)
            known = self.texts.get(key)
        if known is None:
            known = make()
            with self._lock:
                self.texts[key] = known
        return known

    def make_all(self, kind: str, items: list, make: Callable[[Any], str], workers: int | None = None,
                 quick: Callable[[Any], str | None] = lambda item: None) -> list[str]:
        """Make the texts of ``items`` not made yet: each that ``quick`` makes (None for those it
        cannot), then the others with ``make`` on every core when there are many (citeproc-py takes
        3 to 4 ms a reference); ``make`` must be a module-level function, which worker processes can
        call. The items' keys, in order."""
        keys = [self._key(kind, item) for item in items]
        todo = {key: item for key, item in zip(keys, items, strict=True) if key not in self.texts}
        made_quickly = {key: text for key, item in todo.items() if (text := quick(item)) is not None}
        with self._lock:
            self.texts |= made_quickly
        todo = {key: item for key, item in todo.items() if key not in made_quickly}
        workers = min(workers or os.cpu_count() or 1, max(1, len(todo) // _PARALLEL_TEXTS))
        if workers <= 1:
            made = {key: make(item) for key, item in todo.items()}
        else:
            with worker_pool(workers) as pool:
                with deaf_children():
                    texts = pool.map(make, todo.values(), chunksize=max(1, len(todo) // (workers * 8)))
                made = dict(zip(todo, progress(texts, len(todo), kind), strict=True))
        with self._lock:
            self.texts |= made
        return keys

    def keep(self, keys: Iterable[str]) -> None:
        """Keep the texts of ``keys`` as used in this build, without asking for them."""
        with self._lock:
            self.used.update(key for key in keys if key in self.texts)

    def save(self) -> None:
        """Keep the texts used in this build, and only those, unless the database holds them
        already (keys are digests of what their texts are made from)."""
        if self.path and self.used != self._read:
            write_texts(self.path, {key: self.texts[key] for key in self.used}, self._read)
            self._read = set(self.used)

"""The texts kept between builds in a database."""

from __future__ import annotations

import sqlite3

from proceedings.util.textstore import read_texts, write_texts


def test_the_database_holds_exactly_the_texts_last_written(tmp_path):
    path = tmp_path / "cache" / "texts.sqlite"
    assert read_texts(path) == {} and not path.exists()  # reading makes no file
    write_texts(path, {"a": "Ä text", "b": "B"}, set())
    assert read_texts(path) == {"a": "Ä text", "b": "B"}
    write_texts(path, {"b": "B", "c": "C\n" * 1000}, {"a", "b"})  # a dropped, c added, b left as it is
    assert read_texts(path) == {"b": "B", "c": "C\n" * 1000}


def test_a_damaged_database_is_read_as_empty_and_made_anew(tmp_path):
    path = tmp_path / "texts.sqlite"
    path.write_text('{"a": "a JSON cache of an earlier version"}', "utf-8")
    assert read_texts(path) == {}
    write_texts(path, {"a": "A"}, set())
    assert read_texts(path) == {"a": "A"}
    with sqlite3.connect(path) as database:  # another table, not ours
        database.execute("DROP TABLE texts")
        database.execute("CREATE TABLE other (x)")
    assert read_texts(path) == {}
    write_texts(path, {"b": "B"}, set())
    assert read_texts(path) == {"b": "B"}


def test_the_reference_workers_start_as_the_threads_running_allow(monkeypatch):
    # Under serve, a fork copied locks the preview's threads held; the pool asks how to start them.
    import multiprocessing

    from proceedings.util import processes, textstore

    asked = []
    monkeypatch.setattr(processes, "worker_context", lambda: asked.append(1) or multiprocessing.get_context("forkserver"))
    items = [f"item {number}" for number in range(2 * textstore._PARALLEL_TEXTS)]
    cache = textstore.TextCache()
    keys = cache.make_all("upper", items, str.upper, workers=2)
    assert asked == [1] and [cache.texts[key] for key in keys] == [item.upper() for item in items]

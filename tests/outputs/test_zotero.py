"""What Zotero makes of the shipped archive: its browser connector's page import (the Embedded
Metadata translator, through Zotero's translation-server) and its RIS import give back every
author's family and given names, the title, the proceedings title, the pages, the abstract and the DOI
(none for a paper without one).

Runs when ``ZOTERO_TRANSLATION_SERVER`` names a running server (``../shared/tools/zotero/README.md``
says how to start one; it is not a package, so CI has none) and skips with that message otherwise."""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import shutil
import threading
import urllib.request

import pytest

from proceedings.cli import main
from proceedings.inputs.loader import load
from proceedings.model.locations import Project
from proceedings.model.people import Person
from proceedings.outputs.citation import Citations, highwire_tags
from proceedings.util.latex import plain
from proceedings.util.text import page_span

from conftest import REPO
from names import names_volume

SERVER = os.environ.get("ZOTERO_TRANSLATION_SERVER", "")
pytestmark = pytest.mark.skipif(not SERVER, reason="set ZOTERO_TRANSLATION_SERVER to a running translation-server "
                                                   "(../shared/tools/zotero/README.md)")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The shipped archive, built in a temporary folder and served on localhost; its model and URL."""
    root = tmp_path_factory.mktemp("zotero") / "archive"
    root.mkdir()
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "papers", root / "papers")
    # With editors, and a conference (the workshop) named otherwise than its proceedings (a researcher's trial).
    workshop = root / "papers" / "workshop.yml"
    workshop.write_text(workshop.read_text("utf-8").replace('\nbooktitle: "', "\neditors: [Mihaela van der Schaar, Steven C.H. Hoi]"
                                                            '\nbooktitle: "Proceedings of the ', 1), "utf-8")
    shutil.copytree(REPO / "book", root / "book", ignore=shutil.ignore_patterns("papers", "tracks", "people", "program", "talks"))
    assert main(["build", str(root)]) == 0
    handler = functools.partial(_QuietHandler, directory=str(root / "_build" / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    volume, _ = load(Project(root))
    yield volume, root / "_build" / "html", f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def _zotero(path: str, body: bytes) -> dict:
    request = urllib.request.Request(f"{SERVER.rstrip('/')}/{path}", data=body, headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=60) as response:
        items = json.load(response)
    # A RIS N1 (the volume's "Non-archival") comes as a child note of the item.
    (item,) = [item for item in items if item["itemType"] != "note"]
    return item


def _creator(person: Person) -> tuple[str, ...]:
    """The person as Zotero should store them: one field for a name without given names, else
    (family, given), a suffix with the given names (Zotero writes it with or without a comma and
    its full stop, so those are left out of the comparison)."""
    parts = person.parts
    if not parts.given:
        return (parts.family,)
    return parts.family, f"{parts.given} {parts.suffix}".strip().replace(",", "").replace(" Jr.", " Jr")


def _creators(item: dict, role: str = "author") -> list[tuple[str, ...]]:
    return [(c["name"],) if "name" in c else (c["lastName"].strip(), c["firstName"].replace(",", "").replace(" Jr.", " Jr"))
            for c in item["creators"] if c.get("creatorType", "author") == role]


@pytest.mark.parametrize("source", ["page", "ris"])
def test_zotero_imports_every_paper_as_it_is(archive, source):
    volume, site, url = archive
    wrong = []
    for paper in volume.cited_papers:
        if source == "page":
            item = _zotero("web", f"{url}book/papers/{paper.id}.html".encode())
        else:
            item = _zotero("import", (site / f"book/papers/{paper.id}.ris").read_bytes())
        expected = {"itemType": "conferencePaper", "creators": [_creator(a) for a in paper.authors],
                    "editors": [_creator(e) for e in volume.workshop.editors], "conferenceName": plain(volume.workshop.title),
                    "title": plain(paper.title), "proceedingsTitle": plain(volume.workshop.booktitle),
                    "pages": page_span(volume.page_ranges[paper.id], "-"), "abstractNote": plain(paper.abstract),
                    "DOI": paper.doi}
        found = {**item, "creators": _creators(item, "author"), "editors": _creators(item, "editor")}
        wrong += [(paper.id, key, found.get(key), value) for key, value in expected.items() if found.get(key) != value]
    assert not wrong, "\n".join(map(str, wrong))


@pytest.mark.parametrize("source", ["page", "ris"])
def test_zotero_reads_every_name_of_the_table(archive, source):
    """The name table's people as Zotero stores them from a page's citation tags and from the RIS."""
    _, site, url = archive
    volume = names_volume()
    wrong = []
    for paper in volume.cited_papers:
        if source == "page":
            tags = "".join(f'<meta name="{name}" content="{html.escape(value)}">' for name, value in highwire_tags(volume, paper))
            (site / f"names-{paper.id}.html").write_text(f"<!DOCTYPE html><html><head>{tags}</head><body></body></html>", "utf-8")
            item = _zotero("web", f"{url}names-{paper.id}.html".encode())
        else:
            item = _zotero("import", Citations(volume).ris([paper]).encode())
        expected = [_creator(author) for author in paper.authors]
        wrong += [(paper.id, found, want) for found, want in zip(_creators(item), expected, strict=True)
                  if found != want and not _recased(source, found, want)]
    assert not wrong, "\n".join(map(str, wrong))


def _recased(source: str, found: tuple[str, ...], want: tuple[str, ...]) -> bool:
    """Whether Zotero's page import capitalised a name written all in lower case (its cleanAuthor
    does so on purpose), the only difference."""
    return source == "page" and all(part == part.lower() for part in want) and [p.lower() for p in found] == list(want)

"""End to end: `proceedings build` on small projects, checked in the real HTML Jupyter Book writes."""

from __future__ import annotations

import gc
import gzip
import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import bibtexparser
import pytest
from bs4 import BeautifulSoup

import proceedings.build as pipeline
from proceedings.__main__ import YOUNG_COLLECTION_AFTER
from proceedings.cli import main
from proceedings.inputs import checks
from proceedings.inputs.loader import load
from proceedings.model.locations import Project
from proceedings.outputs.samples import sample_slides
from proceedings.site import search, sitezip
from proceedings.util.latex import plain

from conftest import PAPERS_YML, PROGRAM, RECORDINGS, SITE_URL, TALKS, edit_while_jupyter_book_runs, tree_state, write_project

HOSTILE_PAPER = """\
- id: hostile
  title: "<script>alert('t')</script> ```{eval-rst} $x$"
  authors:
    - name: "<img src=x onerror=alert(1)>"
      affiliation: "{raw}`html <b>bold</b>`"
  abstract: |
    [click](javascript:alert(1)) and :::{include} /etc/passwd and {{ sub }} % comment
  keywords: ["<iframe>"]
  track: full
  code: "https://example.com/code?a=1&noteId=2"
  doi: "10.1002/(SICI)1097-4636(199812)43:4<439::AID-JBM12>3.0.CO;2-M"
"""


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def _article(path: Path) -> BeautifulSoup:
    """The page's own content, without the theme's scripts."""
    return _soup(path).select_one("article section")


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    root = write_project(tmp_path_factory.mktemp("e2e") / "project",
                         papers=PAPERS_YML.replace("  pdf: pdf/paper-one.pdf\n", "  pdf: pdf/paper-one.pdf\n  slides: slides/one.pdf\n")
                         + HOSTILE_PAPER)
    sample_slides(root / "papers/slides/one.pdf", "Slides of paper one", ["Jürgen Müller"], pages=4)
    for name, text in (("program.yml", PROGRAM), ("talks.yml", TALKS), ("recordings.yml", RECORDINGS)):
        (root / "papers" / name).write_text(text, "utf-8")
    capture = tmp_path_factory.mktemp("log") / "build.log"
    result = subprocess.run([sys.executable, "-c", "import sys; from proceedings.cli import main; sys.exit(main())",
                             "build", str(root)], capture_output=True, text=True)
    capture.write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, result.stdout + result.stderr


PAPERS = {
    "paper-one": ("Neural Operators for PDEs", ["Jürgen Müller", "Johannes van der Waals"], "with a neural operator."),
    "paper-two": ("A Tiny Idea", ["Łucja Wróbel"], "Short."),
}


def test_build_has_no_warnings(built):
    _, log = built
    sphinx_log = "\n".join(line for line in log.splitlines() if "recordings.yml" not in line)
    assert "WARNING" not in sphinx_log and "ERROR" not in sphinx_log, log


@pytest.mark.parametrize("pid", PAPERS)
def test_paper_page_shows_title_authors_abstract(built, pid):
    root, _ = built
    title, authors, abstract_words = PAPERS[pid]
    article = _article(root / "_build/html/book/papers" / f"{pid}.html")
    assert _text(article.find("h1")).startswith(title)
    for name in authors:
        assert name in _text(article)
    assert abstract_words in _text(article)
    assert "zanzibar quokka" in _text(article.find("details")), "the PDF's text is in a collapsed section"


def test_math_in_abstract_is_rendered(built):
    root, _ = built
    article = _article(root / "_build/html/book/papers/paper-one.html")
    formulas = article.select("span.math > math")
    assert [math["alttext"] for math in formulas] == ["u_t = \\Delta u"] and formulas[0].find("msub")


@pytest.mark.parametrize("pid", PAPERS)
def test_pdf_sits_beside_the_page(built, pid):
    root, _ = built
    html = root / "_build/html/book/papers"
    assert (html / f"{pid}.pdf").read_bytes() == (root / "papers/pdf" / f"{pid}.pdf").read_bytes()
    links = [a["href"] for a in _article(html / f"{pid}.html").find_all("a", href=True)]
    assert f"{pid}.pdf" in links and f"{pid}.bib" in links


@pytest.mark.parametrize("pid", PAPERS)
def test_bibtex_block_equals_bib_file(built, pid):
    root, _ = built
    html = root / "_build/html/book/papers"
    block = _article(html / f"{pid}.html").select_one("div.highlight-bibtex pre").get_text()
    assert block == (html / f"{pid}.bib").read_text("utf-8")
    assert "copybutton" in (html / f"{pid}.html").read_text("utf-8")


def test_volume_bib_holds_every_key(built):
    root, _ = built
    library = bibtexparser.parse_string((root / "_build/html/proceedings.bib").read_text("utf-8"))
    page_keys = set()
    for pid in [*PAPERS, "hostile"]:
        page_keys |= {e.key for e in bibtexparser.parse_string((root / f"_build/html/book/papers/{pid}.bib").read_text()).entries}
    assert {e.key for e in library.entries} == page_keys and len(page_keys) == 3


def test_every_paper_two_clicks_from_home(built):
    root, _ = built
    html = root / "_build/html"
    home = (html / "index.html").read_text("utf-8")
    start = urljoin("index.html", re.search(r'url=([^"]+)"', home).group(1))

    def links(page: str) -> set[str]:
        soup = _soup(html / page)
        return {urljoin(page, a["href"]).split("#")[0] for a in soup.find_all("a", href=True)
                if not a["href"].startswith(("http", "#", "mailto"))}

    reachable = set()
    for page in links(start):
        if page.endswith(".html") and (html / page).is_file():
            reachable |= links(page)
    for pid in [*PAPERS, "hostile"]:
        assert f"book/papers/{pid}.html" in reachable


def test_sidebar_does_not_list_papers(built):
    root, _ = built
    sidebar = _soup(root / "_build/html/book/welcome.html").select_one("nav.bd-docs-nav")
    hrefs = [a["href"] for a in sidebar.find_all("a", href=True)]
    assert any("tracks/full.html" in h for h in hrefs)
    assert not any("papers/paper-one" in h for h in hrefs)


def test_pages_outside_the_toc_share_a_sidebar_and_listed_pages_mark_their_own(built):
    root, _ = built
    html = root / "_build/html"

    def sidebar(page: str):
        return _soup(html / page).select_one("nav.bd-docs-nav")

    papers = [sidebar(f"book/papers/{pid}.html") for pid in [*PAPERS, "hostile"]]
    assert all(str(nav) == str(papers[0]) for nav in papers) and not papers[0].select(".current")
    for a in papers[0].find_all("a", href=True):
        assert (html / "book/papers" / a["href"].split("#")[0]).resolve().is_file(), a["href"]
    # Listed pages get their own, made for them: each marks its entry and its entry's parents.
    for page, marked in (("book/tracks/full.html", ["book/papers/index.html", "book/tracks/full.html"]),
                         ("book/papers/index.html", ["book/papers/index.html"]),
                         ("book/welcome.html", ["book/welcome.html"])):
        current = [urljoin(page, a["href"].split("#")[0]) for a in sidebar(page).select("li.current > a")]
        assert current == marked


def test_author_text_is_data_not_markup(built):
    root, _ = built
    page = root / "_build/html/book/papers/hostile.html"
    article = _article(page)
    assert article.find("h1").get_text().startswith("<script>alert('t')</script> ```{eval-rst}")
    assert "<img src=x onerror=alert(1)>" in _text(article)
    assert "{raw}`html <b>bold</b>`" in _text(article)
    assert "[click](javascript:alert(1)) and :::{include} /etc/passwd and {{ sub }} % comment" in _text(article)
    assert not article.find_all(["script", "img", "iframe", "b"])
    assert not [a for a in article.find_all("a", href=True) if a["href"].lower().startswith(("javascript", "data"))]


def test_front_pages(built):
    root, _ = built
    committee = _text(_article(root / "_build/html/book/people/committee.html"))
    assert "Ada Lovelace (Example University)" in committee
    assert "Konstantin Schürholt" in committee and "Lanasse Francois" in committee
    track = _text(_article(root / "_build/html/book/tracks/tiny.html"))
    assert "A Tiny Idea" in track and "Neural Operators" not in track


def test_rebuild_without_changes_rewrites_nothing(built):
    root, _ = built
    generated = sorted((root / "book").rglob("*.md"))
    before = {path: path.stat().st_mtime_ns for path in generated}
    papers = tree_state(root / "papers")
    assert main(["build", str(root)]) == 0
    assert {path: path.stat().st_mtime_ns for path in generated} == before
    assert tree_state(root / "papers") == papers


@pytest.mark.parametrize("command", ["check", "build"])
def test_broken_project_reports_and_writes_nothing(tmp_path, capsys, command):
    broken = PAPERS_YML.replace("track: tiny", "track: poster").replace("title: \"A Tiny Idea\"", "title: 42")
    root = write_project(tmp_path / "broken", papers=broken)
    before = tree_state(root)
    assert main([command, str(root)]) == 1
    err = capsys.readouterr().err
    assert "papers/accepted.yml:18: error: papers[1].title (paper-two): expected text" in err
    assert "papers/accepted.yml:22: error: papers[1].track (paper-two): unknown track 'poster'" in err
    assert tree_state(root) == before


def test_check_json(tmp_path):
    root = write_project(tmp_path / "broken", papers=PAPERS_YML.replace("track: tiny", "track: poster"))
    # As a script reads it: the command's whole standard output, in a process of its own (a library
    # that prints when imported would break the JSON).
    result = subprocess.run([sys.executable, "-m", "proceedings", "check", "--json", str(root)], capture_output=True, text=True)
    assert result.returncode == 1
    found = [d for d in json.loads(result.stdout) if d["severity"] == "error"]
    assert found == [{"file": "papers/accepted.yml", "line": 22, "field": "papers[1].track",
                      "message": "unknown track 'poster'; workshop.yml defines: full, tiny", "severity": "error",
                      "item": "paper-two"}]


def test_hand_written_page_in_generated_folder_is_protected(tmp_path, capsys):
    root = write_project(tmp_path / "p")
    mine = root / "book/papers/notes.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("# My notes\n")
    assert main(["check", str(root)]) == 1
    assert "book/papers/notes.md: error:" in capsys.readouterr().err
    assert mine.read_text() == "# My notes\n"


def test_keep_going_never_replaces_nor_removes_a_hand_written_page_nor_publishes_it(tmp_path, capsys):
    # Built past the error, the hand-written book/papers/paper-one.md was published as that paper's page.
    root = write_project(tmp_path / "p")
    assert main(["build", str(root)]) == 0
    published = (root / "_build/html/book/papers/paper-one.html").read_text("utf-8")
    pages = {root / "book/papers/notes.md": "# My notes\n", root / "book/papers/notes.txt": "kept\n",
             root / "book/papers/paper-one.md": "# I wrote this paper page myself\n",
             root / "book/talks/extra.md": "# Extra\n"}
    for path, text in pages.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert main(["build", "--keep-going", str(root)]) == 1  # the book's errors, not a record's: nothing built
    err = capsys.readouterr().err
    assert "book/papers/notes.md: error: hand-written page" in err and "book/talks/extra.md: error:" in err
    assert {path: path.read_text() for path in pages} == pages
    assert (root / "_build/html/book/papers/paper-one.html").read_text("utf-8") == published
    assert not (root / "_build/html/book/papers/notes.html").exists()


def test_a_removed_paper_is_no_longer_published(tmp_path):
    root = write_project(tmp_path / "p")
    assert main(["build", str(root)]) == 0
    site = root / "_build/html"
    assert (site / "book/papers/paper-two.html").is_file()
    accepted = root / "papers/accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").split("- id: paper-two")[0], "utf-8")
    assert main(["build", str(root)]) == 0
    assert not (site / "book/papers/paper-two.html").exists()
    assert not list((site / "_sources/book/papers").glob("paper-two.*"))
    with zipfile.ZipFile(site / "proceedings-site.zip") as archive:
        assert not [name for name in archive.namelist() if "paper-two" in name]
    fragments = b"".join(gzip.decompress(path.read_bytes()) for path in (site / "pagefind/fragment").glob("*"))
    assert b"paper-two" not in fragments and b"paper-one" in fragments


def test_new_project_checks_and_builds(tmp_path, capsys):
    target = tmp_path / "fresh"
    assert main(["new", str(target)]) == 0
    assert main(["check", str(target)]) == 0
    assert main(["build", str(target)]) == 0
    page = _article(target / "_build/html/book/papers/example-paper.html")
    assert "Marie Skłodowska-Curie" in _text(page)
    assert (target / "_build/html/book/papers/example-paper.pdf").is_file()


def test_citation_metadata_matches_records(built):
    root, _ = built
    volume, _ = load(Project(root))
    html = root / "_build/html/book/papers"
    for paper in volume.papers:
        page = html / f"{paper.id}.html"
        head = _soup(page).head
        meta = [(m["name"], m["content"]) for m in head.find_all("meta", attrs={"name": re.compile("^citation_")})]
        url = f"{SITE_URL}book/papers/{paper.id}.html"
        expected = [("citation_title", plain(paper.title))]
        expected += [("citation_author", author.family_first) for author in paper.authors]
        expected += [("citation_publication_date", "2026/04/27"), *([("citation_doi", paper.doi)] if paper.doi else []),
                     ("citation_inbook_title", "Proceedings of the Test Workshop on Foundation Models"),
                     ("citation_conference_title", "Test Workshop on Foundation Models")]
        if paper.pdf:
            expected.append(("citation_pdf_url", f"{SITE_URL}book/papers/{paper.id}.pdf"))
        expected += [("citation_abstract_html_url", url), ("citation_abstract", plain(paper.abstract))]
        if paper.keywords:
            expected.append(("citation_keywords", "; ".join(paper.keywords)))
        if paper.pdf:
            first, last = volume.page_ranges[paper.id]
            expected += [("citation_firstpage", str(first))] + ([("citation_lastpage", str(last))] if last != first else [])
        assert meta == expected
        assert head.find("link", rel="canonical")["href"] == url
        assert head.find("meta", property="og:url")["content"] == url
        assert head.find("meta", property="og:title")["content"] == plain(paper.title)
        assert head.find("meta", property="og:description")["content"].startswith(paper.abstract.split()[0])
        for link in head.find_all("link", rel="alternate"):
            assert (html / link["href"]).is_file()
        assert {link["type"] for link in head.find_all("link", rel="alternate")} >= {"application/x-bibtex"}
        (ld,) = [json.loads(s.string) for s in head.find_all("script", type="application/ld+json")]
        assert ld["@type"] == "ScholarlyArticle" and ld["name"] == plain(paper.title)
        assert [a["name"] for a in ld["author"]] == [a.name for a in paper.authors]
        assert ld["datePublished"] == "2026-04-27" and ld["url"] == url
        assert ld["isPartOf"]["name"] == "Proceedings of the Test Workshop on Foundation Models"
        if paper.pdf:
            assert ld["encoding"]["contentUrl"] == f"{SITE_URL}book/papers/{paper.id}.pdf"
        assert "<script>alert" not in str(head)


def test_exports_and_sitemap(built):
    root, _ = built
    site = root / "_build/html"
    for ext in ("bib", "ris", "json"):
        assert (site / f"proceedings.{ext}").is_file()
        assert (site / f"book/papers/paper-one.{ext}").is_file()
    assert len(json.loads((site / "proceedings.json").read_text("utf-8"))) == 3
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    for pid in [*PAPERS, "hostile"]:
        assert f"<loc>{SITE_URL}book/papers/{pid}.html</loc>" in sitemap
    article = _article(site / "book/papers/paper-one.html")
    apa = article.select_one("div.highlight-text pre").get_text()
    assert apa.startswith("Müller, J., & van der Waals, J. (2026")


def test_the_site_url_is_workshop_yml_s_and_another_in_config_is_ignored(tmp_path, capsys):
    root = write_project(tmp_path / "p")
    config = root / "_config.yml"
    config.write_text(config.read_text().replace("html:\n", 'html:\n  baseurl: "https://elsewhere.example/"\n'))
    assert main(["build", str(root)]) == 0
    assert (f"_config.yml:19: warning: html.baseurl: 'https://elsewhere.example/' is not used: the site's baseurl is "
            f"workshop.yml's url, '{SITE_URL}'; delete this line") in capsys.readouterr().err
    assert f"<loc>{SITE_URL}book/papers/paper-one.html</loc>" in (root / "_build/html/sitemap.xml").read_text("utf-8")


def test_program_page_lists_slots_with_links(built):
    root, _ = built
    article = _article(root / "_build/html/book/program/index.html")
    headings = [_text(h) for h in article.find_all("h2")]
    assert headings == ["09:00 – 09:45 Keynote #", "09:45 – 10:30 Talks #"]
    times = article.select("time.proceedings-time")
    assert [t["datetime"] for t in times[:2]] == ["2026-04-27T09:00:00-03:00", "2026-04-27T09:45:00-03:00"]
    hrefs = [a["href"] for a in article.find_all("a", href=True)]
    assert "../talks/keynote.html" in hrefs and "../papers/paper-one.html" in hrefs
    assert "../papers/one-slides.pdf" not in hrefs and "../papers/paper-one-slides.pdf" in hrefs
    assert article.select_one("button.proceedings-zone-switch")["data-venue-zone"] == "America/Sao_Paulo"
    assert (root / "_build/html/program.ics").is_file()
    # What link previews show, with its times (made from the page's text, it lost them: "Times are.").
    head = BeautifulSoup((root / "_build/html/book/program/index.html").read_text("utf-8"), "html.parser")
    described = {meta["content"] for meta in head.select('meta[name="description"], meta[property="og:description"]')}
    assert described == {"The program of Test Workshop on Foundation Models, Monday 27 April 2026, Rio de Janeiro, Brazil, "
                         "09:00–10:30 Rio de Janeiro time (America/Sao_Paulo): Keynote; Talks"}


def test_talk_page(built):
    root, _ = built
    article = _article(root / "_build/html/book/talks/keynote.html")
    assert _text(article.find("h1")).startswith("A Keynote")
    assert article.find("a", href="https://example.org/ada").get_text() == "Ada Lovelace"
    presented = " ".join(article.get_text("").split())
    assert "Presented: Keynote, 09:00–09:45; Rio de Janeiro time (America/Sao_Paulo)" in presented
    assert [t["datetime"] for t in article.find_all("time")] == ["2026-04-27T09:00:00-03:00", "2026-04-27T09:45:00-03:00"]
    assert (root / "_build/html/book/talks/panel.html").is_file()


def test_slides_and_previews_beside_the_page(built):
    root, _ = built
    html = root / "_build/html/book/papers"
    assert (html / "paper-one-slides.pdf").read_bytes() == (root / "papers/slides/one.pdf").read_bytes()
    for name in ("paper-one.png", "paper-one-slides.png"):
        assert (html / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    article = _article(html / "paper-one.html")
    images = article.select("a.proceedings-preview img")
    assert [(img["src"], img["alt"]) for img in images] == [("paper-one.png", "First page of the paper"),
                                                            ("paper-one-slides.png", "First page of the slides")]
    assert "Slides (4 pages" in _text(article)
    # The previews and the volume are the build's cached files, linked (never written in place); the
    # organizer's PDFs are copies, which a PDF written over in papers/ leaves as published.
    previews = root / "_build/.proceedings/previews"
    assert any((html / "paper-one.png").samefile(cached) for cached in previews.iterdir())
    assert any((root / "_build/html/proceedings.pdf").samefile(cached) for cached in (root / "_build/.proceedings/volume").iterdir())
    assert not (html / "paper-one-slides.pdf").samefile(root / "papers/slides/one.pdf")
    assert not (html / "paper-one.pdf").samefile(root / "papers/pdf/paper-one.pdf")


def test_recordings_by_permission(built):
    root, _ = built
    html = root / "_build/html/book"
    public = _article(html / "papers/paper-one.html").select_one("span.proceedings-recording")
    assert public["data-embed"] == "https://www.youtube-nocookie.com/embed/abcdefghijk"
    assert not public.find("iframe"), "the player loads only on click"
    assert public.find_parent("p"), "inline in its paragraph, which a <div> may not be"
    own_page = _article(html / "papers/paper-one.html").find("a", href="https://www.youtube.com/watch?v=abcdefghijk")
    assert own_page and own_page.find_parent("p").get_text().startswith("The video's own page:")
    linked = _article(html / "papers/paper-two.html")
    assert not linked.select("span.proceedings-recording")
    assert linked.find("a", href="https://vimeo.com/12345")
    for withheld in ("talks/keynote.html", "talks/panel.html"):
        page = (html / withheld).read_text("utf-8")
        assert "slideslive" not in page and "youtu" not in page and "proceedings-recording" not in page
        assert "recording not published." in _text(_article(html / withheld)).lower()


def test_split_indexes_are_linked_from_paper_pages(tmp_path):
    root = write_project(tmp_path / "project")
    assert main(["build", str(root), "--index-page-limit", "1"]) == 0
    site = root / "_build/html/book"
    soup = BeautifulSoup((site / "papers/paper-one.html").read_text("utf-8"), "html.parser")
    links = [a["href"] for a in soup.select("article a[href*='authors-'], article a[href*='keywords-']")]
    assert any("/people/authors-" in href for href in links) and any("keywords-" in href for href in links)
    for href in links:
        path, anchor = href.split("#")
        assert BeautifulSoup((site / "papers" / path).read_text("utf-8"), "html.parser").find(id=anchor), href
    index = BeautifulSoup((site / "people/authors.html").read_text("utf-8"), "html.parser")
    assert [a["href"] for a in index.select("article a[href^='authors-']")]


def test_the_zip_takes_the_other_files_while_the_volume_pdf_is_made(tmp_path, monkeypatch):
    """The volume PDF, made last after an added paper or a new PDF, is put into the site apart from
    the other files beside the pages: the zip takes those meanwhile, and the volume once it is put;
    a build without a volume removes it from the site, the snapshot and the zip."""
    root = write_project(tmp_path / "project")
    zipping = threading.Event()
    add_entries, put_volume_pdf = sitezip._add_entries, pipeline.put_volume_pdf
    monkeypatch.setattr(sitezip, "_add_entries", lambda *args: zipping.set() or add_entries(*args))
    waited = []
    monkeypatch.setattr(pipeline, "put_volume_pdf", lambda *args: waited.append(zipping.wait(30)) or put_volume_pdf(*args))
    assert main(["build", str(root)]) == 0
    assert waited == [True], "the zip waited for the volume PDF"
    site = root / "_build" / "html"
    with zipfile.ZipFile(site / "proceedings-site.zip") as archive:
        assert archive.read("proceedings-site/proceedings.pdf") == (site / "proceedings.pdf").read_bytes()
    assert main(["build", "--no-volume-pdf", str(root)]) == 0
    assert not (site / "proceedings.pdf").exists()
    with zipfile.ZipFile(site / "proceedings-site.zip") as archive:
        assert "proceedings-site/proceedings.pdf" not in archive.namelist()


def test_what_a_killed_build_left_half_written_is_removed_and_never_published(tmp_path):
    """A build killed while it wrote a file leaves that file's temporary beside it in the work folder
    (the zip's is as large as the site): the next build that changes something removes them, and
    neither its snapshot nor its zip holds them (they did, as hidden files, before)."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    work = Project(root).work_html
    leftovers = [f".{sitezip.SITE_ZIP}.99999.tmp", "book/papers/.paper-one.bib.99999.tmp", ".index.html.99999.tmp"]
    for name in leftovers:
        (work / name).write_text("half a file", "utf-8")
    accepted = root / "papers/accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace("A Tiny Idea", "A Tiny Idea, corrected"), "utf-8")
    assert main(["build", str(root)]) == 0
    site = (root / "_build/html").resolve()
    assert [name for name in leftovers if (work / name).exists() or (site / name).exists()] == []
    assert not [path for path in site.rglob("*.tmp")]
    with zipfile.ZipFile(site / sitezip.SITE_ZIP) as archive:
        assert not [name for name in archive.namelist() if name.endswith(".tmp")]


def test_a_failing_sphinx_is_reported_and_the_last_site_kept(tmp_path, capsys, monkeypatch):
    """The zip and the snapshot, started before Sphinx, stop when it fails: the site it half wrote is
    neither walked, nor zipped, nor staged."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    site = (root / "_build/html").resolve()
    config = root / "_config.yml"
    config.write_text(config.read_text("utf-8").replace("    - proceedings.sphinxext", "    - proceedings.sphinxext\n    - no_such_extension"), "utf-8")
    monkeypatch.setattr(checks, "_is_module", lambda name: True)  # check would name it first: Sphinx fails at it
    walked = []
    monkeypatch.setattr(pipeline, "file_signatures", lambda folder: walked.append(folder) or {})
    # publish() reads the snapshots beside Sphinx, then waits for it (its last argument): that raises.
    monkeypatch.setattr(pipeline, "publish", lambda *args: args[-1]() or walked.append(args))
    capsys.readouterr()
    assert main(["build", str(root)]) != 0
    err = capsys.readouterr().err
    assert "Jupyter Book says" in err and "no_such_extension" in err, err
    assert (root / "_build/html").resolve() == site and (site / "book/papers/paper-one.html").is_file()
    assert walked == []


def test_a_failing_pagefind_publishes_nothing_and_keeps_the_last_site(tmp_path, capsys, monkeypatch):
    """The zip and the snapshot take the other files while Pagefind runs: when it fails, they stop."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    site = (root / "_build/html").resolve()
    page = root / "_build/html/book/papers/paper-one.html"
    before = page.read_bytes()
    records = root / "papers/accepted.yml"
    records.write_text(records.read_text("utf-8").replace("We learn", "We now learn"), "utf-8")
    monkeypatch.setattr(search, "_pagefind", lambda: shutil.which("false"))
    capsys.readouterr()
    assert main(["build", str(root)]) != 0
    assert "Pagefind could not index" in capsys.readouterr().err
    assert (root / "_build/html").resolve() == site and page.read_bytes() == before
    assert not list(site.parent.glob(".*"))  # no half-staged snapshot
    monkeypatch.undo()
    assert main(["build", str(root)]) == 0
    assert b"We now learn" in page.read_bytes() and (root / "_build/html").resolve() != site


def test_links_with_ampersands_and_dois_with_angle_brackets_lead_where_they_say(built):
    """MyST escapes a link's target once and the HTML writer again; a DOI's < and > are percent-encoded."""
    root, _ = built
    page = _soup(root / "_build/html/book/papers/hostile.html")
    hrefs = {a.get_text(): a["href"] for a in page.select("article a[href^='http']")}
    assert hrefs["Code"] == "https://example.com/code?a=1&noteId=2"
    doi = "10.1002/(SICI)1097-4636(199812)43:4<439::AID-JBM12>3.0.CO;2-M"
    assert hrefs[doi] == "https://doi.org/10.1002/(SICI)1097-4636(199812)43:4%3C439::AID-JBM12%3E3.0.CO;2-M"


def test_a_paper_page_describes_itself_by_its_abstract(built):
    """The meta description is the Open Graph one (the abstract), not the page's first words (the byline)."""
    root, _ = built
    head = _soup(root / "_build/html/book/papers/paper-one.html").head
    description = head.find("meta", attrs={"name": "description"})["content"]
    assert description == head.find("meta", property="og:description")["content"]
    assert description.startswith("We learn") and len(head.find_all("meta", attrs={"name": "description"})) == 1


def test_every_stylesheet_and_script_of_a_first_build_carries_its_checksum(built):
    """Sphinx adds ``?v=`` to a local file that is there when a page is written; myst-nb's
    stylesheet came only once the build had finished, so the pages of a first build linked it
    without one and those an incremental build rewrote with one (a trial's comparison found it)."""
    root, _ = built
    for page in ("book/papers/paper-one.html", "book/people/authors.html"):
        head = _soup(root / "_build/html" / page).head
        links = [tag["href"] for tag in head.find_all("link", rel="stylesheet")] + [tag["src"] for tag in head.find_all("script", src=True)]
        local = [link for link in links if "_static/" in link and "://" not in link]
        assert any("mystnb." in link for link in local)
        # The theme's own files carry its digest instead.
        assert all("?v=" in link or "?digest=" in link for link in local), local


def test_a_second_build_started_meanwhile_waits_for_the_first(tmp_path):
    """The trial's two builds at once: the second crashed with a traceback when the first removed
    the marker of a running Jupyter Book. It now waits, then finds the site up to date."""
    import fcntl
    import os
    import time

    root = write_project(tmp_path / "project")
    command = [sys.executable, "-m", "proceedings", "build", str(root)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until the first holds the lock, on the project's folder
        descriptor = os.open(root, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            break
        finally:
            os.close(descriptor)
        time.sleep(0.05)
    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    first_output, _ = first.communicate(timeout=300)
    assert first.returncode == 0, first_output
    assert second.returncode == 0 and "Traceback" not in second.stderr, second.stdout + second.stderr
    assert "Another build of this project is running: waiting for it to end." in second.stderr
    assert "Nothing changed since the last build" in second.stdout


def test_an_interruption_speaks_of_the_published_site_only_when_there_is_one(tmp_path, monkeypatch, capsys):
    import proceedings.cli as cli

    def interrupted(args):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "cmd_build", interrupted)
    assert cli.main(["build", str(tmp_path)]) == 130
    first = capsys.readouterr().err
    assert "Interrupted." in first and "published" not in first  # a first build: no site yet
    (tmp_path / "_build" / "html").mkdir(parents=True)
    assert cli.main(["build", str(tmp_path)]) == 130
    assert "the site published last is still in place" in capsys.readouterr().err


def test_a_missing_include_on_a_hand_written_page_is_shown_not_only_logged(tmp_path, capsys):
    # Docutils' SEVERE, which Sphinx logs as CRITICAL, was kept in the log: the page lost the
    # included text (the home page its venue line, once moved to a subfolder) without a word.
    root = write_project(tmp_path / "p")
    (root / "book" / "preface.md").write_text("# Preface\n\n```{include} nothere.txt\n```\n", "utf-8")
    assert main(["build", str(root)]) == 0
    err = capsys.readouterr().err
    assert "book/preface.md:3: warning: Jupyter Book CRITICAL: " in err and "nothere.txt" in err, err


def test_jupyter_book_s_warnings_are_reported_at_their_file_and_line_and_counted(tmp_path, capsys):
    # They came in a block of their own, with absolute paths, while the summary below counted only
    # the build's own warnings ("0 error(s), 25 warning(s)" after four from Jupyter Book).
    root = write_project(tmp_path / "p")
    (root / "book" / "preface.md").write_text("# Preface\n\nSee {ref}`nowhere`.\n\n```{foo}\nx\n```\n\n"
                                              "And {doc}`\x1b]0;pwned\x07gone`.\n\n[A paper](papers/paper-nine.md)\n", "utf-8")
    (root / "book" / "notes.md").write_text("# Notes\n", "utf-8")
    assert main(["build", str(root)]) == 0
    err = capsys.readouterr().err
    # What check says of a place, Jupyter Book does not say again (it was told, and counted, twice)
    assert "book/notes.md: warning: no entry of _toc.yml lists it" in err and "included in any toctree" not in err
    assert "book/preface.md:11: warning: links to 'papers/paper-nine.md'" in err and "target not found" not in err, err
    assert "book/preface.md:3: warning: Jupyter Book: undefined label: 'nowhere'" in err.splitlines(), err
    # The escape sequence (the terminal's title) quoted from the page is written out, not sent to the terminal
    assert "book/preface.md:9: warning: Jupyter Book: unknown document: '\\x1b]0;pwned\\x07gone'" in err.splitlines()
    assert "\x1b" not in err and "\x07" not in err
    assert "book/preface.md:5: warning: Jupyter Book: Unknown directive type: 'foo' [myst.directive_unknown]" in err.splitlines()
    assert str(root) not in err
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    assert f"0 error(s), {len(warnings)} warning(s)" in err.splitlines()


def test_jupyter_book_s_warnings_are_reported_with_v_and_when_the_build_stops_after_it(tmp_path, capsys, monkeypatch):
    # With -v they were only in the log on the terminal, and a build that stopped after Sphinx (an
    # input changed meanwhile) reported none: the next build read no page again, so none was ever seen.
    root = write_project(tmp_path / "p")
    book = root / "book"
    (book / "preface.md").write_text("# Preface\n\n(mylabel)=\n## Part\n\n```{foo}\nx\n```\n", "utf-8")
    (book / "extra.md").write_text("---\norphan: true\n---\n(mylabel)=\n# Extra\n", "utf-8")
    (book / "levels.rst").write_text("Title\n=====\n\nSub\n---\n\nSub2\n~~~~\n\nBack\n====\n\nAgain\n~~~~~\n", "utf-8")
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Notebook\n"},
             {"cell_type": "markdown", "metadata": {}, "source": "Text.\n\n```{baz}\nx\n```\n"}]
    (book / "nb.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), "utf-8")
    assert main(["build", "-v", str(root)]) == 0
    err = capsys.readouterr().err.splitlines()
    # MyST-NB's line 20003 is the second cell's third line
    assert "book/nb.ipynb: warning: Jupyter Book: cell 2, line 3: Unknown directive type: 'baz' [myst.directive_unknown]" in err
    assert "book/preface.md:6: warning: Jupyter Book: Unknown directive type: 'foo' [myst.directive_unknown]" in err
    assert any(re.fullmatch(r"book/(preface|extra)\.md:\d: warning: Jupyter Book: duplicate label mylabel, other "
                            r"instance in book/(preface|extra)\.md", line) for line in err), err
    # docutils quotes the text at fault on the lines after its message
    assert "book/levels.rst:13: warning: Jupyter Book CRITICAL: Title level inconsistent: Again ~~~~~" in err
    assert not [line for line in err if str(root) in line or "WARNING" in line]

    accepted = root / "papers" / "accepted.yml"
    edit_while_jupyter_book_runs(monkeypatch, lambda: accepted.write_text(accepted.read_text("utf-8") + "\n# an edit\n", "utf-8"))
    (book / "preface.md").write_text("# Preface\n\n```{bar}\nx\n```\n", "utf-8")
    assert main(["build", str(root)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "book/preface.md:3: warning: Jupyter Book: Unknown directive type: 'bar' [myst.directive_unknown]" in err
    assert err[-1].startswith("papers/accepted.yml changed while this build ran")
    assert err[-1].endswith("was not published (the last site stays). Build again once the change is done.")
    warnings = [line for line in err if ": warning: " in line]
    assert f"0 error(s), {len(warnings)} warning(s)" in err


def test_a_reader_that_goes_away_ends_the_command_without_a_traceback(tmp_path):
    # `proceedings check --json | head -c 100` ended in BrokenPipeError's traceback on the terminal.
    many = "".join(f"- id: p{number}\n  title: Paper {number}\n  authors: [{{name: 'Ann Lee*'}}]\n  abstract: A.\n"
                   f"  track: full\n" for number in range(400))  # a warning each: more than a pipe holds
    root = write_project(tmp_path / "p", papers=many, pdfs=())
    process = subprocess.Popen([sys.executable, "-m", "proceedings", "check", "--json", str(root)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.read(100)
    process.stdout.close()
    assert process.wait(timeout=60) == 128 + signal.SIGPIPE
    assert process.stderr.read() == b""


def test_the_command_s_own_process_collects_cycles_rarely_and_a_program_importing_it_keeps_its_own(tmp_path):
    # The collector's default (a young collection each 700 objects) took a tenth of an edited abstract's rebuild.
    root = write_project(tmp_path / "p")
    script = ("import gc, sys; from proceedings.__main__ import main; sys.argv = ['proceedings', 'check', sys.argv[1]]; "
              "main(); print(gc.get_threshold()[0], gc.get_freeze_count() > 0)")
    result = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1].split() == [str(YOUNG_COLLECTION_AFTER), "True"], result.stderr
    before = gc.get_threshold()
    assert main(["check", str(root)]) == 0
    assert gc.get_threshold() == before


def test_jupyter_book_s_log_into_a_file_has_no_colour_codes(tmp_path):
    # `build -v > log` wrote Sphinx's colours as codes: Jupyter Book does not ask, as sphinx-build does,
    # whether its output is a terminal.
    root = write_project(tmp_path / "p")
    result = subprocess.run([sys.executable, "-m", "proceedings", "build", "-v", str(root)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "build succeeded" in result.stdout and "\x1b[" not in result.stdout + result.stderr


def test_the_build_s_own_files_damaged_by_hand_say_what_to_do(tmp_path, capsys):
    # A folder of _build/ become a file ended in a traceback that said nothing of what to do (a trial's finding).
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    cache = root / "_build" / ".proceedings" / "pdf-facts"
    shutil.rmtree(cache)
    cache.write_text("not a folder", "utf-8")
    (root / "book" / "preface.md").write_text("# Preface\n\nAgain.\n", "utf-8")
    assert main(["build", str(root)]) == 1
    said = capsys.readouterr().err
    assert f"The build could not use {cache}: " in said and f"remove {root / '_build'} and build again." in said, said
    cache.unlink()
    assert main(["build", str(root)]) == 0


def test_a_build_stopped_by_its_own_file_damaged_by_hand_says_what_the_inputs_hold_too(tmp_path, capsys):
    # A trial's: the kept math checks made a folder, then an edit built: only the folder was named.
    root = write_project(tmp_path / "project")
    accepted = root / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace('"Neural Operators for PDEs"', '"Neural $x^1^2$ Operators"'), "utf-8")
    assert main(["build", str(root)]) == 0
    kept = root / "_build" / ".proceedings" / "math-checks.sqlite"
    assert "$x^1^2$ cannot be typeset" in capsys.readouterr().err and kept.is_file()
    kept.unlink()
    kept.mkdir()
    accepted.write_text(accepted.read_text("utf-8").replace("A second paragraph.", "A second paragraph, edited."), "utf-8")
    assert main(["build", str(root)]) == 1
    said = capsys.readouterr().err
    assert "$x^1^2$ cannot be typeset" in said and f"The build could not use {kept}: " in said, said
    kept.rmdir()
    assert main(["build", str(root)]) == 0 and "$x^1^2$ cannot be typeset" in capsys.readouterr().err


def test_a_build_of_a_folder_that_is_not_there_says_so_without_a_traceback(tmp_path):
    """The project's folder is the build's lock: a folder that was not there ended the build in a
    traceback (FileNotFoundError) where ``check`` and ``serve`` say there is no project."""
    run = subprocess.run([sys.executable, "-m", "proceedings", "build", str(tmp_path / "no-such-folder")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert "no papers/ folder here; is this a proceedings project?" in run.stderr
    assert not (tmp_path / "no-such-folder").exists()


def test_a_generated_page_changed_by_hand_stops_the_build_and_is_kept(tmp_path, capsys):
    """A new-user trial edited a paper's generated page under `serve`: the next build wrote it
    again, with "1 page(s) updated" as the only word. A page only touched is as it was written."""
    root = write_project(tmp_path / "p")
    assert main(["build", str(root)]) == 0
    page = root / "book" / "papers" / "paper-one.md"
    page.touch()
    assert main(["build", str(root)]) == 0
    edited = page.read_text("utf-8") + "\nA sentence the organizer added.\n"
    page.write_text(edited, "utf-8")
    accepted = root / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace("A second paragraph.", "A second paragraph, edited."), "utf-8")
    capsys.readouterr()
    assert main(["check", str(root)]) == 1
    assert main(["build", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.count("book/papers/paper-one.md: error: changed by hand since the build wrote it; the build writes "
                     "this page from papers/") == 2, err
    assert page.read_text("utf-8") == edited
    shutil.rmtree(root / "_build")  # a verification trial: the build's record gone, the edit was lost
    assert main(["build", str(root)]) == 1
    assert page.read_text("utf-8") == edited
    listing = root / "book" / "tracks" / "full.md"  # a trial's own page, begun as a copy of a generated one
    mine = listing.with_name("special.md")
    mine.write_text(listing.read_text("utf-8").replace("# Full papers", "# A special selection"), "utf-8")
    page.unlink()
    capsys.readouterr()
    assert main(["build", str(root)]) == 1
    assert "book/tracks/special.md: error: changed by hand" in capsys.readouterr().err and mine.is_file()
    mine.unlink()
    assert main(["build", str(root)]) == 0
    assert "organizer added" not in page.read_text("utf-8") and "edited." in page.read_text("utf-8")

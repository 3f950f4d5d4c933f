"""The shipped archive in headless Chromium: program time zones, click-to-load recordings,
accessibility (axe-core), phones, keyboard. Screenshots land in _build/screenshots/ for people to look at."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.application import Sphinx

from proceedings.cli import main
from proceedings.site import search
from proceedings.site.serve import SiteHandler

from conftest import REPO, write_project
from hostile import HOSTILE, hostile_project
from watched import WATCHING, serving

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
HTML_VALIDATE = Path(__file__).parent / "node_modules" / ".bin" / "html-validate"
SCREENSHOTS = REPO / "_build" / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]

if not (CHROMIUM.is_file() and AXE.is_file() and HTML_VALIDATE.is_file()):
    message = "needs Debian's chromium and `npm ci --prefix tests` (axe-core, html-validate); .ci/run installs both"
    if os.environ.get("CI") == "true":
        raise RuntimeError(message)  # in CI the browser tests must run, never skip
    pytest.skip(message, allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def _archive_copy(root: Path) -> Path:
    """The shipped archive's inputs copied to ``root`` (without its generated pages)."""
    root.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "papers", root / "papers")
    shutil.copytree(REPO / "book", root / "book", ignore=shutil.ignore_patterns("papers", "tracks", "people", "program", "talks"))
    return root


def _build_in_shards(root: Path) -> None:
    """Build the project, its search index in shards of four papers, as a large volume's is: every
    search test also checks that the search page merges the shards' results with the main index."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_SIZE", 4)
        assert main(["build", str(root)]) == 0


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """The shipped archive, copied and built in a temporary folder: its site folder."""
    root = _archive_copy(tmp_path_factory.mktemp("site") / "archive")
    _build_in_shards(root)
    assert len(json.loads((root / "_build" / "html" / "pagefind" / "merge.json").read_text())["shards"]) == 4
    return root / "_build" / "html"


@contextlib.contextmanager
def _served(folder: Path) -> Iterator[str]:
    """``folder`` served on localhost as `proceedings serve` serves it (gzip and cache headers, as a
    good static host would); its address."""
    handler = functools.partial(SiteHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def site(built_site) -> Iterator[str]:
    """The built archive served on localhost."""
    with _served(built_site) as address:
        yield address


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser, site):
    """Opens a page of the site in a fresh context; every request is recorded, and any that would
    leave localhost is refused (and recorded) so the tests never touch the network."""
    contexts = []

    def opener(path: str, width: int = 1200, timezone: str = "Europe/Berlin", scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": 900}, timezone_id=timezone,
                                      color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        page.requests = []
        page.errors, page.warnings = [], []
        page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else
                page.warnings.append(message.text) if message.type == "warning" else None)
        page.on("pageerror", lambda error: page.errors.append(str(error)))

        def route(route):
            page.requests.append(route.request.url)
            if route.request.url.startswith(site):
                route.continue_()
            else:
                route.abort()

        page.route("**/*", route)
        page.goto(site + path)
        page.wait_for_load_state("load")
        return page

    yield opener
    for context in contexts:
        context.close()


def test_program_shows_slots_and_switches_time_zone(open_page):
    page = open_page("book/program/index.html", timezone="Asia/Tokyo")
    headings = page.locator("article h2").all_inner_texts()
    assert len(headings) == 13 and headings[0].startswith("08:55–09:00") and "Invited Talk VII" in headings[10]
    label = page.locator(".proceedings-zone-label").first
    assert label.inner_text() == "Rio de Janeiro time (America/Sao_Paulo)"
    first = page.locator("time.proceedings-time").first
    assert first.inner_text() == "08:55"
    switch = page.locator("button.proceedings-zone-switch")
    switch.click()
    assert first.inner_text() == "20:55", "08:55 in Rio (UTC-3) is 20:55 in Tokyo (UTC+9)"
    assert label.inner_text() == "your time (Asia/Tokyo)"
    assert switch.get_attribute("aria-pressed") == "true"
    switch.click()
    assert first.inner_text() == "08:55" and label.inner_text().startswith("Rio de Janeiro time")


@pytest.mark.parametrize("zone, first, moved", [("Asia/Tokyo", "20:55", "(Tue, Apr 28)"),
                                                ("Pacific/Kiritimati", "01:55 (Tue, Apr 28)", "(Tue, Apr 28)"),
                                                ("Pacific/Honolulu", "01:55", None)])
def test_program_in_a_far_zone_dates_the_slots_on_another_day(open_page, site, zone, first, moved):
    page = open_page("book/program/index.html", timezone=zone, width=375)
    page.locator("button.proceedings-zone-switch").click()
    times = page.locator("article h2 time.proceedings-time").all_inner_texts()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"program-{zone.replace('/', '-')}-375px.png"))
    assert times[0] == first
    dated = [text for text in times if "(" in text]
    if moved:  # once, where the day turns (a new-user trial: eight of thirteen slots repeated it)
        assert len(dated) == 1 and dated[0].endswith(moved), times
    else:
        assert not dated, "the whole day stays on the venue's date"
    page.reload()
    page.wait_for_load_state("load")
    assert page.locator("article h2 time.proceedings-time").first.inner_text() == first, "the choice survives a reload"
    paper = page.context.new_page()
    paper.goto(site + "book/papers/example-operator-scaling.html")
    paper.wait_for_load_state("load")
    presented = paper.locator("p:has-text('Presented:')").inner_text()
    assert f"your time ({zone})" in presented and "Rio de Janeiro time" not in presented


def test_the_home_page_s_hours_follow_the_reader_s_choice_of_clock(open_page):
    """A new-user trial chose their own zone on the program page: the home page still gave the day's
    hours on the venue's clock. Another read their zone in brackets within brackets."""
    page = open_page("book/welcome.html", timezone="Asia/Tokyo")
    line = page.locator("article p", has_text="Monday 27 April 2026").first
    assert "08:55–17:35 Rio de Janeiro time (GMT−3)" in line.inner_text()
    page.evaluate("localStorage.setItem('proceedings-times', 'reader')")
    page.reload()
    page.wait_for_load_state("load")
    assert "20:55–05:35 (Tue, Apr 28) your time (Asia/Tokyo)" in line.inner_text()


def test_public_recording_loads_only_after_click(open_page, site):
    page = open_page("book/papers/example-operator-scaling.html")
    page.wait_for_timeout(500)
    assert page.requests and all(url.startswith(site) for url in page.requests), \
        [url for url in page.requests if not url.startswith(site)]
    assert page.locator("iframe").count() == 0
    page.get_by_role("button", name="▶ Play the recording").click()
    player = page.locator("span.proceedings-recording iframe")
    assert player.get_attribute("src") == "https://www.youtube-nocookie.com/embed/EXAMPLE0001"
    assert player.get_attribute("title") == "Recording (12:30)"
    page.wait_for_timeout(300)
    assert any(url.startswith("https://www.youtube-nocookie.com/") for url in page.requests)
    assert page.warnings == [], "a new-user trial: 'Allow attribute will take precedence over allowfullscreen'"


def test_a_printed_paper_page_leaves_out_what_only_works_on_a_screen(open_page):
    """A new-user trial printed a paper page: the "Play the recording" button and a folded "Full text
    of the PDF" box were printed, the "BibTeX" heading was left at the foot of a page without its
    block, and no link showed its address."""
    page = open_page("book/papers/example-operator-scaling.html")
    page.emulate_media(media="print")
    shown = page.evaluate("""[...document.querySelectorAll('.proceedings-recording, details.sd-dropdown')]
        .map(node => getComputedStyle(node).display)""")
    assert shown and set(shown) == {"none"}
    label = page.locator("article p", has_text="BibTeX").first
    assert label.evaluate("node => getComputedStyle(node).breakAfter") == "avoid"
    doi = page.locator("article a[href^='https://doi.org/']").first
    assert doi.evaluate("node => getComputedStyle(node, '::after').content").startswith('" (https://doi.org/')
    assert page.pdf()[:5] == b"%PDF-"


def test_without_javascript_a_recording_offers_its_link_and_no_dead_button(browser, site):
    """A new-user trial: with JavaScript off, "Play the recording" was shown and did nothing."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site) else route.abort())
    page.goto(site + "book/papers/example-operator-scaling.html")
    assert not page.get_by_role("button", name="▶ Play the recording").is_visible()
    assert page.get_by_role("link", name="Recording (YouTube, 12:30)").is_visible()
    context.close()


@pytest.mark.parametrize("path", ["book/welcome.html", "book/program/index.html",
                                  "book/papers/example-operator-scaling.html", "book/talks/mahoney.html"])
def test_no_serious_accessibility_violations(open_page, path):
    page = open_page(path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in result["violations"] if v["impact"] in ("critical", "serious")]
    assert serious == [], serious


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1200])
def test_search_results_are_readable_in_light_and_dark(open_page, scheme, width):
    """A new-user trial: in dark mode the results, their count and the filters' names were Pagefind's
    dark grey on the theme's near-black (a contrast of 1.6:1)."""
    page = _search(open_page, "scaling", scheme=scheme, width=width)
    page.locator(".pagefind-ui__filter-name").first.wait_for()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document.querySelector('#proceedings-search'),
                                                        {runOnly: ['color-contrast']})""")
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
    assert result["passes"], "axe compared the results' colours"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-{scheme}-{width}px.png"))


@pytest.mark.parametrize("path, name", [("book/program/index.html", "program-375px.png"),
                                        ("book/papers/example-operator-scaling.html", "paper-375px.png")])
def test_phone_width(open_page, path, name):
    page = open_page(path, width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "nothing overflows sideways"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    assert (SCREENSHOTS / name).stat().st_size > 10_000


def test_a_title_s_long_words_stay_whole_on_a_phone(open_page):
    """A new-user trial: at the theme's 42px, a title's "Backpropagation" was broken as
    "Backpropagatio|n" at 375px (a word longer than any line still wraps: nothing widens the page)."""
    page = open_page("book/papers/example-operator-scaling.html", width=375)
    words = ["Backpropagation", "Hyperparameterization"]
    pieces = page.evaluate("""words => { const title = document.querySelector('article h1').firstChild;
        title.textContent = 'Spike Timing Dependent ' + words.join(' and ');
        return words.map(word => { const range = document.createRange(), at = title.textContent.indexOf(word);
            range.setStart(title, at); range.setEnd(title, at + word.length); return range.getClientRects().length; }); }""",
                           words)
    assert pieces == [1, 1]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    title, section = page.evaluate("['h1', 'h2'].map(tag => parseFloat(getComputedStyle(document.querySelector("
                                   "'article ' + tag)).fontSize))")
    assert title > section, "the sections' headings are smaller than the title (a review)"


def test_keyboard_reaches_every_link(open_page):
    page = open_page("book/program/index.html")
    wanted = set(page.eval_on_selector_all(
        "article a[href]", "links => links.filter(a => a.checkVisibility({checkVisibilityCSS: true}) && a.tabIndex >= 0).map(a => a.href)"))
    assert len(wanted) > 20
    reached = set()
    for _ in range(len(wanted) + 200):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement && document.activeElement.href")
        if href:
            reached.add(href)
        if wanted <= reached:
            break
    assert wanted <= reached, sorted(wanted - reached)


def _search(open_page, query: str, **options):
    page = open_page(f"search.html?q={query}", **options)
    _wait_for_results(page)
    return page


def _wait_for_results(page) -> None:
    """Until Pagefind's UI has rendered the results its message announces (it shows five at first)."""
    page.wait_for_function("""() => {
        const message = document.querySelector(".pagefind-ui__message");
        if (!message) return false;
        const count = parseInt(message.innerText);
        if (isNaN(count)) return message.innerText.startsWith("No results");
        return document.querySelectorAll(".pagefind-ui__result-link").length >= Math.min(count, 5);
    }""", timeout=15000)


def _titles(page) -> list[str]:
    return page.locator(".pagefind-ui__result-link").all_inner_texts()


def test_search_finds_a_paper_by_a_title_word_first(open_page):
    assert _titles(_search(open_page, "Kepler"))[0] == "Can LLMs Recover Kepler's Third Law?"


@pytest.mark.parametrize("query", ["Muller", "Müller", "Schafer", "Schäfer"])
def test_search_finds_names_with_or_without_accents(open_page, query):
    titles = _titles(_search(open_page, query))
    # Jürgen Schäfer-Müller's two papers come first, whichever way the name is typed.
    assert set(titles[:2]) == {"Neural Scaling of Operator Foundation Models for Turbulent PDEs",
                               "Calibrated Uncertainty for Medium-Range Weather Foundation Models"}, titles


def test_search_finds_words_only_in_the_pdf(open_page):
    # Only this paper holds every word; a shard without "pinn" also lists partial matches.
    titles = _titles(_search(open_page, "tiny pinn failure calibration constant"))
    assert titles[0] == "When Physics-Informed Fine-Tuning Fails: A Negative Result"


def test_a_query_with_a_ligature_finds_the_letters(open_page):
    """A second new-user trial: "uniﬁed", pasted from a PDF, found nothing where "unified" did."""
    titles = _titles(_search(open_page, "ﬁne-tuning"))
    assert "When Physics-Informed Fine-Tuning Fails: A Negative Result" in titles
    assert titles == _titles(_search(open_page, "fine-tuning"))


@pytest.mark.parametrize(("query", "title"), [
    ("learning hohenberg", "When Physics-Informed Fine-Tuning Fails: A Negative Result"),
    ("thermodynamic", "What Do Protein Language Models Know About Stability?"),
])
def test_search_lists_the_pages_holding_every_word_first_across_the_shards(open_page, query, title):
    """A shard without a word of the query lists partial matches, scored against its own pages
    (site/search.py): Pagefind's order put a talk first for both queries, which a single index gives
    this paper alone. The pages holding every word come first (sphinxext/search_api/pagefind.js), and
    nothing is left out: as many results as Pagefind's own."""
    page = _search(open_page, query)
    assert _titles(page)[0] == title
    pagefinds = page.evaluate("""async (query) => {
        const pagefind = await import(new URL("pagefind/pagefind.js", document.baseURI).href);
        return (await pagefind.search(query)).results.length;
    }""", query)
    assert pagefinds > 1 and page.locator(".pagefind-ui__message").inner_text().startswith(f"{pagefinds} results")


def test_merged_shards_share_the_main_bundles_webassembly(open_page):
    """What a shard costs each search (``search.MAX_SHARDS``) is its own files, its metadata among
    them; not Pagefind's program, which Pagefind loads once, from the main bundle."""
    page = _search(open_page, "models")
    programs = [url for url in page.requests if "/wasm." in url]
    assert len(programs) == 1 and "/pagefind/wasm." in programs[0], programs
    metadata = {url.split("/pagefind-papers/")[1].split("/")[0] for url in page.requests
                if "/pagefind-papers/" in url and url.endswith(".pf_meta")}
    assert metadata == {"0", "1", "2", "3"}


def test_search_asks_for_the_list_of_shards_again_after_a_rebuild(browser, site, built_site):
    """A browser that searched before keeps the index's files (served as `proceedings serve` serves
    them: a day for pagefind/); a rebuild may change the list of shards, which is asked for again."""
    merge = built_site / "pagefind" / "merge.json"
    merged = json.loads(merge.read_text())
    context = browser.new_context()  # no request routing: it would turn the browser's cache off
    try:
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))

        def entries() -> list[str]:
            requested.clear()
            page.goto(site + "search.html?q=models")
            _wait_for_results(page)
            return sorted({url.split("/pagefind-entry.json")[0].rsplit("/", 1)[-1] for url in requested
                           if "/pagefind-papers/" in url and "/pagefind-entry.json" in url})

        assert entries() == ["0", "1", "2", "3"]
        merge.write_text(json.dumps({**merged, "shards": merged["shards"][:1]}))  # as a rebuild with fewer papers leaves it
        assert entries() == ["0"]
    finally:
        merge.write_text(json.dumps(merged))
        context.close()


def test_search_finds_what_an_edited_abstract_says_now_after_each_rebuild(browser, tmp_path):
    """A rebuild indexes the edited paper's shard again beside the files of its last index, which
    Pagefind does not write again (site/search.py): the search page finds the abstract's new words,
    and no longer its old ones."""
    root = _archive_copy(tmp_path / "archive")
    records = root / "papers" / "accepted.yml"
    original = records.read_text("utf-8")
    sentence = "Fine-tuning on unseen Reynolds numbers recovers 92% of the in-distribution accuracy."
    title = "Neural Scaling of Operator Foundation Models for Turbulent PDEs"
    _build_in_shards(root)

    def found(address: str, word: str) -> dict[str, str]:
        """The results' titles with their excerpts, for a reader who has not searched before."""
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"{address}search.html?q={word}")
            _wait_for_results(page)
            excerpts = page.locator(".pagefind-ui__result-excerpt").all_inner_texts()
            return dict(zip(_titles(page), excerpts, strict=True))
        finally:
            context.close()

    # The shards without a word may still list partial matches (site/search.py): the paper's own
    # result is what is checked.
    with _served(root / "_build" / "html") as address:
        for word, before in (("zyxquasar", None), ("vorpaltron", "zyxquasar")):
            records.write_text(original.replace(sentence, f"{sentence} It mentions {word}."), "utf-8")
            _build_in_shards(root)
            # Indexed apart from its shard, whose entry of the page is left out.
            assert json.loads((root / "_build" / "html" / "pagefind" / "merge.json").read_text())["superseded"]
            assert f"It mentions {word}." in found(address, word)[title]
            if before:
                assert title not in found(address, before)
        assert "Reynolds" in found(address, "Reynolds")[title]


def test_a_paper_indexed_apart_is_filtered_and_counted_as_in_a_whole_index(browser, tmp_path):
    """After an edit, the paper's page is indexed apart and its shard's entry left out (site/search.py):
    the search page's API (the interface's own module) gives the same filters with the same counts,
    and the same pages and counts for each filter, as the site built afresh from the same records; the
    interface offers neither the revisions nor a keyword only the superseded entry has. (Results of
    words differ otherwise with the shards: a shard lacking a word matches others that begin it, and the
    page is scored against the few of its bundle.)"""
    edited = _archive_copy(tmp_path / "edited")
    _build_in_shards(edited)
    records = edited / "papers" / "accepted.yml"
    keywords = "keywords: [scaling laws, neural operators, turbulence, PDEs]"
    records.write_text(records.read_text("utf-8").replace(keywords, keywords.replace("turbulence", "vorticity")), "utf-8")
    _build_in_shards(edited)
    assert len(json.loads((edited / "_build" / "html" / "pagefind" / "merge.json").read_text())["superseded"]) == 2  # and the ballast
    fresh = _archive_copy(tmp_path / "fresh")
    shutil.copy(records, fresh / "papers" / "accepted.yml")
    _build_in_shards(fresh)
    asked = [{"keyword": ["vorticity"]}, {"keyword": ["turbulence"]}, {"keyword": ["PDEs"]}, {"track": ["Full papers"]},
             {"type": ["Paper"]}, {"author": ["Jürgen Schäfer-Müller"]}]

    def seen(address: str) -> tuple[list, list[str]]:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"{address}search.html?q=vorticity")
            _wait_for_results(page)
            offered = page.evaluate("""async (asked) => {
                const script = document.querySelector("script[data-search-api]");  // the interface's own module
                const api = await import(new URL(`${script.dataset.searchApi}pagefind.js`, script.src).href);
                const pages = async (found) => (await Promise.all(found.results.map((result) => result.data())))
                    .map((data) => data.url).sort();
                const filtered = [];
                for (const filters of asked) {
                    const found = await api.search(null, {filters});
                    filtered.push([filters, await pages(found), found.filters]);
                }
                return [await api.filters(), filtered];
            }""", asked)
            page.locator(".pagefind-ui__filter-name", has_text="Keyword").click()
            # The panel shows each bundle's values once the interface has merged it, the small bundle of
            # pages indexed apart among the last: read before, on a loaded machine, it lacked them.
            page.locator(".pagefind-ui__filter-value", has_text="vorticity").wait_for()
            return offered, page.locator(".pagefind-ui__filter-panel").inner_text().split("\n")
        finally:
            context.close()

    with _served(edited / "_build" / "html") as apart, _served(fresh / "_build" / "html") as whole:
        offered, panel = seen(apart)
        assert offered == seen(whole)[0]
    everything, filtered = offered
    assert "revision" not in everything and "vorticity" in everything["keyword"] and "turbulence" not in everything["keyword"]
    assert filtered[0][1] and not filtered[1][1]  # the page under its new keyword, none under its old
    assert sum(everything["track"].values()) == everything["type"]["Paper"]  # each paper counted once
    assert not any(line.lower().startswith(("revision", "turbulence")) for line in panel), panel
    assert any(line.startswith("vorticity") for line in panel), panel


@pytest.mark.parametrize("width", [375, 1200])
def test_the_address_follows_the_query_typed_so_that_a_reload_and_the_way_back_show_its_results(open_page, site, width):
    page = _search(open_page, "Kepler", width=width)
    assert _titles(page)[0] == "Can LLMs Recover Kepler's Third Law?"
    entries = page.evaluate("history.length")
    page.locator(".pagefind-ui__search-input").fill("Schäfer weather")
    weather = "Calibrated Uncertainty for Medium-Range Weather Foundation Models"
    page.wait_for_function("(title) => document.querySelector('.pagefind-ui__result-link')?.innerText === title", arg=weather,
                           timeout=15000)
    assert page.evaluate("new URLSearchParams(location.search).get('q')") == "Schäfer weather"
    assert page.evaluate("history.length") == entries  # replaced as the query changed, not one entry per search
    page.reload()
    _wait_for_results(page)
    assert page.locator(".pagefind-ui__search-input").input_value() == "Schäfer weather" and _titles(page)[0] == weather
    page.locator(".pagefind-ui__result-link").first.click()
    page.wait_for_url("**/book/papers/**")
    page.go_back()
    _wait_for_results(page)
    assert _titles(page)[0] == weather
    # The address is replaced once the interface has handled the key or the click (in a task after it).
    page.locator(".pagefind-ui__search-input").fill("")
    page.wait_for_function("(address) => location.href === address", arg=site + "search.html")
    page.locator(".pagefind-ui__search-input").fill("Kepler")
    page.wait_for_function("new URLSearchParams(location.search).get('q') === 'Kepler'")
    page.locator(".pagefind-ui__search-clear").click()
    page.wait_for_function("!location.search")
    page.locator(".pagefind-ui__search-input").fill("Kepler")
    page.locator(".pagefind-ui__search-input").press("Escape")  # the interface empties the box itself
    page.wait_for_function("!location.search")
    assert page.locator(".pagefind-ui__search-input").input_value() == ""
    # A pasted text too long for an address (hosts refuse 8 kB) is left out of it, typed or sent by the
    # box of another page (or a link).
    page.locator(".pagefind-ui__search-input").fill("Kepler " * 700)
    page.wait_for_function("!location.search")
    page.goto(site + "search.html?q=" + "Kepler+" * 700)
    page.wait_for_function("!location.search")
    assert page.locator(".pagefind-ui__search-input").input_value().startswith("Kepler Kepler")


def test_track_filter_narrows_results(open_page):
    page = _search(open_page, "models")
    everything = _titles(page)
    page.locator(".pagefind-ui__filter-name", has_text="Track").click()
    page.get_by_label("Tiny papers").check()
    page.wait_for_function("document.querySelector('.pagefind-ui__message').innerText.startsWith('4 results')")
    _wait_for_results(page)
    narrowed = _titles(page)
    assert 0 < len(narrowed) < len(everything)
    assert set(narrowed) <= {"Tokenizing Physical Fields: A Tiny Study", "Can LLMs Recover Kepler's Third Law?",
                             "Lab Agents Need Science-First Interfaces",
                             "When Physics-Informed Fine-Tuning Fails: A Negative Result"}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-filtered.png"), full_page=True)


def test_search_finds_talks_by_speaker(open_page):
    assert _titles(_search(open_page, "Soltanolkotabi"))[0].startswith("Rethinking Diffusion Models for Science")


def test_author_index_lists_a_merged_person_once(open_page):
    page = open_page("book/people/authors.html")
    entries = page.locator("article p", has_text="Schäfer-Müller")
    assert entries.count() == 1
    links = entries.first.locator("a").all_inner_texts()
    assert links == ["Neural Scaling of Operator Foundation Models for Turbulent PDEs",
                     "Calibrated Uncertainty for Medium-Range Weather Foundation Models"]


PAGES = ["book/welcome.html", "book/program/index.html", "book/papers/example-operator-scaling.html",
         "book/talks/mahoney.html", "book/papers/index.html", "book/people/authors.html", "search.html"]


@pytest.mark.parametrize("width", [375, 800])
@pytest.mark.parametrize("path", ["book/program/index.html", "book/papers/example-operator-scaling.html",
                                  "book/talks/mahoney.html", "search.html"])
def test_phone_navigation_opens_closes_and_leads_home(open_page, site, path, width):
    page = open_page(path, width=width)
    menu = page.locator("button.primary-toggle:visible")
    assert menu.count() == 1, "one visible menu button"
    dialog = page.locator("#pst-primary-sidebar-modal")
    menu.click()
    assert dialog.evaluate("d => d.open") and dialog.locator("a[href]").count() > 3
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    menu.focus()
    page.keyboard.press("Enter")
    assert dialog.evaluate("d => d.open"), "the keyboard opens it too"
    page.mouse.click(width - 5, 450)  # the backdrop, outside the sidebar
    assert not dialog.evaluate("d => d.open")
    if path.startswith("book/papers"):
        contents = page.locator("button.secondary-toggle:visible")
        contents.click()
        assert page.locator("#pst-secondary-sidebar-modal").evaluate("d => d.open")
        page.keyboard.press("Escape")
    if width == 375 and path == "book/program/index.html":
        menu.click()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "navigation-375px.png"))
        page.keyboard.press("Escape")
    page.locator("a.proceedings-home:visible").click()
    page.wait_for_load_state("load")
    assert page.url == site + "book/welcome.html"


@pytest.mark.parametrize("width", [375, 1200])
@pytest.mark.parametrize("path", PAGES)
def test_pages_load_without_console_errors(open_page, path, width):
    page = open_page(path, width=width)
    page.wait_for_load_state("networkidle")
    assert page.errors == []


# Bytes a first visit moves (compressed, as served), by page; the budgets were 1 MB for the home
# page and 1.5 MB for a paper with math, and a phone on a slow connection wants far less.
BUDGETS = {"book/welcome.html": 300_000, "book/papers/example-operator-scaling.html": 300_000,
           "book/program/index.html": 300_000, "search.html": 400_000}


@pytest.mark.parametrize("path", BUDGETS)
def test_first_visit_stays_within_its_budget(open_page, path):
    page = open_page(path, width=375)
    page.wait_for_load_state("networkidle")
    sizes = page.evaluate("performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))"
                          ".map(e => [e.name, e.transferSize, e.decodedBodySize])")
    moved = sum(transfer for _, transfer, _ in sizes)
    assert 0 < moved <= BUDGETS[path], sorted(sizes, key=lambda entry: -entry[1])[:5]
    assert not any("fontawesome.js" in name and decoded > 10_000 for name, _, decoded in sizes)
    assert not any(name.endswith((".woff2", ".ttf")) and transfer > 10_000 for name, transfer, _ in sizes), "icons cut down"
    assert not any("mathjax" in name.lower() for name, _, _ in sizes), "math is MathML, typeset by the browser"


@pytest.mark.parametrize("width", [375, 1200])
def test_math_is_typeset_by_the_browser(open_page, width):
    """MathML laid out by Chromium's own engine: each superscript sits above its base's baseline, and
    no formula is wider than the screen."""
    page = open_page("book/papers/example-operator-scaling.html", width=width)
    boxes = page.evaluate("""[...document.querySelectorAll('article msup')].map(m => [
        m.children[0].getBoundingClientRect().bottom, m.children[1].getBoundingClientRect().bottom,
        m.closest('math').getBoundingClientRect().width])""")
    assert boxes and all(script < base and 0 < formula <= width for base, script, formula in boxes), boxes
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"math-{width}px.png"))


@pytest.mark.parametrize("width", [320, 1200])
@pytest.mark.parametrize("path", ["book/papers/example-co2-capture.html", "book/papers/index.html"])
def test_no_inline_formula_is_cut_off(open_page, path, width):
    """A new-user trial: the theme's `span.math` (made for MathJax) hides what overflows it, and cut
    the top half off the "2" of CO₂ in titles, abstracts and listings (Chromium draws a script with
    an empty base above its formula's box)."""
    page = open_page(path, width=width)
    cut = page.evaluate("""[...document.querySelectorAll('article span.math')].filter(span => {
        const clipping = [span, ...span.querySelectorAll('*')].filter(box => getComputedStyle(box).overflow !== 'visible');
        return clipping.some(box => [...box.querySelectorAll('*')].some(node => {
            const outer = box.getBoundingClientRect(), inner = node.getBoundingClientRect();
            return inner.top < outer.top - 0.5 || inner.bottom > outer.bottom + 0.5; }));
    }).map(span => span.textContent)""")
    assert page.locator("article span.math msub").count() and cut == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing overflows sideways"


# docutils writes void elements as <br/> and boolean attributes with values: valid HTML, another style.
_HTML_VALIDATE_CONTENT = {"extends": ["html-validate:recommended"],
                          "rules": {"void-style": "off", "attribute-boolean-style": "off", "no-trailing-whitespace": "off"}}


def _html_validate(folder: Path, config: dict) -> str:
    (folder / ".htmlvalidate.json").write_text(json.dumps({"root": True, **config}))
    result = subprocess.run([str(HTML_VALIDATE), "--config", str(folder / ".htmlvalidate.json"), str(folder)],
                            capture_output=True, text=True)
    return result.stdout + result.stderr if result.returncode else ""


def test_every_page_is_valid_html(built_site, tmp_path):
    """Whole pages have a valid structure (html-validate's standard rules); what we write, every
    page's article and our header templates, passes its recommended rules as well."""
    pages = sorted(built_site.glob("book/**/*.html")) + [built_site / "search.html"]
    assert len(pages) > 25
    whole, content = tmp_path / "whole", tmp_path / "content"
    whole.mkdir(), content.mkdir()
    for index, page in enumerate(pages):
        text = page.read_text("utf-8")
        (whole / f"{index}.html").write_text(text, "utf-8")
        soup = BeautifulSoup(text, "html.parser")
        ours = [soup.find("article"), *soup.select(".search-button-field"), *soup.select(".theme-switch-button"),
                *soup.select("a.proceedings-home")]
        (content / f"{index}.html").write_text('<!DOCTYPE html><html lang="en"><head><title>Page</title></head><body>'
                                               + "".join(map(str, filter(None, ours))) + "</body></html>", "utf-8")
    assert _html_validate(whole, {"extends": ["html-validate:standard"]}) == ""
    assert _html_validate(content, _HTML_VALIDATE_CONTENT) == ""
    search = BeautifulSoup((built_site / "search.html").read_text("utf-8"), "html.parser")
    assert search.find("meta", attrs={"name": "description"})["content"].startswith("Search the papers")


def test_search_filters_tell_sessions_and_types_apart(open_page):
    page = _search(open_page, "models")
    page.locator(".pagefind-ui__filter-name", has_text="Session").click()
    block = page.locator(".pagefind-ui__filter-block", has=page.locator(".pagefind-ui__filter-name", has_text="Session"))
    labels = [" ".join(text.split()) for text in block.locator("label").all_inner_texts()]
    assert any(label.startswith("Poster Session and Break (11:15)") for label in labels), labels
    assert any(label.startswith("Poster Session and Break (15:15)") for label in labels), labels
    page.locator(".pagefind-ui__filter-name", has_text="Type").click()
    before = page.locator(".pagefind-ui__message").inner_text()
    page.locator("#type-Paper").check()
    page.wait_for_function("m => document.querySelector('.pagefind-ui__message').innerText !== m", arg=before)
    _wait_for_results(page)
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "as => as.map(a => a.href)")
    assert links and all("/book/papers/" in href for href in links), links


@pytest.mark.parametrize("query", ["Schafer", "Kepler", "Equivariant", "Capture", "BibTeX"])
def test_search_results_hold_no_tex_no_permalink_no_citation_block_and_no_folded_names(open_page, query):
    page = _search(open_page, query)
    titles = _titles(page)
    assert all("\\" not in title and "$" not in title for title in titles), titles
    if query == "Capture":
        assert "Foundation Models for CO₂ Capture Sorbent Screening" in titles
    excerpts = page.locator(".pagefind-ui__result-excerpt").all_inner_texts()
    assert excerpts or query == "BibTeX"
    for excerpt in excerpts:
        assert "Download:" not in excerpt and "CSL-JSON" not in excerpt, excerpt
        assert "\\(" not in excerpt and "\\propto" not in excerpt, excerpt
        assert "#" not in excerpt, excerpt
        assert "Schafer-Muller" not in excerpt and "Jurgen" not in excerpt, excerpt


@pytest.mark.parametrize("query", ["x" * 300, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
def test_a_query_of_one_long_token_does_not_widen_a_phone_s_search_page(open_page, query):
    # "N results for ..." did not wrap: 2,508 px wide for 300 x's (a new-user trial).
    page = _search(open_page, query, width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_search_on_a_phone_shows_results_before_filters(open_page):
    page = _search(open_page, "models", width=375)
    first = page.locator(".pagefind-ui__result").first.bounding_box()
    filters = page.locator(".pagefind-ui__filter-panel").bounding_box()
    assert first["y"] < filters["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_search_opened_from_the_offline_zip_says_what_to_do_and_links_the_same_search_online(browser, built_site):
    """A new-user trial: the message named "the online archive" with no link to it, and the query was lost."""
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto((built_site / "search.html").resolve().as_uri() + "?q=bitter%20lesson")
    page.wait_for_selector(".proceedings-search-offline")
    message = page.locator(".proceedings-search-offline")
    assert "python3 -m http.server" in message.inner_text()
    online = message.get_by_role("link", name="search the online archive for “bitter lesson”")
    assert online.get_attribute("href") == "https://fm-science.github.io/proceedings/search.html?q=bitter+lesson"
    context.close()


def test_the_offline_copy_s_link_to_itself_leads_to_the_online_archive_s(browser, built_site):
    """A new-user trial: the home page of the unzipped site linked proceedings-site.zip, which the zip
    does not hold."""
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto((built_site / "book" / "welcome.html").resolve().as_uri())
    page.wait_for_load_state("load")
    links = page.eval_on_selector_all("a[href$='proceedings-site.zip']", "links => links.map(a => a.href)")
    assert links == ["https://fm-science.github.io/proceedings/proceedings-site.zip"]
    context.close()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> str:
    """A project whose every author field is hostile (tests/hostile.py), built and served."""
    root = hostile_project(tmp_path_factory.mktemp("hostile") / "project")
    assert main(["build", str(root)]) == 0
    handler = functools.partial(SiteHandler, directory=str(root / "_build" / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.mark.parametrize("path", ["book/people/authors.html", "book/papers/keywords.html", "book/papers/index.html"]
                         + [f"book/papers/h{index:02d}.html" for index in range(len(HOSTILE))])
def test_no_author_text_widens_a_phone_s_page(browser, hostile_site, path):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(hostile_site + path)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    context.close()


def test_a_hand_written_table_keeps_its_words_whole_on_a_phone(browser, tmp_path):
    # Author text wraps anywhere; a table instead scrolls in the theme's wrapper, its words whole.
    (tmp_path / "conf.py").write_text('extensions = ["myst_parser", "sphinx_design", "proceedings.sphinxext"]\n'
                                      'html_theme = "sphinx_book_theme"\nroot_doc = "book/hand"\n')
    (tmp_path / "book").mkdir()
    # Single words, which wrapping anywhere split ("Registratio|n", "Konsta|ntin").
    rows = "| Registration | Konstantin | Schürholt | Switzerland | Proceedings |\n" * 3
    (tmp_path / "book/hand.md").write_text("# Hand\n\n| When | Given | Family | Country | Part |\n|---|---|---|---|---|\n" + rows,
                                           "utf-8")
    Sphinx(str(tmp_path), str(tmp_path), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
           status=None, warning=None).build()
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto((tmp_path / "out/book/hand.html").as_uri())
    lines = page.evaluate("""[...document.querySelectorAll('article td')].map(cell => {
        const range = document.createRange(); range.selectNodeContents(cell.querySelector('p') ?? cell);
        return [...range.getClientRects()].filter(rect => rect.width > 0).length; })""")
    assert lines == [1] * 15, lines
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


# Every payload calls alert(), confirm() or prompt(), or sets one of these flags.
_TRAP = """window.__ran = [];
for (const name of ["alert", "confirm", "prompt"]) window[name] = (message) => window.__ran.push(String(message));"""


@pytest.mark.parametrize("width", [375, 1200])
def test_a_long_url_in_an_abstract_does_not_widen_the_search_page(browser, hostile_site, width):
    # Its excerpt did not wrap (580 px wide at 375, a new-user trial), nor a name of one long token in
    # the filters.
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(hostile_site + "search.html?q=semisupervised")
        _wait_for_results(page)
        assert "tacotron" in page.locator(".pagefind-ui__result-excerpt").first.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.parametrize("path", ["search.html?q=alert", "search.html?q=h02", "book/papers/index.html",
                                  "book/program/index.html", "book/people/authors.html", "book/papers/keywords.html",
                                  "book/talks/talk.html", "book/tracks/full.html"]
                         + [f"book/papers/h{index:02d}.html" for index in range(len(HOSTILE))])
def test_hostile_author_text_runs_nothing_and_requests_nothing(browser, hostile_site, path):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.add_init_script(_TRAP)
    page = context.new_page()
    leaving = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(hostile_site)
               else (leaving.append(route.request.url), route.abort()))
    page.goto(hostile_site + path)
    page.wait_for_load_state("networkidle")
    if path.startswith("search.html"):
        _wait_for_results(page)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.wait_for_timeout(300)
        assert page.locator(".pagefind-ui__filter-label").count() > 20, "every filter value is shown"
        assert page.evaluate("getComputedStyle(document.body).display") != "none"
    for element in page.locator("a, [src]").all()[:400]:
        for name in ("href", "src"):
            assert not (element.get_attribute(name) or "").strip().lower().startswith("javascript:")
    page.mouse.click(600, 450)  # a click anywhere must not run a script either
    page.wait_for_timeout(200)
    ran = page.evaluate("window.__ran")
    context.close()
    assert ran == [] and leaving == [], (ran, leaving)


def test_the_built_page_links_the_doi_and_the_datacite_files(built_site):
    page = (built_site / "book" / "papers" / "example-operator-scaling.html").read_text("utf-8")
    assert 'href="https://doi.org/10.5072/' in page and "test prefix 10.5072" in page
    assert "example-operator-scaling.datacite.xml" in page
    record = json.loads((built_site / "book" / "papers" / "example-operator-scaling.datacite.json").read_text("utf-8"))
    assert record["doi"].startswith("10.5072/") and record["types"]["resourceTypeGeneral"] == "ConferencePaper"
    assert (built_site / "proceedings.datacite.xml").is_file()
    assert (built_site / "book" / "papers" / "example-withdrawn.datacite.xml").is_file()


@pytest.mark.parametrize("width", [375, 1200])
def test_a_citation_file_s_link_downloads_it_and_the_pdf_s_opens_it(open_page, width):
    """A new-user trial: clicking "BibTeX" showed the file as text in the browser, with no way to
    save it but Save As."""
    page = open_page("book/papers/example-operator-scaling.html", width=width)
    for label, name in (("BibTeX", "example-operator-scaling.bib"), ("RIS", "example-operator-scaling.ris"),
                        ("CSL-JSON", "example-operator-scaling.json")):
        with page.expect_download() as download:
            page.get_by_role("link", name=label, exact=True).click()
        assert download.value.suggested_filename == name
        assert Path(download.value.path()).read_bytes().strip()
    assert page.get_by_role("link", name=re.compile(r"^PDF \(")).get_attribute("download") is None


def test_a_watched_preview_reloads_its_pages_once_an_edit_is_built_on_desktop_and_phone(browser, tmp_path):
    # `proceedings serve` as an organizer runs it: the pages open in the browser show the edit
    # without a reload by hand, and nothing leaves localhost.
    root = write_project(tmp_path / "project")
    accepted = root / "papers" / "accepted.yml"
    with serving(root) as served:
        served.wait_for(WATCHING)
        pages, leaving = [], []
        for width in (1200, 375):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.errors = []
            page.on("pageerror", lambda error, page=page: page.errors.append(str(error)))
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served.address)
                       else (leaving.append(route.request.url), route.abort()))
            page.goto(f"{served.address}/book/papers/paper-one.html")
            pages.append(page)
        accepted.write_text(accepted.read_text("utf-8").replace("A second paragraph.", "Quokkas reload."), "utf-8")
        for page in pages:
            page.get_by_text("Quokkas reload.").wait_for(timeout=60_000)
            assert page.errors == []
        # The preview stopped: a page left open asks later and later (a trial's tab asked four times a
        # second, each a failed request in its console).
        failed: list[str] = []
        pages[0].on("requestfailed", lambda request: failed.append(request.url))
        assert served.stop() == 0
        pages[0].wait_for_timeout(4000)  # which lets its events in
        assert 2 <= len(failed) <= 5, failed  # after 0.5, 1, 2 s...: not sixteen
        for page in pages:
            page.context.close()
    assert leaving == []


# Headless Chromium keeps every tab visible, and Playwright's browser keeps no page to go back to: the
# reader's coming back is the event the browser would fire then.
@pytest.mark.parametrize("back", ["document.dispatchEvent(new Event('visibilitychange'))",
                                  "window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"],
                         ids=["from another tab", "by the back button"])
def test_a_search_page_left_open_across_a_rebuild_searches_the_new_index_once_the_reader_is_back(browser, tmp_path, back):
    """A reader who left the search page open while the site was published again searched the old
    index: Pagefind had loaded its list of words, which lacked a changed abstract's new ones (and its
    other files, named by their contents, were gone). Back on the page, it is loaded again, with the
    query; while the index is the same, it is not."""
    root = _archive_copy(tmp_path / "archive")
    records = root / "papers" / "accepted.yml"
    sentence = "Fine-tuning on unseen Reynolds numbers recovers 92% of the in-distribution accuracy."
    title = "Neural Scaling of Operator Foundation Models for Turbulent PDEs"
    _build_in_shards(root)
    with _served(root / "_build" / "html") as address:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"{address}search.html?q=Reynolds")
            _wait_for_results(page)
            page.evaluate("window.loadedOnce = true")
            page.evaluate(back)
            page.wait_for_timeout(1000)
            assert page.evaluate("window.loadedOnce") is True  # the same index: not loaded again
            records.write_text(records.read_text("utf-8").replace(sentence, f"{sentence} It mentions zyxquasar."), "utf-8")
            _build_in_shards(root)
            page.locator(".pagefind-ui__search-input").fill("zyxquasar")
            page.wait_for_function("document.querySelector('.pagefind-ui__message')?.innerText.startsWith('No results')",
                                   timeout=15000)
            # A query too long for the address: kept while the page loads itself again.
            long_query = "zyxquasar " + "operator " * 500
            page.locator(".pagefind-ui__search-input").fill(long_query)
            page.wait_for_function("!location.search")
            with page.expect_navigation():
                page.evaluate(back)
            _wait_for_results(page)
            assert page.locator(".pagefind-ui__search-input").input_value() == long_query
            assert title in _titles(page)
            page.goto(f"{address}search.html")  # kept once: a later visit starts empty
            page.wait_for_selector(".pagefind-ui__search-input")
            page.wait_for_timeout(500)
            assert page.locator(".pagefind-ui__search-input").input_value() == ""
        finally:
            context.close()


def test_a_search_made_offline_is_made_again_once_the_browser_is_online(browser, site):
    """Pagefind keeps a part of the index it failed to load as failed: the query found nothing for the
    page's life, though the browser was online again (a new-user trial)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site + "search.html?q=models")
        _wait_for_results(page)
        page.evaluate("window.loadedOnce = true")
        context.set_offline(True)
        context.set_offline(False)
        page.wait_for_timeout(500)
        assert page.evaluate("window.loadedOnce") is True  # nothing searched offline: not loaded again
        assert page.locator(".proceedings-search-status").is_hidden()
        context.set_offline(True)
        # Pagefind says "No results" for what it could not load: the page says why.
        assert page.locator(".proceedings-search-status").inner_text().startswith("You are offline")
        page.locator(".pagefind-ui__search-input").fill("Kepler")
        # Its index part (or its result's fragment) is not loaded: no result is shown.
        page.wait_for_function("document.querySelector('.pagefind-ui__message')?.innerText.endsWith('Kepler')",
                               timeout=15000)
        page.wait_for_timeout(500)
        assert _titles(page) == []
        with page.expect_navigation():
            context.set_offline(False)
        _wait_for_results(page)
        assert _titles(page)[0] == "Can LLMs Recover Kepler's Third Law?"
        assert page.locator(".proceedings-search-status").is_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1200])
def test_search_finds_a_name_typed_without_its_letters_beyond_ascii(browser, tmp_path, width):
    """Pagefind matches Muller to Müller, but not Lucja to Łucja: Ł is a letter of its own (a new-user
    trial's Lukasz found no Łukasz). The page also holds such names in ASCII."""
    root = write_project(tmp_path / "p")  # paper-two is by Łucja Wróbel
    assert main(["build", str(root)]) == 0
    with _served(root / "_build" / "html") as address:
        context = browser.new_context(viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            for query in ("Lucja", "Łucja Wróbel", "lucja wrobel"):
                page.goto(f"{address}search.html?q={query}")
                _wait_for_results(page)
                assert _titles(page)[0] == "A Tiny Idea", query
                assert page.evaluate("document.documentElement.scrollWidth") <= width
        finally:
            context.close()

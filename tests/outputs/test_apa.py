"""The APA reference: citeproc-py's, with the CSL APA style, whether it formats a paper whole or the
frame its reference is put together from."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from dataclasses import replace

import pytest

from proceedings.model.paper import Paper
from proceedings.model.people import Person
from proceedings.outputs.apa import apa_reference, citeproc_reference, framed_reference
from proceedings.outputs.citation import Citations, csl_item
from proceedings.util.text import one_line
from proceedings.util.textstore import TextCache

from names import names_volume


def _iclr_volume(shared_data):
    """The 687 papers of ICLR 2020 (miniconf's export), their authors' names as written there."""
    with (shared_data / "iclr2020-miniconf" / "papers.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    papers = tuple(Paper(f"iclr{index}", one_line(row["title"]),
                         tuple(Person(one_line(name)) for name in row["authors"].split("|") if name.strip()), "A.", "full")
                   for index, row in enumerate(rows))
    return replace(names_volume(), papers=papers)


def _shaped(index: int, item: dict) -> dict:
    """``item`` in one of the shapes a reference takes, by ``index``: pages none, one or a range, a
    DOI, editors (one or two) with pages."""
    shapes = [{}, {"page": str(5 + index)}, {"page": f"{index}-{index + 7}"}, {"DOI": f"10.5555/p{index}"},
              {"editor": [{"family": "Lovelace", "given": "Ada"}, {"family": "Turing", "given": "Alan"}],
               "page": f"{index}-{index + 12}"},
              {"editor": [{"family": "Lovelace", "given": "Ada"}], "page": str(index)}]
    return {**item, **shapes[index % len(shapes)]}


def test_framed_references_equal_citeproc_s_for_every_paper_of_the_test_data(shared_data, shipped_volume):
    """Every paper of ICLR 2020, of the names table (every script, particles, suffixes, initials,
    lower-case names) and of the shipped archive, in every shape: where the reference is put
    together from a frame, it is the one citeproc-py formats whole; and most are."""
    iclr = _iclr_volume(shared_data)
    volumes = [iclr, names_volume(), shipped_volume]
    items = [_shaped(index, item) for index, item in
             enumerate(csl_item(each, paper) for each in volumes for paper in each.cited_papers)]
    framed = [framed_reference(item) for item in items]
    differing = [(text, citeproc_reference(item)) for text, item in zip(framed, items, strict=True)
                 if text is not None and text != citeproc_reference(item)]
    assert not differing, differing[:3]
    from_iclr = framed[:len(iclr.cited_papers)]
    assert len(from_iclr) == 687 and sum(text is not None for text in from_iclr) >= 0.95 * len(from_iclr)


@pytest.mark.parametrize("author", [
    {"family": "Piergiovanni", "given": "AJ"},  # citeproc-py writes "A."
    {"family": "Hantrakul", "given": "Lamtharn (Hanoi)"},
    {"family": "Yih", "given": "Wen-tau"},
    {"family": "ruan", "given": "chuanwei"},
    {"family": "Jones", "given": "Robert T.", "suffix": "Jr."},
    {"literal": "Adhiambo"},
    {"family": "Chiang*", "given": "Ping-yeh"},
    {"family": "Jiang.", "given": "Lei"},
    {"family": "王", "given": "芳"},
])
def test_names_citeproc_writes_its_own_way_are_left_to_it(author):
    item = {"id": "x", "type": "paper-conference", "title": "T", "issued": {"date-parts": [[2026]]},
            "author": [{"family": "Lovelace", "given": "Ada"}, author], "URL": "https://example.org/x"}
    assert framed_reference(item) is None
    assert apa_reference(item) == citeproc_reference(item)


def test_a_title_author_or_page_that_frames_cannot_hold_is_formatted_whole():
    item = {"id": "x", "type": "paper-conference", "title": "Learning", "issued": {"date-parts": [[2026]]},
            "author": [{"family": "Lovelace", "given": "Ada"}], "URL": "https://example.org/x", "container-title": "W"}
    assert framed_reference(item) == citeproc_reference(item)
    many = [{"family": f"Author{chr(65 + n)}", "given": "Ada"} for n in range(21)]  # APA's ellipsis past 20
    for changed in ({"title": " Learning"}, {"title": "(Deep) Learning"}, {"page": "iv-x"}, {"author": many},
                    # A booktitle holding a placeholder: the frame cannot tell it apart.
                    {"container-title": "Zqxauthor, Z."}):
        assert framed_reference({**item, **changed}) is None, changed
        assert apa_reference({**item, **changed}) == citeproc_reference({**item, **changed})


def test_a_frame_puts_in_the_link_citeproc_shows():
    """With a DOI, APA shows the DOI's link instead of the page's URL; without either, no link."""
    item = {"id": "x", "type": "paper-conference", "title": "Learning", "issued": {"date-parts": [[2026]]},
            "author": [{"family": "Lovelace", "given": "Ada"}], "container-title": "W", "page": "3-9"}
    for links in ({}, {"URL": "https://example.org/x"}, {"URL": "https://example.org/x", "DOI": "10.5555/x.y"}):
        framed = framed_reference({**item, **links})
        assert framed == citeproc_reference({**item, **links}), links
        assert "zqx" not in framed.lower() and "90017" not in framed, framed


_REVIEWED = {"id": "x", "type": "paper-conference", "title": "Learning", "container-title": "Workshop",
             "author": [{"family": "Lovelace", "given": "Ada"}, {"family": "Turing", "given": "Alan"}],
             "issued": {"date-parts": [[2026, 4, 27]]}, "URL": "https://example.org/p.html", "page": "57-64"}


@pytest.mark.parametrize("changed", [
    # A review's items that told the two ways apart: the label's case set in the reference afterwards
    # changed the same text in a title, a name or a link.
    {"title": "Notes (eds.), with comments"}, {"author": [{"family": "Smith (ed.)", "given": "Ada"}]},
    {"URL": "https://x.org/a (eds.), b"}, {"title": "A (eds.), B?"},
    {"editor": [{"family": "Lovelace", "given": "Ada"}], "title": "Notes (ed.), with comments"},
    # citeproc-py takes markup out of a text.
    {"title": 'Apps for the <span class="nocase">iPhone</span>'}, {"DOI": '10.5/<span class="nocase">A</span>'},
    # The full stop after a question found earlier in the reference than the title.
    {"title": "Why?", "author": [{"family": "Why?.Smith", "given": "Ada"}]},
    {"title": "Why?", "issued": {"literal": "Why?."}},
    # Links empty, spaced, missing or not text; a page that is a number.
    {"URL": ""}, {"DOI": ""}, {"URL": " https://x.org"}, {"URL": "https://x.org ", "references": " more"},
    {"URL": None}, {"DOI": None}, {"page": 5},
    # A placeholder's text in a value that citeproc shows where it hides the one it stands for.
    {"DOI": "10.5555/abc", "container-title": "Proceedings (https://zqx.invalid/zqxurl)"},
    {"type": "webpage", "page": "5", "container-title": "Issue 90017"},
], ids=lambda changed: json.dumps(changed, ensure_ascii=False)[:60])
def test_a_reviewed_item_is_framed_as_citeproc_writes_it_or_left_to_citeproc(changed):
    item = {**_REVIEWED, **changed}
    assert framed_reference(item) in (None, citeproc_reference(item))
    assert apa_reference(item) == citeproc_reference(item)


def test_the_editors_label_is_in_title_case_and_a_title_is_written_as_given():
    item = {**_REVIEWED, "title": "Notes (eds.), with comments? (ed.), x!",
            "editor": [{"family": "Lovelace", "given": "Ada"}, {"family": "Turing", "given": "Alan"}]}
    text = citeproc_reference(item)
    assert "(2026). Notes (eds.), with comments? (ed.), x! In A. Lovelace & A. Turing (Eds.), Workshop (pp. 57–64)." in text
    one = citeproc_reference({**item, "editor": item["editor"][:1]})
    assert "In A. Lovelace (Ed.), Workshop" in one and framed_reference(item) == text


def test_a_question_or_exclamation_mark_ends_the_title_without_a_full_stop(shipped_volume):
    """APA 7: the title's own mark replaces the full stop after it (citeproc-py wrote "Stability?.")."""
    paper = shipped_volume.cited_papers[0]
    for title, shown in (("Is attention enough?", "Is attention enough? ICLR 2026"), ("Stop!", "Stop! ICLR 2026"),
                         ("Ends with a period.", "Ends with a period. ICLR 2026"), ("No mark", "No mark. ICLR 2026")):
        item = {**csl_item(shipped_volume, paper), "title": title}
        assert shown in citeproc_reference(item) and shown in framed_reference(item), title


def test_a_title_s_last_character_is_punctuated_as_citeproc_does(shipped_volume):
    paper = shipped_volume.cited_papers[0]
    for title in ("Is attention enough?", "Stop!", "Learning (GIN)", "Ends with a period.", "Ends with a colon:",
                  'A "quoted" word & more', "Don't stop"):
        item = {**csl_item(shipped_volume, paper), "title": title}
        assert framed_reference(item) == citeproc_reference(item), title


def test_references_made_quickly_are_not_sent_to_workers():
    volume = names_volume()
    items = [dict(csl_item(volume, paper), id=f"{paper.id}-{copy}") for paper in volume.cited_papers for copy in range(12)]
    made = []

    def counted(item):
        made.append(item)
        return citeproc_reference(item)
    cache = TextCache()
    keys = cache.make_all("apa", items, counted, workers=1, quick=framed_reference)
    assert [cache.texts[key] for key in keys] == [citeproc_reference(item) for item in items]
    assert 0 < len(made) < len(items) / 2, "only the references frames cannot hold are formatted whole"


def test_apa_reference(shipped_volume):
    paper = next(p for p in shipped_volume.cited_papers if p.id == "example-operator-scaling")
    text = Citations(shipped_volume).apa(paper)
    assert text.startswith("Schäfer-Müller, J., Gonçalves, A. L., & van der Berg, J. (2026")
    assert "Neural Scaling of Operator Foundation Models for Turbulent PDEs" in text
    assert text.endswith(f"https://doi.org/{paper.doi}"), "APA gives the DOI, when there is one, instead of the URL"


def test_a_volume_with_editors_is_cited_as_a_book_in_apa_and_in_csl_json(shipped_volume):
    """A new-user trial read the APA reference as a journal article's: the CSL APA style cites a
    paper in proceedings as a chapter of a book ("In Ed. (Ed.), *Title* (pp. 57–64)") when the volume
    has editors, which BibTeX gave and CSL-JSON did not."""
    edited = replace(shipped_volume, workshop=replace(shipped_volume.workshop, editors=(Person("Ada Lovelace"), Person("Alan Turing"))))
    paper = next(p for p in edited.cited_papers if p.id == "example-co2-capture")
    assert csl_item(edited, paper)["editor"] == [{"family": "Lovelace", "given": "Ada"}, {"family": "Turing", "given": "Alan"}]
    text = apa_reference(csl_item(edited, paper))
    assert "In A. Lovelace & A. Turing (Eds.), ICLR 2026 Workshop on Foundation Models for Science" in text, text
    assert "(pp. 57–64)" in text, text
    assert "editor" not in csl_item(shipped_volume, paper), "the shipped archive names no editors"


_APA_WITHOUT_KEPT_LOOKUPS = """
import json, sys
from proceedings.outputs import apa
apa._keep_lookups = lambda: None
print(json.dumps([apa.citeproc_reference(item) for item in json.load(sys.stdin)]))
"""


def test_references_with_the_style_s_lookups_kept_equal_citeproc_s_own():
    """citeproc-py's searches of the style (macros, terms, enclosing elements) and whether an element
    calls a variable are found once per element, and a cited item's record once per item; the
    references are unchanged."""
    from functools import cached_property

    from citeproc import CitationItem
    from citeproc.model import CitationStylesElement, Parent, Text
    volume = names_volume()
    items = [csl_item(volume, paper) for paper in volume.cited_papers]
    kept = [citeproc_reference(item) for item in items]
    for method in (CitationStylesElement.xpath_search, Parent.calls_variable, Text.calls_variable):
        assert method.__module__ == "proceedings.outputs.apa"
    assert isinstance(CitationItem.__dict__["reference"], cached_property)
    own = subprocess.run([sys.executable, "-c", _APA_WITHOUT_KEPT_LOOKUPS], input=json.dumps(items),
                         capture_output=True, text=True, check=True)
    assert json.loads(own.stdout) == kept and len(kept) > 10


def test_references_formatted_on_every_core_equal_those_formatted_one_by_one():
    """The build formats every reference up front on all cores; each is the one citeproc gives alone."""
    volume = names_volume()
    items = [dict(csl_item(volume, paper), id=f"{paper.id}-{copy}") for paper in volume.cited_papers for copy in range(12)]
    assert len(items) >= 2 * 64, "enough references for two workers"
    cache = TextCache()
    cache.make_all("apa", items, citeproc_reference, workers=2)
    assert len(cache.texts) == len(items)
    assert [cache.text("apa", item, apa_reference) for item in items[::7]] == [citeproc_reference(item) for item in items[::7]]
    assert len(cache.texts) == len(items), "nothing formatted twice"


@pytest.mark.parametrize("family, given, shown", [
    # Real ICLR 2020 authors: a nickname in brackets made the name look capital-less, and it was run
    # into the family name ("HantrakulLamtharn (Hanoi)").
    ("Hantrakul", "Lamtharn (Hanoi)", "Hantrakul, L."),
    ("Dvijotham", "Krishnamurthy (Dj)", "Dvijotham, K."),
    ("Dvijotham", "(Dj) Krishnamurthy", "Dvijotham, K."),
    ("O'Brien", 'Zoë "Zed"', "O'Brien, Z."),
    ("Lee", "J.-P. (Jean)", "Lee, J.-P."),
    ("Nick", '"Zed"', "Nick, Z."),
    ("ruan", "chuanwei", "ruan, C."),
    ("王", "芳", "王芳."),
])
def test_apa_leaves_out_a_nickname_in_brackets_or_quotes(family, given, shown):
    item = {"id": "x", "type": "paper-conference", "title": "T", "author": [{"family": family, "given": given}],
            "issued": {"date-parts": [[2026]]}}
    assert apa_reference(item).startswith(f"{shown} (2026). T.")


def test_apa_initials_names_without_capitals():
    volume = names_volume()
    citations = Citations(volume)
    references = " ".join(citations.apa(paper) for paper in volume.cited_papers)
    assert "王芳" in references and "김민준" in references and "ruan, C." in references and "Kim, M.-J." in references
    assert ", . " not in references and " ." not in references



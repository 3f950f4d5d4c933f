"""The program, talks and recordings: loading diagnostics, the calendar, and recording permissions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from proceedings.inputs.loader import load
from proceedings.model.locations import Project
from proceedings.outputs.ics import program_digest, program_ics
from proceedings.util.latex import plain

from conftest import PROGRAM, RECORDINGS, REPO, TALKS, WORKSHOP_YML, with_accepted_csv, write_project


def _project(tmp_path: Path, program: str = PROGRAM, talks: str = TALKS, recordings: str = "",
             workshop: str = WORKSHOP_YML) -> Path:
    root = write_project(tmp_path / "p", workshop=workshop)
    for name, text in (("program.yml", program), ("talks.yml", talks), ("recordings.yml", recordings)):
        if text:
            (root / "papers" / name).write_text(text, "utf-8")
    return root


def _diagnostics(root: Path) -> list[tuple[str, int | None, str | None, str, str]]:
    _, diags = load(Project(root))
    return [(d.file, d.line, d.field, d.severity.value, d.message) for d in diags.sorted()]


def test_valid_program_loads(tmp_path):
    volume, diags = load(Project(_project(tmp_path)))
    assert not diags.items
    assert [(s.start, s.end) for s in volume.program] == [(dt.time(9), dt.time(9, 45)), (dt.time(9, 45), dt.time(10, 30))]
    assert volume.talk("keynote").speakers[0].url == "https://example.org/ada"
    assert [p.name for p in volume.talk("panel").speakers] == ["A", "B"]
    assert [s.title for s in volume.slots_of("paper-two")] == ["Talks"]


def test_overlapping_slots(tmp_path):
    program = PROGRAM.replace('- start: 9:45', '- start: "09:30"')
    found = _diagnostics(_project(tmp_path, program))
    assert found == [("papers/program.yml", 6, "slots[1].start", "error",
                      "'Talks' (09:30-10:30) overlaps 'Keynote' (09:00-09:45, line 1)")]


def test_keep_going_leaves_out_an_overlapping_slot_and_what_a_slot_names_that_does_not_exist(tmp_path):
    """A new-user trial: ``build --keep-going`` reported the overlap and published both slots as if
    nothing were wrong; a slot's unknown talk or paper is left out of it, the slot kept."""
    program = PROGRAM.replace("talk: keynote", "talk: nobody").replace("paper-two]", "paper-two, paper-three]") + \
        '- start: "10:00"\n  end: "11:00"\n  kind: poster\n  title: Posters\n  papers: [paper-one]\n'
    volume, diags = load(Project(_project(tmp_path, program)), keep_going=True)
    assert volume is not None and diags.has_errors
    assert [(slot.title, slot.talk, slot.papers) for slot in volume.program] == [
        ("Keynote", None, ()), ("Talks", None, ("paper-one", "paper-two"))]
    assert [slot.title for slot in volume.slots_of("paper-one")] == ["Talks"]


def test_unknown_talk_and_paper(tmp_path):
    program = PROGRAM.replace("talk: keynote", "talk: nobody").replace("paper-two]", "paper-three]")
    found = [d for d in _diagnostics(_project(tmp_path, program)) if d[3] == "error"]
    assert [(line, field) for _, line, field, _, _ in found] == [(5, "slots[0].talk"), (10, "slots[1].papers")]
    assert "unknown talk 'nobody'" in found[0][4] and "unknown paper 'paper-three'" in found[1][4]


@pytest.mark.parametrize("start, end, field, message", [
    ('"25:00"', '"26:00"', "slots[0].start", "expected a time of day as HH:MM"),
    ('"09:00"', '"08:30"', "slots[0].end", "ends at 08:30, not after its start 09:00"),
    ('"23:30"', '"24:15"', "slots[0].end", "expected a time of day as HH:MM"),
    ('"9:00 BRT"', '4:00 PM', "slots[0].start", "times are in the venue's zone (workshop.yml's timezone), written without a zone"),
    ('"9:00 BRT"', '4:00 PM', "slots[0].end", "got '4:00 PM'; times are in the venue's zone"),
])
def test_times_outside_the_day(tmp_path, start, end, field, message):
    program = PROGRAM.replace('start: "09:00"', f"start: {start}").replace('end: "09:45"', f"end: {end}")
    found = [f for f in _diagnostics(_project(tmp_path, program)) if f[2] == field]
    assert found and message in found[0][4]


def test_a_slot_with_a_wrong_end_still_presents_its_papers_and_says_all_it_has_wrong(tmp_path):
    """A new-user trial: a slot ending before it starts also made its papers "presented in no slot",
    and the paper it listed twice was named only once its times were fixed."""
    program = PROGRAM.replace('end: "10:30"', 'end: "09:30"').replace("[paper-one, paper-two]", "[paper-one, paper-one]")
    found = _diagnostics(_project(tmp_path, program))
    assert [(file, line, field, severity) for file, line, field, severity, _ in found] == [
        ("papers/accepted.yml", 17, "papers[1]", "warning"),  # paper-two, which no slot names now; paper-one is named
        ("papers/program.yml", 7, "slots[1].end", "error"), ("papers/program.yml", 10, "slots[1].papers", "warning")]
    assert "'paper-one' listed more than once" in found[2][4]


def test_a_paper_in_a_break_or_withdrawn_in_a_slot_is_named(tmp_path):
    """A new-user trial: neither had a word from `check`."""
    root = _project(tmp_path, PROGRAM.replace("kind: contributed", "kind: break"))
    accepted = root / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8") + '  withdrawn: "2026-05-01: An error."\n', "utf-8")
    assert [(line, field, message) for _, line, field, _, message in _diagnostics(root)] == [
        (10, "slots[1].papers", "'paper-two' is withdrawn: the program still lists it (marked so); take it out "
                                "of the slot if it was not presented"),
        (10, "slots[1].papers", "a break presents no papers: is it a poster session (kind: poster)?")]


def test_zone_must_be_iana(tmp_path):
    found = _diagnostics(_project(tmp_path, workshop=WORKSHOP_YML.replace("America/Sao_Paulo", "GMT-3 (Rio)")))
    assert found == [("papers/workshop.yml", 7, "workshop.timezone", "error",
                      "'GMT-3 (Rio)' is not an IANA time zone such as 'America/Sao_Paulo'")]


def test_calendar_parses_back_in_the_venue_zone(tmp_path):
    volume, _ = load(Project(_project(tmp_path)))
    calendar = icalendar.Calendar.from_ical(program_ics(volume))
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    first = events[0]
    assert first.decoded("dtstart") == dt.datetime(2026, 4, 27, 9, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))
    assert first["dtstart"].params["TZID"] == "America/Sao_Paulo"
    assert first.decoded("dtstart").astimezone(dt.UTC).hour == 12
    assert str(first["summary"]) == "Keynote: A Keynote"
    assert str(first["url"]) == "https://example.org/test-ws/book/program/index.html#proceedings-slot-0900"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["America/Sao_Paulo"]
    assert program_ics(volume) == program_ics(volume), "byte-identical across builds"


def test_the_calendar_s_digest_follows_what_it_shows_and_only_that(tmp_path):
    """A build keeps the calendar by this digest: it must change with every text the calendar
    shows, and stay when a paper that no slot presents changes."""
    root = _project(tmp_path, PROGRAM.replace("[paper-one, paper-two]", "[paper-two]"))
    accepted = root / "papers" / "accepted.yml"
    first, _ = load(Project(root))
    assert [slot.papers for slot in first.program if slot.papers] == [("paper-two",)]
    edits = [("papers/accepted.yml", first.paper("paper-two").title, "A Retitled Paper"),
             ("papers/talks.yml", "A Keynote", "Another Keynote"),
             ("papers/program.yml", "title: Talks", "title: Morning talks"),
             ("papers/workshop.yml", "America/Sao_Paulo", "Europe/Lisbon")]
    for file, old, new in edits:
        path = root / file
        text = path.read_text("utf-8")
        path.write_text(text.replace(old, new, 1), "utf-8")
        changed, diags = load(Project(root))
        assert not diags.has_errors and program_digest(changed) != program_digest(first), file
        assert program_ics(changed) != program_ics(first), file
        path.write_text(text, "utf-8")
    unpresented = first.paper("paper-one").title
    accepted.write_text(accepted.read_text("utf-8").replace(unpresented, "Not On The Program", 1), "utf-8")
    other, _ = load(Project(root))
    assert other.paper("paper-one").title == "Not On The Program"
    assert program_digest(other) == program_digest(first) and program_ics(other) == program_ics(first)


def test_recording_permissions(tmp_path):
    volume, diags = load(Project(_project(tmp_path, recordings=RECORDINGS)))
    assert volume.recording("paper-one").embed_url == "https://www.youtube-nocookie.com/embed/abcdefghijk"
    assert volume.recording("paper-two").permission == "link"
    assert volume.recording("keynote") is None, "withheld is not published"
    assert volume.recording("panel") is None, "no permission means withheld"
    warnings = [(d.line, d.message) for d in diags.sorted()]
    assert warnings == [(12, "recording of 'keynote' is not published: its permission is withheld"),
                        (13, "recording of 'panel' is not published: no permission was given")]
    assert not diags.has_errors


@pytest.mark.parametrize("platform, url", [
    ("youtube", "https://vimeo.com/12345"),
    ("vimeo", "https://www.youtube.com/watch?v=abcdefghijk"),
    ("slideslive", "javascript:alert(1)"),
    ("file", "https://example.org/video.html"),
])
def test_url_must_match_platform(tmp_path, platform, url):
    recordings = f'- item: paper-one\n  platform: {platform}\n  url: "{url}"\n  permission: public\n'
    found = _diagnostics(_project(tmp_path, recordings=recordings))
    assert [(line, field, severity) for _, line, field, severity, _ in found] == [(3, "recordings[0].url", "error")]


def test_recording_of_unknown_item(tmp_path):
    recordings = '- item: ghost\n  platform: vimeo\n  url: "https://vimeo.com/1"\n  permission: public\n'
    found = _diagnostics(_project(tmp_path, recordings=recordings))
    assert [(line, field) for _, line, field, _, _ in found] == [(1, "recordings[0].item")]


def test_shipped_program_is_the_real_one():
    volume, diags = load(Project(REPO))
    assert not diags.has_errors
    assert len(volume.program) == 13
    assert (volume.program[0].start, volume.program[-1].end) == (dt.time(8, 55), dt.time(17, 35))
    invited = [slot for slot in volume.program if slot.kind == "invited"]
    assert [volume.talk(slot.talk).speakers[0].name for slot in invited] == [
        "Sajeda Mokbel", "Michael Mahoney", "Mahdi Soltanolkotabi", "Yuyang (Bernie) Wang", "Aditi Krishnapriyan", "Rose Yu"]
    assert {r.permission for r in volume.recordings} == {"public", "link", "withheld"}


def test_check_preflight_lists_papers_in_no_slot_and_counts(tmp_path, capsys):
    from proceedings.cli import main
    root = _project(tmp_path, PROGRAM.replace("papers: [paper-one, paper-two]", "papers: [paper-one]"))
    assert main(["check", str(root)]) == 0
    captured = capsys.readouterr()
    assert "papers/accepted.yml:17: warning: papers[1] (paper-two): the paper is presented in no slot of papers/program.yml" in captured.err
    assert "2 papers (0 withdrawn or retracted), 2 talks, 2 program slots, 0 recordings (0 withheld)" in captured.out


def test_calendar_events_of_sessions_list_their_papers():
    volume, _ = load(Project(REPO))
    events = icalendar.Calendar.from_ical(program_ics(volume)).walk("VEVENT")
    for slot, event in zip(volume.program, events, strict=True):
        description = str(event.get("description", ""))
        for paper_id in slot.papers:
            paper = volume.paper(paper_id)
            assert (f"- {plain(paper.title)} ({', '.join(a.name for a in paper.authors)}) {volume.url(paper)}"
                    in description) == paper.cited, (slot.title, paper_id)
    assert any(slot.papers for slot in volume.program)


@pytest.mark.parametrize("duration, ok", [("44:10", True), ("1:02:03", True), ("12:30", True), ('"5:07"', True),
                                          ('"x> <javascript:alert(1)"', False), ('"12 minutes"', False), ('"99:99"', False)])
def test_duration_is_a_length_or_an_error(tmp_path, duration, ok):
    recordings = ('- item: paper-one\n  platform: youtube\n  url: "https://www.youtube.com/watch?v=abcdefghijk"\n'
                  f"  permission: public\n  duration: {duration}\n")
    found = [(line, field, severity) for _, line, field, severity, _ in _diagnostics(_project(tmp_path, recordings=recordings))]
    assert found == ([] if ok else [(5, "recordings[0].duration", "error")])


@pytest.mark.parametrize("url, ok", [("https://youtu.be/abcdefghijk?t=10", True), ("https://vimeo.com/123#t=1m", True),
                                     ('https://youtu.be/abcdefghijk?x=\\"><script>alert(1)</script>', False),
                                     ("https://youtu.be/abcdefghijk?x=' onmouseover='alert(1)", False),
                                     ("https://youtu.be/abcdefghijk <b>", False),
                                     # A red-team trial's: a web page passed for a video, another page of the platform's.
                                     ("https://evil.example/x.html#.mp4", False), ("https://evil.example/a.svg?.mp4", False),
                                     ("https://example.org/talk.mp4?t=10", True), ("https://vimeo.com/123/../../../evil", False),
                                     ("https://vimeo.com/123/abcdef", True), ("https://vimeo.com/123/%2e%2E/%2e%2e/evil", False),
                                     ("https://evil.example/x.html;.mp4", False)])
def test_a_recording_url_holds_nothing_after_the_video_that_could_leave_its_link(tmp_path, url, ok):
    platform = "vimeo" if "vimeo" in url else "file" if ".mp4" in url else "youtube"
    recordings = f'- item: paper-one\n  platform: {platform}\n  url: "{url}"\n  permission: public\n'
    found = [(line, field, severity) for _, line, field, severity, _ in _diagnostics(_project(tmp_path, recordings=recordings))]
    assert found == ([] if ok else [(3, "recordings[0].url", "error")])


def test_a_paper_id_with_spaces_or_refused_is_known_to_the_program_as_read_or_as_suggested(tmp_path):
    """A new-user trial: a spreadsheet's ' paper-3 ' was published as paper-3 while the program said
    'unknown paper', and a refused 'Paper-10' gave a second error where the program used 'paper-10'."""
    root = _project(tmp_path, PROGRAM.replace("[paper-one, paper-two]", "[paper-one, paper-two, paper-3, paper-10]"))
    with_accepted_csv(root,
        "id\ttitle\tauthors\tabstract\ttrack\n"
        "paper-one\tOne\tAna Silva\tAbstract\tfull\n"
        "paper-two\tTwo\tBo Chen\tAbstract\tfull\n"
        " paper-3 \tThree\tCy Dee\tAbstract\tfull\n"
        "Paper-10\tTen\tDi Ev\tAbstract\tfull\n")
    found = [d for d in _diagnostics(root) if d[3] == "error"]
    assert found == [("papers/accepted.csv", 5, "papers[3].id", "error",
                      "'Paper-10' is not URL-safe: use lower-case letters, digits and hyphens; write 'paper-10'")]
    # The same id with spaces around it is the same id (a review: two pages of one name).
    with (root / "papers" / "accepted.csv").open("a", encoding="utf-8") as csv:
        csv.write("paper-3\tThree again\tEd Fox\tAbstract\tfull\n")
    assert [d[1:] for d in _diagnostics(root) if d[3] == "error"][-1] == (
        6, "papers[4].id", "error", "duplicate id 'paper-3', first used on line 4")


def test_a_csv_row_with_a_quote_left_open_is_still_known_to_the_program_by_its_id(tmp_path):
    """A new-user trial: the row's error came with "unknown paper" for the program's reference to it."""
    root = _project(tmp_path, PROGRAM.replace("paper-two]", "paper-two, paper-three]"))
    with_accepted_csv(root,
        "id;title;authors;abstract;track\n"
        "paper-one;One;Ana Silva;Abstract;full\n"
        'paper-two;Two;"Bo Chen; Cy Dee;Abstract;full\n'
        "paper-three;Three;Di Ev;Abstract;full\n")
    found = [d for d in _diagnostics(root) if d[3] == "error"]
    # And the rows the open quote took in (a review): each is known by its first cell.
    assert found == [("papers/accepted.csv", 3, None, "error", "row has 3 cells but the header has 5 (it runs on to "
                                                                "line 4: a quote left open takes in the rows after it)")]
    # On the last line, the quote is named too (a second trial's "row has 2 cells").
    (root / "papers" / "accepted.csv").write_text("id;title;authors;abstract;track\npaper-one;One;Ana Silva;Abstract;full\n"
                                                  "paper-three;Three;Di Ev;Abstract;full\n"
                                                  'paper-two;"Two;Bo Chen;Abstract;full\n', "utf-8")
    assert [d[1:] for d in _diagnostics(root) if d[3] == "error"] == [
        (4, None, "error", "row has 2 cells but the header has 5 (a quote in it is left open)")]

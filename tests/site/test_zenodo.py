"""``proceedings deposit zenodo`` against a local server speaking Zenodo's deposit API: drafts created
with their metadata and PDFs, resumed without duplicates after an interruption (even with the state
file lost), published only when asked, DOIs written into accepted.yml only with --write-dois."""

from __future__ import annotations

import functools
import http.server
import json
import threading

import pytest

from proceedings.cli import main
from proceedings.inputs.dois import write_dois
from proceedings.site.zenodo import Zenodo
from zenodo_server import start_fake_zenodo

from conftest import tree_state

TOKEN = "test-token-0123456789"


@pytest.fixture
def zenodo(monkeypatch):
    state, server = start_fake_zenodo(TOKEN)
    monkeypatch.setenv("ZENODO_TOKEN", TOKEN)
    yield state
    server.shutdown()


@pytest.fixture(autouse=True)
def licensed(project):
    """The papers' licence, which a deposit needs (Zenodo would otherwise choose one)."""
    workshop = project / "papers" / "workshop.yml"
    workshop.write_text(workshop.read_text("utf-8") + 'license: "CC BY-NC 4.0"\n', "utf-8")


def _deposit(project, zenodo, *options: str) -> int:
    return main(["deposit", "zenodo", str(project), "--api-url", zenodo.api, *options])


def test_drafts_are_created_with_metadata_and_pdf(project, zenodo, capsys):
    assert _deposit(project, zenodo) == 0
    output = capsys.readouterr().out
    assert len(zenodo.depositions) == 2
    record = next(r for r in zenodo.depositions.values() if r["metadata"]["title"] == "Neural Operators for PDEs")
    metadata = record["metadata"]
    assert metadata["upload_type"] == "publication" and metadata["publication_type"] == "conferencepaper"
    assert metadata["creators"][0] == {"name": "Müller, Jürgen", "affiliation": "Uni Hamburg", "orcid": "0000-0002-1825-0097"}
    assert metadata["creators"][1]["name"] == "van der Waals, Johannes"
    assert metadata["description"].startswith("<p>We learn u") and metadata["keywords"] == ["operators", "PDEs"]
    assert {"identifier": "https://example.org/test-ws/book/papers/paper-one.html", "relation": "isIdenticalTo",
            "resource_type": "publication-conferencepaper"} in metadata["related_identifiers"]
    assert metadata["prereserve_doi"]["doi"].startswith("10.5072/zenodo.")
    assert zenodo.files[record["id"]]["paper-one.pdf"] == (project / "papers" / "pdf" / "paper-one.pdf").read_bytes()
    assert not any(r["submitted"] for r in zenodo.depositions.values()), "drafts unless --publish"
    assert "paper-one: draft" in output and "paper-one.pdf uploaded" in output
    assert "2 deposition(s) are drafts: their reserved DOIs resolve once published (--publish)" in output
    state = json.loads((project / "papers" / ".zenodo.json").read_text("utf-8"))
    assert set(state[zenodo.api]) == {"paper-one", "paper-two"}
    assert TOKEN not in (project / "papers" / ".zenodo.json").read_text("utf-8")


def test_an_interrupted_deposit_resumes_without_duplicates(project, zenodo, capsys):
    zenodo.fail_on["upload"] = 500
    assert _deposit(project, zenodo) == 1
    error = capsys.readouterr().err
    assert "Zenodo refused PUT" in error and "HTTP 500" in error and "papers/.zenodo.json" in error
    assert len(zenodo.depositions) == 1, "stopped at the first paper's upload"
    assert _deposit(project, zenodo) == 0
    assert len(zenodo.depositions) == 2, "the first paper's draft was found in the state, not created again"
    assert all(len(files) == 1 for files in zenodo.files.values())
    uploads = [r for r in zenodo.requests if r.startswith("PUT /api/files/")]
    assert _deposit(project, zenodo) == 0
    assert len(zenodo.depositions) == 2
    assert [r for r in zenodo.requests if r.startswith("PUT /api/files/")] == uploads, "unchanged PDFs are not uploaded again"


def test_a_lost_state_file_finds_the_drafts_again(project, zenodo, capsys):
    assert _deposit(project, zenodo) == 0
    (project / "papers" / ".zenodo.json").unlink()
    assert _deposit(project, zenodo) == 0
    assert len(zenodo.depositions) == 2
    assert "found its deposition" in capsys.readouterr().out


def test_publish_and_write_dois(project, zenodo, capsys):
    accepted = project / "papers" / "accepted.yml"
    accepted.write_text("# The organizers' list; this comment stays.\n" + accepted.read_text("utf-8"), "utf-8")
    assert _deposit(project, zenodo) == 0
    assert "doi:" not in accepted.read_text("utf-8"), "DOIs are written only with --write-dois"
    assert _deposit(project, zenodo, "--publish", "--write-dois") == 0
    output = capsys.readouterr().out
    assert all(r["submitted"] for r in zenodo.depositions.values())
    text = accepted.read_text("utf-8")
    assert text.startswith("# The organizers' list; this comment stays.")
    dois = {r["metadata"]["title"]: r["doi"] for r in zenodo.depositions.values()}
    assert f"doi: {dois['Neural Operators for PDEs']}" in text
    assert "paper-one: doi 10.5072/zenodo." in output and "written" in output
    assert main(["check", str(project)]) == 0
    before = len(zenodo.requests)
    assert _deposit(project, zenodo, "--publish", "--write-dois") == 0
    assert "already published" in capsys.readouterr().out
    assert not any(r.startswith(("POST", "PUT")) for r in zenodo.requests[before:]), "nothing published twice"


def test_a_doi_written_by_hand_is_kept_and_sent(project, zenodo, capsys):
    accepted = project / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace("  award: Best Paper\n", "  award: Best Paper\n  doi: 10.5072/own.1\n"),
                        "utf-8")
    assert _deposit(project, zenodo, "--write-dois") == 0
    record = next(r for r in zenodo.depositions.values() if r["metadata"]["title"] == "Neural Operators for PDEs")
    assert record["metadata"]["doi"] == "10.5072/own.1"
    assert accepted.read_text("utf-8").count("doi:") == 2
    assert "doi 10.5072/own.1 already there" in capsys.readouterr().out


def test_without_a_token_nothing_is_sent(project, zenodo, monkeypatch, capsys):
    monkeypatch.delenv("ZENODO_TOKEN")
    before = tree_state(project)
    assert _deposit(project, zenodo) == 1
    assert "set the environment variable ZENODO_TOKEN" in capsys.readouterr().err
    assert zenodo.requests == [] and tree_state(project) == before


def test_a_wrong_token_and_an_unreachable_server_are_sentences(project, zenodo, monkeypatch, capsys):
    monkeypatch.setenv("ZENODO_TOKEN", "s3cr3t-but-wrong")
    assert _deposit(project, zenodo) == 1
    error = capsys.readouterr().err
    assert "HTTP 401" in error and "deposit:write" in error and "s3cr3t" not in error
    monkeypatch.setenv("ZENODO_TOKEN", TOKEN)
    assert main(["deposit", "zenodo", str(project), "--api-url", "http://127.0.0.1:9/api"]) == 1
    assert "cannot reach Zenodo at http://127.0.0.1:9/api" in capsys.readouterr().err


def test_write_dois_inserts_one_line_per_paper_and_keeps_every_other_byte(project, zenodo, capsys):
    accepted = project / "papers" / "accepted.yml"
    original = ("# The organizers' list.\n" + accepted.read_text("utf-8")
                .replace("- id: paper-two\n", "# paper two comes next\n- id: paper-two   # a comment on the id\n")
                .replace("    - name: Johannes van der Waals\n", "      - name: Johannes van der Waals  # odd indent\n")
                .replace("  keywords: [operators, PDEs]\n", "  keywords: [operators, PDEs, " + ", ".join(f"k{i}" for i in range(30)) + "]\n"))
    original = original.replace("      - name: Johannes", "    - name: Johannes")
    accepted.write_text(original, "utf-8")
    assert _deposit(project, zenodo, "--write-dois") == 0
    written = accepted.read_text("utf-8").splitlines(keepends=True)
    doi_lines = [line for line in written if line.lstrip().startswith("doi: 10.5072/zenodo.")]
    assert len(doi_lines) == 2 and all(line.startswith("  doi: ") for line in doi_lines)
    assert [line for line in written if line not in doi_lines] == original.splitlines(keepends=True)
    lines = written
    assert lines[lines.index("- id: paper-two   # a comment on the id\n") + 1].startswith("  doi: 10.5072/zenodo.")
    assert main(["check", str(project)]) == 0
    assert "1 deposition(s) are drafts" not in capsys.readouterr().out


def test_a_one_line_record_is_reported_not_rewritten(project, zenodo, capsys):
    accepted = project / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8") + "- {id: paper-three, title: Three, authors: [{name: A B}], abstract: C., "
                        "track: full, pdf: pdf/paper-one.pdf}\n", "utf-8")
    assert _deposit(project, zenodo, "--write-dois") == 0
    assert "paper-three: its record is not written one field a line" in capsys.readouterr().out
    assert "- {id: paper-three" in accepted.read_text("utf-8")


def test_the_sandbox_and_another_server_keep_their_own_depositions(project, zenodo, capsys):
    other, server = start_fake_zenodo(TOKEN)
    try:
        assert _deposit(project, zenodo, "--publish") == 0
        assert _deposit(project, other) == 0
        assert len(other.depositions) == 2 and not any(r["submitted"] for r in other.depositions.values())
        state = json.loads((project / "papers" / ".zenodo.json").read_text("utf-8"))
        assert set(state) == {zenodo.api, other.api}
        assert all(entry["published"] for entry in state[zenodo.api].values())
    finally:
        server.shutdown()


def test_a_draft_deleted_on_zenodo_is_made_again(project, zenodo, capsys):
    assert _deposit(project, zenodo) == 0
    gone = next(iter(zenodo.depositions))
    del zenodo.depositions[gone]
    assert _deposit(project, zenodo) == 0
    assert f"its deposition {gone} is no longer on Zenodo" in capsys.readouterr().out
    assert len(zenodo.depositions) == 2


def test_each_step_is_shown_as_it_is_done_even_when_a_run_stops(project, zenodo, capsys):
    zenodo.fail_on["upload"] = 503
    assert _deposit(project, zenodo) == 1
    output, error = capsys.readouterr()
    assert "paper-one: draft 1001 created, DOI 10.5072/zenodo.1001 reserved" in output
    assert "HTTP 503" in error and ".." not in error


def test_an_interrupted_run_says_so(project, zenodo, monkeypatch, capsys):
    def interrupted(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(Zenodo, "upload", interrupted)
    assert _deposit(project, zenodo) == 130
    assert capsys.readouterr().err.startswith("Stopped (interrupted). What was done so far is kept in papers/.zenodo.json")


def test_withdrawn_papers_and_papers_without_a_pdf_are_named(project, zenodo, capsys):
    accepted = project / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace(
        "  abstract: Short.\n", "  abstract: Short.\n  withdrawn: {date: 2026-05-01, reason: An error.}\n"), "utf-8")
    assert _deposit(project, zenodo) == 0
    assert "paper-two: not deposited: it is withdrawn" in capsys.readouterr().out
    assert len(zenodo.depositions) == 1


def test_the_token_is_never_sent_to_another_server(project, zenodo, capsys):
    original = zenodo._create

    def elsewhere(metadata):
        record = original(metadata)
        record["links"]["bucket"] = "http://127.0.0.2:1/api/files/bucket"
        return record
    zenodo._create = elsewhere
    assert _deposit(project, zenodo) == 1
    assert "Zenodo gave a link to another server (http://127.0.0.2:1/api/files/bucket/paper-one.pdf)" in capsys.readouterr().err


def test_an_answer_that_is_not_json_is_a_sentence(project, tmp_path, monkeypatch, capsys):
    (tmp_path / "www" / "api" / "deposit").mkdir(parents=True)
    (tmp_path / "www" / "api" / "deposit" / "depositions").write_text("<html>a proxy's page</html>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "www"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("ZENODO_TOKEN", TOKEN)
    try:
        api = f"http://127.0.0.1:{server.server_address[1]}/api"
        assert main(["deposit", "zenodo", str(project), "--api-url", api]) == 1
    finally:
        server.shutdown()
    assert "was answered with something that is not JSON" in capsys.readouterr().err


@pytest.mark.parametrize("line, refusal", [("", "workshop.yml names no licence"),
                                           ('license: "All rights reserved"\n', "is not one whose Zenodo id")])
def test_no_deposit_without_a_licence_zenodo_knows(project, zenodo, capsys, line, refusal):
    workshop = project / "papers" / "workshop.yml"
    workshop.write_text(workshop.read_text("utf-8").replace('license: "CC BY-NC 4.0"\n', line), "utf-8")
    assert _deposit(project, zenodo) == 1
    assert refusal in capsys.readouterr().err and zenodo.depositions == {}


def test_the_licence_is_sent_as_zenodo_names_it(project, zenodo):
    assert _deposit(project, zenodo) == 0
    assert {record["metadata"]["license"] for record in zenodo.depositions.values()} == {"cc-by-nc-4.0"}


def test_a_redirect_is_not_followed_with_the_token(project, zenodo, capsys):
    heard = []

    class Elsewhere(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            heard.append(self.headers.get("Authorization"))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    threading.Thread(target=other.serve_forever, daemon=True).start()

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{other.server_address[1]}/steal")
            self.end_headers()

        def log_message(self, *args):
            pass

    redirecting = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=redirecting.serve_forever, daemon=True).start()
    try:
        assert main(["deposit", "zenodo", str(project), "--api-url", f"http://127.0.0.1:{redirecting.server_address[1]}/api"]) == 1
    finally:
        other.shutdown()
        redirecting.shutdown()
    assert heard == [] and "HTTP 302" in capsys.readouterr().err


def test_a_draft_the_listing_does_not_show_yet_is_not_made_again(project, zenodo):
    assert _deposit(project, zenodo) == 0
    hidden = zenodo.depositions.pop(next(iter(zenodo.depositions)))
    zenodo.unlisted[hidden["id"]] = hidden  # on the account, but not yet in its search index
    assert _deposit(project, zenodo) == 0
    assert len(zenodo.depositions) == 1 and hidden["id"] not in zenodo.depositions


def test_write_dois_keeps_crlf_line_ends_and_counts_lines_as_yaml_does(tmp_path):
    (tmp_path / "accepted.yml").write_bytes("# c\r\n- id: a\r\n  title: \"x\u2028y\"\r\n- id: b\r\n  doi:\r\n- id:\r\n    c\r\n"
                                            "- id: e\r\n  title: t".encode())
    lines = write_dois(tmp_path, {"a": "10.5072/a", "b": "10.5072/b", "c": "10.5072/c", "e": "10.5072/e"})
    assert lines == ["a: doi 10.5072/a written", "b: its doi field is empty; write 10.5072/b there by hand",
                     "c: its record is not written one field a line; add `doi: 10.5072/c` by hand", "e: doi 10.5072/e written"]
    assert (tmp_path / "accepted.yml").read_bytes() == ("# c\r\n- id: a\r\n  doi: 10.5072/a\r\n  title: \"x\u2028y\"\r\n- id: b\r\n"
                                                        "  doi:\r\n- id:\r\n    c\r\n- id: e\r\n  doi: 10.5072/e\r\n  title: t").encode()

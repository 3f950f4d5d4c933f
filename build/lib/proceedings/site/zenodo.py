"""Depositing the papers on Zenodo (its REST API): one deposition per paper, with its PDF and its
metadata, in the workshop's community, as a draft unless asked to publish; Zenodo gives each a
DataCite DOI.

Resumable: what was done is kept in ``papers/.zenodo.json`` after every step, by API (the sandbox's
depositions are not zenodo.org's) and paper (the deposition's id, its DOI, the files uploaded by
content hash, whether it is published), so a run stopped by a network error goes on where it stopped
and never deposits a paper twice. Each run first lists the account's depositions: a paper whose entry
was lost is found again by its page URL, and a draft deleted on Zenodo (asked for by its id, since
the listing may lag) is made again.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from ..model.paper import Paper
from ..model.people import Person
from ..model.volume import Proceedings
from ..model.workshop import Workshop
from ..util.files import file_hash, read_json, replacing
from ..util.latex import plain
from ..util.text import page_span, paragraphs_of

ZENODO_API = "https://zenodo.org/api"
SANDBOX_API = "https://sandbox.zenodo.org/api"
TOKEN_VARIABLE = "ZENODO_TOKEN"
"""The environment variable holding the Zenodo access token (scopes deposit:write, deposit:actions)."""
STATE_FILE = ".zenodo.json"
"""What was deposited, under ``papers/``."""
# Zenodo's answers are a few kilobytes; more is not read.
_MAX_ANSWER = 10 << 20
# Seconds without a byte from Zenodo before a request is given up (an upload sends all the while).
_TIMEOUT = 60


class ZenodoError(Exception):
    """Zenodo refused a request or could not be reached; the message is a sentence for the organizer."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status
        """The HTTP status Zenodo answered with, if it answered."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuses to follow a redirect, which would carry the token to wherever it points."""

    def redirect_request(self, *args, **kwargs):
        return None  # urllib then raises the 30x as an HTTPError


_OPENER = urllib.request.build_opener(_NoRedirects)


class Zenodo:
    """The few calls of Zenodo's deposit API the deposit makes, authorised by a token."""

    def __init__(self, api: str, token: str):
        self.api = api.rstrip("/")
        """The API's base URL (``https://zenodo.org/api``)."""
        self._token = token

    def _call(self, method: str, url: str, body: bytes | None = None, content_type: str = "application/json") -> Any:
        if not url.startswith(("http://", "https://")):
            url = self.api + url
        if urlsplit(url)[:2] != urlsplit(self.api)[:2]:  # the token goes to the API's own server only
            raise ZenodoError(f"Zenodo gave a link to another server ({url}); nothing was sent there")
        request = urllib.request.Request(url, data=body, method=method,
                                         headers={"Authorization": f"Bearer {self._token}", "Content-Type": content_type,
                                                  "Accept": "application/json"})
        try:
            with _OPENER.open(request, timeout=_TIMEOUT) as response:
                text = response.read(_MAX_ANSWER)
        except urllib.error.HTTPError as error:
            raise ZenodoError(f"Zenodo refused {method} {url} (HTTP {error.code}): {_reason(error)}", error.code) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ZenodoError(f"cannot reach Zenodo at {self.api} ({reason}); check the network and run the "
                              "command again: it goes on where it stopped") from None
        try:
            return json.loads(text) if text else {}
        except ValueError:
            raise ZenodoError(f"{method} {url} was answered with something that is not JSON; is {self.api} "
                              "a Zenodo API?") from None

    def depositions(self) -> list[dict]:
        """The account's depositions, drafts and published, a page of 100 at a time."""
        found: list[dict] = []
        for page in range(1, 1000):
            batch = self._call("GET", f"/deposit/depositions?size=100&page={page}")
            if not batch:
                break
            found += batch
        return found

    def exists(self, deposition: int) -> bool:
        """Whether the deposition is still on the account (the listing, a search index, may lag)."""
        try:
            self._call("GET", f"/deposit/depositions/{deposition}")
        except ZenodoError as error:
            if error.status in (404, 410):
                return False
            raise
        return True

    def create(self, metadata: dict) -> dict:
        """A new draft deposition with ``metadata``."""
        return self._call("POST", "/deposit/depositions", json.dumps({"metadata": metadata}).encode())

    def update(self, deposition: int, metadata: dict) -> dict:
        """Replace a draft's metadata."""
        return self._call("PUT", f"/deposit/depositions/{deposition}", json.dumps({"metadata": metadata}).encode())

    def upload(self, bucket: str, name: str, path: Path) -> dict:
        """Put a file into a draft's bucket (replacing one of the same name)."""
        return self._call("PUT", f"{bucket}/{quote(name)}", path.read_bytes(), "application/octet-stream")

    def publish(self, deposition: int) -> dict:
        """Publish a draft: its DOI is registered and the record can no longer be deleted."""
        return self._call("POST", f"/deposit/depositions/{deposition}/actions/publish")


def _reason(error: urllib.error.HTTPError) -> str:
    """What Zenodo said about a refused request, from its JSON error (message and field errors)."""
    try:
        data = json.loads(error.read() or b"{}")
    except ValueError:
        data = {}
    details = "; ".join(f"{item.get('field', '')}: {' '.join(map(str, item.get('messages', [item.get('message', '')])))}"
                        for item in data.get("errors") or [] if isinstance(item, dict))
    message = str(data.get("message") or error.reason or "no reason given")
    hint = " (is ZENODO_TOKEN a valid token with the deposit:write and deposit:actions scopes?)" \
        if error.code in (401, 403) else ""
    return (message + (f" [{details}]" if details else ""))[:400] + hint


def zenodo_token() -> str:
    """The access token from the environment; raises ZenodoError saying how to set it."""
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise ZenodoError(f"set the environment variable {TOKEN_VARIABLE} to a Zenodo access token (Zenodo: Account, "
                          "Applications, Personal access tokens; scopes deposit:write and deposit:actions); it is read "
                          "from there only and never written anywhere")
    return token


def zenodo_metadata(volume: Proceedings, paper: Paper) -> dict:
    """The paper's deposition metadata, as Zenodo's deposit API takes it."""
    workshop = volume.workshop
    metadata: dict[str, Any] = {
        "upload_type": "publication",
        "publication_type": "conferencepaper",
        "title": plain(paper.title),
        "creators": [_creator(author) for author in paper.authors],
        "description": "".join(f"<p>{escape(plain(block))}</p>" for block in paragraphs_of(paper.abstract)),
        "publication_date": workshop.date.isoformat(),
        "access_right": "open",
        "conference_title": plain(workshop.title),
        "conference_dates": workshop.date.strftime("%d %B %Y").lstrip("0"),
        "conference_place": workshop.location,
        "related_identifiers": _relations(volume, paper),
    }
    if paper.keywords:
        metadata["keywords"] = list(paper.keywords)
    if workshop.short_title:
        metadata["conference_acronym"] = workshop.short_title
    if workshop.website:
        metadata["conference_url"] = workshop.website
    if workshop.zenodo_community:
        metadata["communities"] = [{"identifier": workshop.zenodo_community}]
    if license_id := zenodo_license(workshop):
        metadata["license"] = license_id
    if paper.id in volume.page_ranges:
        metadata["partof_pages"] = page_span(volume.page_ranges[paper.id], "-")
        metadata["partof_title"] = plain(workshop.booktitle)
    if not workshop.archival:
        metadata["notes"] = "Non-archival workshop paper."
    # A DOI the paper already has is kept; otherwise Zenodo reserves one.
    metadata |= {"doi": paper.doi} if paper.doi else {"prereserve_doi": True}
    return metadata


def zenodo_license(workshop: Workshop) -> str | None:
    """Zenodo's id of the workshop's Creative Commons licence ("cc-by-nc-4.0", "cc0-1.0"); None for
    any other licence."""
    if not workshop.creative_commons:
        return None
    kind, version = workshop.creative_commons
    return f"cc0-{version}" if kind == "zero" else f"cc-{kind}-{version}"


def _license_problem(volume: Proceedings) -> str | None:
    """Why the papers cannot be deposited under their licence: Zenodo gives a deposition without one
    its default (CC BY), which is not the workshop's to choose for its authors."""
    workshop = volume.workshop
    if not workshop.license:
        return ("workshop.yml names no licence; Zenodo would publish the papers under its default (CC BY 4.0): "
                "set license in workshop.yml to the licence the authors agreed to")
    if not zenodo_license(workshop):
        return (f"the licence {workshop.license!r} is not one whose Zenodo id the tool knows (the Creative Commons "
                "licences); deposit these papers through Zenodo's web form, which lists every licence")
    return None


def _creator(person: Person) -> dict:
    creator = {"name": person.family_first}
    if person.affiliation:
        creator["affiliation"] = person.affiliation
    if person.orcid:
        creator["orcid"] = person.orcid
    return creator


def _relations(volume: Proceedings, paper: Paper) -> list[dict]:
    workshop = volume.workshop
    relations = [{"identifier": volume.url(paper), "relation": "isIdenticalTo", "resource_type": "publication-conferencepaper"},
                 {"identifier": workshop.doi or workshop.base_url, "relation": "isPartOf",
                  "resource_type": "publication-conferenceproceeding"}]
    if paper.openreview_url:
        relations.append({"identifier": paper.openreview_url, "relation": "isReviewedBy"})
    if paper.code:
        relations.append({"identifier": paper.code, "relation": "isSupplementedBy", "resource_type": "software"})
    return relations


@dataclass
class DepositReport:
    """What a deposit run did, paper by paper."""

    lines: list[str] = field(default_factory=list)
    """One sentence per paper and step, in order."""
    dois: dict[str, str] = field(default_factory=dict)
    """Each deposited paper's DOI (reserved for a draft, registered once published), by paper id."""
    drafts: int = 0
    """How many of the depositions are drafts after the run."""


def deposit(volume: Proceedings, papers_dir: Path, client: Zenodo, publish: bool = False,
            only: set[str] | None = None, say: Callable[[str], None] = print) -> DepositReport:
    """Deposit every paper of the volume with a PDF (or those in ``only``) on Zenodo: create its draft
    (or find the one made before), update its metadata, upload its PDF if it changed, publish it if
    ``publish``; each step is told to ``say`` as it is done. The state is saved after each step;
    raises ZenodoError at the first failure, after saving what was done."""
    state_path = papers_dir / STATE_FILE
    saved = read_json(state_path, None) if state_path.is_file() else {}
    if not isinstance(saved, dict):
        raise ZenodoError(f"papers/{STATE_FILE} is not the JSON this command writes; restore it from git (or move it "
                          "aside to start afresh: each paper's deposition is then found again by its page URL)")
    license_problem = _license_problem(volume)
    if license_problem:
        raise ZenodoError(license_problem)
    run = _Run(client, state_path, saved, publish, say)
    papers = []
    for paper in volume.papers:
        if only is not None and paper.id not in only:
            continue
        facts = volume.facts(paper.pdf)
        if paper.removal:
            run.say(f"{paper.id}: not deposited: it is {(paper.removal_label or '').lower()} (a deposition made before is "
                    "left as it is: edit it on Zenodo)")
        elif not paper.pdf or not facts:
            run.say(f"{paper.id}: not deposited: it has no PDF")
        elif facts.encrypted:
            run.say(f"{paper.id}: not deposited: its PDF is password-protected; deposit an unprotected copy by hand")
        else:
            papers.append(paper)
    run.reconcile(volume, papers)
    for paper in papers:
        run.deposit(volume, paper, papers_dir / str(paper.pdf))
        run.report.dois[paper.id] = run.state[paper.id]["doi"]
    run.report.drafts = sum(not run.state[paper.id]["published"] for paper in papers)
    return run.report


class _Run:
    """One deposit run: the client, the state as it is saved after each step, the report."""

    def __init__(self, client: Zenodo, state_path: Path, saved: dict, publish: bool, say: Callable[[str], None]):
        self.client = client
        self.state_path = state_path
        # Depositions by API: those on the sandbox are not those on zenodo.org.
        self.saved = saved
        self.state: dict[str, dict] = self.saved.setdefault(client.api, {})
        self.publish = publish
        self.echo = say
        self.report = DepositReport()

    def say(self, line: str) -> None:
        self.report.lines.append(line)
        self.echo(line)

    def save(self) -> None:
        with replacing(self.state_path) as temporary:
            temporary.write_text(json.dumps(self.saved, indent=1, sort_keys=True) + "\n", "utf-8")

    def reconcile(self, volume: Proceedings, papers: list[Paper]) -> None:
        """Bring the state in line with the account's depositions: forget those no longer there
        (a draft deleted on Zenodo is made again), note those published meanwhile, and enter those
        missing from the state (a run killed between creating a draft and saving it), matched by
        the paper's page URL."""
        listed = self.client.depositions()
        by_id = {found["id"]: found for found in listed}
        by_url: dict[str, dict] = {}
        for found in listed:
            for relation in found.get("metadata", {}).get("related_identifiers", []):
                if relation.get("relation") == "isIdenticalTo":
                    by_url.setdefault(str(relation.get("identifier")), found)
        for paper in papers:
            entry = self.state.get(paper.id)
            deleted = entry and entry["deposition"] not in by_id and not entry["published"]
            if entry and deleted and not self.client.exists(entry["deposition"]):
                del self.state[paper.id]
                self.say(f"{paper.id}: its deposition {entry['deposition']} is no longer on Zenodo (deleted there?); "
                         "a new draft is made")
            elif entry and entry["deposition"] in by_id:
                entry["published"] = entry["published"] or bool(by_id[entry["deposition"]].get("submitted"))
            lost = by_url.get(volume.url(paper))
            if paper.id not in self.state and lost:
                self.state[paper.id] = _entry(lost)
                self.say(f"{paper.id}: found its deposition {lost['id']} on Zenodo again")
        self.save()

    def deposit(self, volume: Proceedings, paper: Paper, pdf: Path) -> None:
        """Bring the paper's deposition up to date, saving the state after each step."""
        metadata = zenodo_metadata(volume, paper)
        signature = hashlib.sha256(json.dumps(metadata, sort_keys=True).encode()).hexdigest()
        entry = self.state.get(paper.id)
        if entry is None:
            entry = self.state[paper.id] = _entry(self.client.create(metadata)) | {"metadata": signature}
            self.save()  # at once: a run stopped after this must not create it again
            doi = f"with its own DOI {paper.doi}" if paper.doi else f"DOI {entry['doi']} reserved"
            self.say(f"{paper.id}: draft {entry['deposition']} created, {doi}")
        if entry["published"]:
            self.say(f"{paper.id}: already published on Zenodo as {entry['doi']}; left as it is")
            return
        if entry["metadata"] != signature:
            self.client.update(entry["deposition"], metadata)
            entry["metadata"] = signature
            self.save()
            self.say(f"{paper.id}: metadata of draft {entry['deposition']} updated")
        name, sha = f"{paper.id}.pdf", file_hash(pdf)
        if entry["files"].get(name) != sha:
            self.client.upload(entry["bucket"], name, pdf)
            entry["files"][name] = sha
            self.save()
            self.say(f"{paper.id}: {name} uploaded ({pdf.stat().st_size:,} bytes)")
        if self.publish:
            published = self.client.publish(entry["deposition"])
            entry |= {"published": True, "doi": published.get("doi") or entry["doi"]}
            self.save()
            self.say(f"{paper.id}: published, DOI {entry['doi']} " + ("(its own: register it with its agency)" if paper.doi
                                                                      else "registered"))


def _entry(deposition: dict) -> dict:
    """A deposition as the state keeps it."""
    metadata = deposition.get("metadata", {})
    doi = deposition.get("doi") or metadata.get("doi") or metadata.get("prereserve_doi", {}).get("doi", "")
    return {"deposition": deposition["id"], "bucket": deposition.get("links", {}).get("bucket", ""), "doi": doi,
            "files": {}, "metadata": "", "published": bool(deposition.get("submitted"))}

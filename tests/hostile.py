"""Author text that tries to become markup, code or a request, and a project whose every author field
holds it: shared by the hostile-input tests and the browser tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from proceedings.model.people import several_people
from proceedings.util.text import one_line

from conftest import write_project

HOSTILE = [
    "<script>alert('h01')</script>",
    "<img src=x onerror=alert('h02')>",
    "<iframe src='https://evil.example/h03'></iframe>",
    "<svg onload=alert('h04')>",
    "<a href=\"javascript:alert('h05')\">h05</a>",
    "[h06](javascript:alert('h06'))",
    "![h07](data:text/html,<script>alert('h07')</script>)",
    "<javascript:alert('h08')>",
    "```{eval-rst}\n.. raw:: html\n\n   <script>alert('h09')</script>\n```",
    "```{raw} html\n<script>alert('h10')</script>\n```",
    "```{include} /etc/passwd\n```",
    "```{literalinclude} ../../_config.yml\n```",
    ":::{raw} html\n<script>alert('h13')</script>\n:::",
    "{raw}`html <script>alert('h14')</script>`",
    "{{ h15_substitution }}",
    "{sub-ref}`today` h16",
    "$\\href{javascript:alert('h17')}{x}$",
    "$x$</span><script>alert('h18')</script>",
    "% h19 a comment that hides the rest",
    "(h20-label)=\n# h20 heading",
    "<!-- h21 --><b onclick=alert('h21')>b</b>",
    "&lt;script&gt;alert('h22')&lt;/script&gt;",
    "\u202eh23 right-to-left override \u200b zero width",
    "h24 " + "very long title " * 70,
    "<style>body{display:none}</style>h25",
    "\"><script>alert('h26')</script>",
    "</script><script>alert('h27')</script>",
    "{{< h28 >}} <%= h28 %> ${h28}",
    # Math that is a programming language to a math renderer, or to a reader's LaTeX run.
    "$\\mmlToken{mi}[href=\"javascript:alert('h29')\",style=\"position:fixed;top:0;left:0;width:100%;height:100%\"]{x}$",
    "$\\bbox[background-image:url(https://evil.example/h30.png)]{x}$ and $\\style{position:fixed;width:100%}{h30}$",
    "$\\unicode{x1F600}\\require{action}\\toggle{a}{b}\\endtoggle$ h31 $\\class{x}{y}\\cssId{z}{w}$",
    "$\\immediate\\write18{touch h32-pwned}\\csname input\\endcsname{/etc/passwd}$ h32",
    "Costs of $10%$ and $\\left\\{ x \\right.$ with # h33",
    # A title that tries to close its BibTeX entry and plant another under another paper's key.
    "h34}, note = {injected}}\n@inproceedings{h00, title = {hijacked",
    # A long URL in an abstract (ICLR 2020's rJeqeCEtvH) widened a phone's page to 977 px.
    "h35 https://google.github.io/tacotron/publications/semisupervised_generative_modeling_for_controllable_speech_synthesis/",
    # TeX's character codes: ^^5c is a backslash, \^^69nput is \input (a red-team trial's reader's LaTeX
    # run read /etc/hostname into its bibliography and wrote a file).
    "h36 $\\text{^^5cinput{/etc/hostname}}$ $a^{^^5cimmediate^^5copenout7=h36-pwned.tex ^^5cimmediate^^5cwrite7{x}"
    "^^5cimmediate^^5ccloseout7}$ $\\^^69nput{/etc/hostname}$ $x^^7d$",
    # Braces nested 300 deep: each level a level of recursion in the parsers (a build crashed).
    "h37 $" + "{" * 300 + "x" + "}" * 300 + "$",
    # \@ is a letter after a reader's \makeatletter: these wrote and read files there (a red-team retest).
    "h38 $\\text{\\@starttoc{pwn}\\@writefile{pwn}{h38}}$ $\\text{\\@@input /etc/hostname }$",
]


# Inline handlers the theme itself writes (its print and full-screen buttons); any other is injected.
THEME_HANDLERS = {"window.print()", "toggleFullScreen()"}


def hostile_project(root: Path) -> Path:
    """A project whose every text field, in papers, talks and the program, holds one of ``HOSTILE``."""
    papers = []
    for index, text in enumerate(HOSTILE):
        papers.append({
            "id": f"h{index:02d}", "title": text, "abstract": text, "keywords": [text], "track": "full",
            "session": text, "award": text, "tldr": text, "code": "https://example.org/code",
            # A name that reads as several people is an error unless its parts are stated.
            "authors": [{"name": text, "affiliation": text,
                         **({"family": text, "given": "Eve"} if several_people(one_line(text)) else {})}],
        })
    # Each title again on a withdrawn paper's page, struck through.
    papers += [{"id": f"w{index:02d}", "title": text, "abstract": "Withdrawn.", "track": "full", "authors": [{"name": "Eve"}],
                "withdrawn": {"date": "2026-05-01", "reason": "Author request"}} for index, text in enumerate(HOSTILE)]
    write_project(root, papers=yaml.safe_dump(papers, allow_unicode=True), pdfs=())
    talks = [{"id": "talk", "title": HOSTILE[0], "speaker": {"name": HOSTILE[1], "affiliation": HOSTILE[2]},
              "abstract": HOSTILE[8], "bio": HOSTILE[9]}]
    (root / "papers" / "talks.yml").write_text(yaml.safe_dump(talks, allow_unicode=True), "utf-8")
    program = [{"start": "09:00", "end": "10:00", "kind": "invited", "title": HOSTILE[3], "talk": "talk",
                "speaker": HOSTILE[4]}]
    (root / "papers" / "program.yml").write_text(yaml.safe_dump(program, allow_unicode=True), "utf-8")
    return root

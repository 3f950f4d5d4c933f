"""Names and titles that citation clients have split or mangled, with how each must come back.

Each name: as written, the (given, family) an input states or None for a guessed split, and the
expected (given, family, suffix). Shared by the BibTeX tests and the tests that run other people's
readers (pandoc, biber, bibtex, Zotero) over our citations."""

from __future__ import annotations

import datetime as dt

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from proceedings.model.paper import Paper
from proceedings.model.people import Person
from proceedings.model.volume import Proceedings
from proceedings.model.workshop import Track, Workshop

_CONTEXT = get_default_latex_context_db()
_CONTEXT.add_context_category("printed", prepend=True, macros=[MacroTextSpec("vphantom", "", "{"),
                                                               MacroTextSpec("relax", "")])
_TO_TEXT = LatexNodes2Text(math_mode="verbatim", latex_context=_CONTEXT)


def printed(latex: str) -> str:
    """What LaTeX prints for BibTeX field text (math left as its source, ~ as a space)."""
    # LaTeX prints \^{} as a circumflex, which pylatexenc leaves out.
    return " ".join(_TO_TEXT.latex_to_text(latex.replace("\\^{}", "^")).split())

NAMES = [
    ("Jürgen Müller", None, ("Jürgen", "Müller", "")),
    ("Johannes van der Waals", None, ("Johannes", "van der Waals", "")),
    ("Johannes van der Berg", None, ("Johannes", "van der Berg", "")),
    ("María José de la Cruz", None, ("María José", "de la Cruz", "")),
    ("Ludwig von Hohenberg", None, ("Ludwig", "von Hohenberg", "")),
    ("Laurence Perreault-Levasseur", None, ("Laurence", "Perreault-Levasseur", "")),
    ("N. Benjamin Erichson", None, ("N. Benjamin", "Erichson", "")),
    ("Steven C.H. Hoi", None, ("Steven C. H.", "Hoi", "")),  # bibtex's initials are its words' first letters
    # A researcher's trial: cited as 'de Wiele', 'Bras', 'Arcas' and 'X.Fang'.
    ("Tom Van de Wiele", None, ("Tom", "Van de Wiele", "")),
    ("Ronan Le Bras", None, ("Ronan", "Le Bras", "")),
    ("Blaise Aguera y Arcas", None, ("Blaise", "Aguera y Arcas", "")),
    ("Ethan X.Fang", None, ("Ethan X.", "Fang", "")),
    ("Adhiambo", None, ("", "Adhiambo", "")),
    ("Łucja Wróbel", None, ("Łucja", "Wróbel", "")),
    ("Çağla Yılmaz", None, ("Çağla", "Yılmaz", "")),
    ("Søren Østergaard", None, ("Søren", "Østergaard", "")),
    ("Ingrid Strauß", None, ("Ingrid", "Strauß", "")),
    ("Nguyễn Thị Minh Anh", ("Thị Minh Anh", "Nguyễn"), ("Thị Minh Anh", "Nguyễn", "")),
    ("Lanasse Francois", ("Francois", "Lanasse"), ("Francois", "Lanasse", "")),
    ("Helena Domínguez Sánchez", ("Helena", "Domínguez Sánchez"), ("Helena", "Domínguez Sánchez", "")),
    ("王芳", ("芳", "王"), ("芳", "王", "")),
    ("Paul Erdős", None, ("Paul", "Erdős", "")),
    ("Antonín Dvořák", None, ("Antonín", "Dvořák", "")),
    ("Björn Þórsson", None, ("Björn", "Þórsson", "")),
    ("Oluwaseun Adébáyọ̀", None, ("Oluwaseun", "Adébáyọ̀", "")),
    ("Vigdís Finnbogadóttir", None, ("Vigdís", "Finnbogadóttir", "")),
    ("Leonardo da Vinci", None, ("Leonardo", "da Vinci", "")),
    ("Alexander von Humboldt", None, ("Alexander", "von Humboldt", "")),
    ("Charles de Gaulle", None, ("Charles", "de Gaulle", "")),
    ("Jean-Pierre Serre", None, ("Jean-Pierre", "Serre", "")),
    ("Marie Skłodowska-Curie", None, ("Marie", "Skłodowska-Curie", "")),
    ("Hervé Le Borgne", ("Hervé", "Le Borgne"), ("Hervé", "Le Borgne", "")),
    ("Adrià Puigdomènech Badia", ("Adrià", "Puigdomènech Badia"), ("Adrià", "Puigdomènech Badia", "")),
    ("Domínguez-Sánchez Helena", ("Helena", "Domínguez-Sánchez"), ("Helena", "Domínguez-Sánchez", "")),
    ("Scaife Anna M. M.", ("Anna M. M.", "Scaife"), ("Anna M. M.", "Scaife", "")),
    ("Tudor Dumitraş", None, ("Tudor", "Dumitraş", "")),
    ("Petar Veličković", None, ("Petar", "Veličković", "")),
    ("Mikołaj Bińkowski", None, ("Mikołaj", "Bińkowski", "")),
    ("محمد الخوارزمي", ("محمد", "الخوارزمي"), ("محمد", "الخوارزمي", "")),
    ("Martin Luther King Jr.", None, ("Martin Luther", "King", "Jr.")),
    ("Robert T. Jones Jr.", None, ("Robert T.", "Jones", "Jr.")),
    # Irish: Ó, Ní, Nic and Mac are part of the family name, capitals and all.
    ("Aoife Ní Bhriain", None, ("Aoife", "Ní Bhriain", "")),
    ("Seán Ó Ríordáin", None, ("Seán", "Ó Ríordáin", "")),
    ("Siobhán Nic Dhonnchadha", None, ("Siobhán", "Nic Dhonnchadha", "")),
    ("Eoin Mac Cárthaigh", None, ("Eoin", "Mac Cárthaigh", "")),
    # Spanish and Portuguese: two family names, and lower-case particles among them.
    ("Pedro Álvarez-Núñez", None, ("Pedro", "Álvarez-Núñez", "")),
    ("José Luis Rodríguez Zapatero", ("José Luis", "Rodríguez Zapatero"), ("José Luis", "Rodríguez Zapatero", "")),
    ("João Pedro dos Santos", None, ("João Pedro", "dos Santos", "")),
    ("Ana Lúcia Gonçalves da Silva", ("Ana Lúcia", "Gonçalves da Silva"), ("Ana Lúcia", "Gonçalves da Silva", "")),
    # Dutch: lower-case ter and ten.
    ("Bart ter Haar Romeny", ("Bart", "ter Haar Romeny"), ("Bart", "ter Haar Romeny", "")),
    ("Sanne ten Brink", None, ("Sanne", "ten Brink", "")),
    # Hungarian: family name first, so the record states the split.
    ("Erdős Pál", ("Pál", "Erdős"), ("Pál", "Erdős", "")),
    ("Lovász László", ("László", "Lovász"), ("László", "Lovász", "")),
    # Icelandic: the patronymic is cited as the family name.
    ("Jóhanna Sigurðardóttir", None, ("Jóhanna", "Sigurðardóttir", "")),
    # Korean and Chinese: family first in the native order, a Latin given name in the Western one.
    ("Kim Min-jun", ("Min-jun", "Kim"), ("Min-jun", "Kim", "")),
    ("김민준", ("민준", "김"), ("민준", "김", "")),
    ("Jackie Chen", None, ("Jackie", "Chen", "")),
    ("Zhang Xiaoming", ("Xiaoming", "Zhang"), ("Xiaoming", "Zhang", "")),
    ("Mirela Ćosić", None, ("Mirela", "Ćosić", "")),
    ("Dmitrijs Čerņavskis", None, ("Dmitrijs", "Čerņavskis", "")),
    ("Zoë Ångström", None, ("Zoë", "Ångström", "")),
    ("Hélène Dubois-Crété", None, ("Hélène", "Dubois-Crété", "")),
    ("Siân Llewellyn", None, ("Siân", "Llewellyn", "")),
    # Written in lower case, as some OpenReview profiles are: still a family name, not a particle.
    ("chuanwei ruan", None, ("chuanwei", "ruan", "")),
    ("Charles de la Vallée Poussin", ("Charles", "de la Vallée Poussin"), ("Charles", "de la Vallée Poussin", "")),
]

TITLES = [
    "Learning PDEs with Transformers",
    "Foundation Models for CO$_2$ Capture",
    "100% & More_Stuff #1 {braces}",
    "Costs of $\\mathcal{O}(n^{2})$ Attention",
    "Müller's Über-Model: A Study",
    "Back\\slash ~tilde^ caret",
    "Unbalanced {brace in a title",
    "BERT, GPT-4 and LLaMA-2 on ImageNet",
    "Dollar $5 and $10 without math",
    "王芳的标题 with Latin words",
    "Equivariant Transformers Learn Molecular Dynamics from 10^6 Trajectories",
    "Þórsson's Œuvre on Nguyễn's Lemma",
    "Models with {Braces} around {DNA} and {pH}",
    "Sparse $\\alpha_{i}$ Weights and $\\beta$",
]


def names_volume() -> Proceedings:
    """Every name of the table as an author (four to a paper), the papers titled from the title table."""
    people = [Person(name, given=explicit[0] if explicit else None, family=explicit[1] if explicit else None)
              for name, explicit, _ in NAMES]
    papers = [Paper(f"p{index}", TITLES[index % len(TITLES)], tuple(people[start:start + 4]), "Abstract.", "full")
              for index, start in enumerate(range(0, len(people), 4))]
    workshop = Workshop("ws", "Workshop", "Workshop on Foundation Models for Science", "ICLR 2026", dt.date(2026, 4, 27),
                        "Rio de Janeiro, Brazil", "America/Sao_Paulo", "https://example.org/ws", True, (Track("full", "Full"),))
    return Proceedings(workshop, tuple(papers))

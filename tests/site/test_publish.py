"""Publishing: the 404 page, the offline zip, and pushing the site to a gh-pages branch."""

from __future__ import annotations

import os
import subprocess
import threading
import zipfile

import pytest

from proceedings.cli import main
from proceedings.site.publish import publish
from proceedings.site.sitezip import SITE_ZIP
from proceedings.util.files import replacing

from conftest import SITE_URL, write_project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = write_project(tmp_path_factory.mktemp("publish") / "project")
    assert main(["build", str(root)]) == 0
    return root


def test_404_page_links_absolutely(built):
    page = (built / "_build/html/404.html").read_text("utf-8")
    assert f'href="{SITE_URL}"' in page and f'href="{SITE_URL}search.html"' in page


def test_site_zip_holds_the_site(built):
    with zipfile.ZipFile(built / "_build/html/proceedings-site.zip") as archive:
        names = set(archive.namelist())
    assert {"proceedings-site/index.html", "proceedings-site/book/papers/paper-one.html",
            "proceedings-site/book/papers/paper-one.pdf", "proceedings-site/proceedings.pdf"} <= names
    assert not any(name.endswith("proceedings-site.zip") for name in names)


def test_publish_to_a_bare_repository(built, tmp_path, monkeypatch):
    for name, value in (("GIT_AUTHOR_NAME", "Test"), ("GIT_AUTHOR_EMAIL", "test@example.org"),
                        ("GIT_COMMITTER_NAME", "Test"), ("GIT_COMMITTER_EMAIL", "test@example.org")):
        monkeypatch.setenv(name, value)
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--bare", "-q", str(bare)], check=True)
    subprocess.run(["git", "init", "-q"], cwd=built, check=True)
    subprocess.run(["git", "remote", "add", "origin", str(bare)], cwd=built, check=True)
    assert main(["publish", "--with-examples", str(built)]) == 0  # its example.org URL is a test's
    files = subprocess.run(["git", "--git-dir", str(bare), "ls-tree", "-r", "--name-only", "gh-pages"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert {".nojekyll", "index.html", "404.html", "book/papers/paper-one.html", "book/papers/paper-one.pdf"} <= set(files)


def test_publish_refuses_a_site_older_than_its_inputs(tmp_path, capsys):
    # A trial corrected a name, ran publish without a build: "The site is unchanged since it was last
    # published", exit 0, and the old name stayed online.
    root = write_project(tmp_path / "p")
    assert main(["build", str(root)]) == 0
    accepted, page = root / "papers/accepted.yml", root / "book/preface.md"
    accepted.touch()  # saved without a change: no change
    capsys.readouterr()
    publishing = ["publish", "--with-examples", "--remote", "nowhere", str(root)]
    assert main(publishing) == 1
    assert "changed since" not in capsys.readouterr().err  # refused for the missing remote only
    accepted.write_text(accepted.read_text("utf-8").replace("A Tiny Idea", "A Tiny Idea, corrected"), "utf-8")
    page.write_text("# Preface\n\nHello again.\n", "utf-8")
    assert main(publishing) == 1
    assert ("Not published: papers/accepted.yml, book/preface.md changed since the site was built. Build it first "
            f"(`proceedings build {root}`), or publish the site as it was built with --as-built.") in capsys.readouterr().err
    assert main([*publishing[:-1], "--as-built", str(root)]) == 1
    assert "changed since" not in capsys.readouterr().err
    assert main(["build", str(root)]) == 0
    assert main(publishing) == 1
    assert "changed since" not in capsys.readouterr().err


def test_scaffold_has_a_deploy_workflow(tmp_path):
    assert main(["new", str(tmp_path / "fresh")]) == 0
    workflow = (tmp_path / "fresh/.github/workflows/proceedings.yml").read_text()
    assert "proceedings build" in workflow and "deploy-pages" in workflow
    assert os.path.isfile(tmp_path / "fresh/.gitignore")


def _snapshot_files(snapshot) -> dict[str, bytes]:
    return {path.relative_to(snapshot).as_posix(): path.read_bytes() for path in snapshot.rglob("*") if path.is_file()}


def test_the_zip_is_published_last_once_it_is_written(tmp_path):
    """publish() stages the other files while another thread writes the zip (a temporary file beside
    it, then one rename): the snapshot never holds the temporary file, and holds the finished zip."""
    built, sites, link = tmp_path / "built", tmp_path / "sites", tmp_path / "html"
    (built / "book").mkdir(parents=True)
    (built / "index.html").write_text("one", "utf-8")
    (built / "book" / "page.html").write_text("page", "utf-8")
    (built / SITE_ZIP).write_bytes(b"old zip")
    first = publish(built, sites, link)
    assert _snapshot_files(first) == {"index.html": b"one", "book/page.html": b"page", SITE_ZIP: b"old zip"}

    # Other sizes than before: a size and a time the same would count as unchanged.
    (built / "index.html").write_text("second", "utf-8")
    page_inode = (first / "book" / "page.html").stat().st_ino
    started, finish = threading.Event(), threading.Event()

    def write_zip() -> None:
        with replacing(built / SITE_ZIP) as temporary:
            temporary.write_bytes(b"half")
            started.set()
            finish.wait()
            temporary.write_bytes(b"the new zip")
    writer = threading.Thread(target=write_zip)
    writer.start()
    started.wait()
    second = publish(built, sites, link, (SITE_ZIP,), lambda: (finish.set(), writer.join()))
    assert link.resolve() == second != first and first.exists()  # kept for whoever still reads it
    assert _snapshot_files(second) == {"index.html": b"second", "book/page.html": b"page", SITE_ZIP: b"the new zip"}
    # The unchanged page is a hard link to the previous snapshot's file.
    assert (second / "book" / "page.html").stat().st_ino == page_inode

    # Nothing changed: nothing is published. Only the zip changed: a new snapshot, made from the
    # first, whose zip (the only link to its bytes) is gone from the staging before the site is written.
    assert publish(built, sites, link, (SITE_ZIP,), lambda: None) == second
    with replacing(built / SITE_ZIP) as temporary:
        temporary.write_bytes(b"newer zip")
    staged_zips = []

    def site_written() -> None:
        staged_zips.extend(path.relative_to(sites).as_posix() for path in sites.glob(f".site-*.tmp/{SITE_ZIP}"))
    third = publish(built, sites, link, (SITE_ZIP,), lambda: None, written=site_written)
    assert third != second and _snapshot_files(third)[SITE_ZIP] == b"newer zip" and staged_zips == []
    assert sorted(sites.iterdir()) == sorted([second, third])  # the first was made into the third
    assert _snapshot_files(second)[SITE_ZIP] == b"the new zip"
    # Nothing changed again: the staging without its zip is taken by the next publish all the same.
    assert publish(built, sites, link, (SITE_ZIP,), lambda: None) == third
    with replacing(built / SITE_ZIP) as temporary:
        temporary.write_bytes(b"the newest zip")
    assert _snapshot_files(publish(built, sites, link, (SITE_ZIP,), lambda: None)) == {
        "index.html": b"second", "book/page.html": b"page", SITE_ZIP: b"the newest zip"}


def _write_files(folder, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, "utf-8")


def test_a_snapshot_is_made_from_the_one_before_the_published_one(tmp_path):
    """The snapshot before the published one stays until the next publish, which changes it into
    the new one: what is unchanged stays as it is (the same files), what is gone goes with the
    folders it leaves empty, and a file may take a folder's place. The published snapshot is
    never touched, and leftovers (another old snapshot, a staging stopped half-way) go."""
    built, sites, link = tmp_path / "built", tmp_path / "sites", tmp_path / "html"
    _write_files(built, {"a.html": "one", "b.html": "b", "c/d/e.html": "e", "gone.html": "gone"})
    first = publish(built, sites, link)
    b_inode = (first / "b.html").stat().st_ino
    (built / "a.html").write_text("second", "utf-8")
    second = publish(built, sites, link)
    assert sorted(sites.iterdir()) == sorted([first, second])  # kept for whoever still reads it
    (built / "a.html").write_text("the third", "utf-8")
    (built / "gone.html").unlink()
    (built / "c/d/e.html").unlink()
    (built / "c/d").rmdir()
    (built / "c").rmdir()
    _write_files(built, {"c": "a file where a folder was", "new/f.html": "f"})
    first_folder = first.stat().st_ino
    third = publish(built, sites, link)
    assert sorted(sites.iterdir()) == sorted([second, third]) and link.resolve() == third
    assert third.stat().st_ino == first_folder and (third / "b.html").stat().st_ino == b_inode
    assert _snapshot_files(third) == {"a.html": b"the third", "b.html": b"b", "c": b"a file where a folder was",
                                      "new/f.html": b"f"}
    assert sorted(path.relative_to(third).as_posix() for path in third.rglob("*")) == ["a.html", "b.html", "c", "new",
                                                                                       "new/f.html"]
    assert _snapshot_files(second) == {"a.html": b"second", "b.html": b"b", "c/d/e.html": b"e", "gone.html": b"gone"}

    # A staging that a killed build left half-changed, and an older snapshot: the newest snapshot
    # but the published one is used, whatever its files hold, and the others go.
    (sites / ".site-1.tmp").mkdir()
    _write_files(sites / ".site-1.tmp", {"a.html": "half"})
    older = sites / "site-1"
    _write_files(older, {"a.html": "old"})
    (second / "b.html").unlink()
    (second / "a.html").write_text("a hand edit", "utf-8")
    _write_files(built, {"b.html": "b, changed"})
    fourth = publish(built, sites, link)
    assert sorted(sites.iterdir()) == sorted([third, fourth])
    assert _snapshot_files(fourth) == {"a.html": b"the third", "b.html": b"b, changed", "c": b"a file where a folder was",
                                       "new/f.html": b"f"}


def test_a_failed_late_file_publishes_nothing(tmp_path):
    """When what ``ready()`` waits for fails, the files staged meanwhile are removed and the link
    keeps the last snapshot."""
    built, sites, link = tmp_path / "built", tmp_path / "sites", tmp_path / "html"
    (built / "pagefind").mkdir(parents=True)
    (built / "index.html").write_text("one", "utf-8")
    first = publish(built, sites, link, ("pagefind/",))
    (built / "index.html").write_text("second", "utf-8")
    staged = []

    def failed_index():
        staged.extend(path.name for path in sites.glob(".site-*.tmp"))
        raise RuntimeError("Pagefind failed")
    with pytest.raises(RuntimeError):
        publish(built, sites, link, ("pagefind/",), failed_index)
    assert staged, "the other files were being staged while the index was made"
    assert link.resolve() == first and [path.name for path in sites.iterdir()] == [first.name]
    assert (link / "index.html").read_text("utf-8") == "one"


def test_a_build_found_failed_as_the_snapshot_waits_for_the_site_leaves_no_staging(tmp_path):
    """A fresh clone's run of the suite: Pagefind failing fast was known before the snapshot's thread
    woke from waiting for Sphinx, and the staging it had recycled stayed, half-made."""
    built, sites, link = tmp_path / "built", tmp_path / "sites", tmp_path / "html"
    _write_files(built, {"index.html": "one"})
    first = publish(built, sites, link)
    _write_files(built, {"index.html": "second"})
    second = publish(built, sites, link)
    _write_files(built, {"index.html": "third"})

    def failed() -> None:
        assert [path.name for path in sites.glob(".site-*.tmp")]  # the snapshot before, recycled
        raise RuntimeError("the search index was not made")
    with pytest.raises(RuntimeError):
        publish(built, sites, link, written=failed)
    assert link.resolve() == second and [path.name for path in sites.iterdir()] == [second.name] and first != second


def test_files_only_ever_replaced_whole_are_linked_and_the_others_copied(tmp_path):
    built, sites, link = tmp_path / "built", tmp_path / "sites", tmp_path / "html"
    for name in ("index.html", "book/paper.pdf", "pagefind/pagefind.js", SITE_ZIP):
        (built / name).parent.mkdir(parents=True, exist_ok=True)
        (built / name).write_text(f"first {name}")
    snapshot = publish(built, sites, link, whole=lambda: {"book/paper.pdf", SITE_ZIP, "pagefind/"})
    inode = {name: ((built / name).stat().st_ino, (snapshot / name).stat().st_ino)
             for name in ("index.html", "book/paper.pdf", "pagefind/pagefind.js", SITE_ZIP)}
    assert [name for name, (made, staged) in inode.items() if made == staged] == ["book/paper.pdf", "pagefind/pagefind.js",
                                                                                   SITE_ZIP]
    # The next build replaces those whole and rewrites Sphinx's page in place: the published site holds.
    for name in ("book/paper.pdf", "pagefind/pagefind.js", SITE_ZIP):
        with replacing(built / name) as temporary:
            temporary.write_text(f"second {name}")
    with (built / "index.html").open("w") as page:
        page.write("second index.html")
    assert {name: text.decode() for name, text in _snapshot_files(snapshot).items()} == {
        name: f"first {name}" for name in ("index.html", "book/paper.pdf", "pagefind/pagefind.js", SITE_ZIP)}
    second = publish(built, sites, link, whole=lambda: {"book/paper.pdf", SITE_ZIP, "pagefind/"})
    assert {name: text.decode() for name, text in _snapshot_files(second).items()} == {
        name: f"second {name}" for name in ("index.html", "book/paper.pdf", "pagefind/pagefind.js", SITE_ZIP)}


def test_the_linked_snapshot_stays_when_the_build_folder_is_reached_through_a_link(tmp_path):
    """``_build`` may be a link to another disk: the snapshot the site links to is recognised
    through it, and only the one before it is made into the next."""
    (tmp_path / "scratch").mkdir()
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "_build").symlink_to(tmp_path / "scratch")
    built, sites, link = tmp_path / "built", tmp_path / "project" / "_build" / "sites", tmp_path / "project" / "_build" / "html"
    built.mkdir()
    (built / "index.html").write_text("one", "utf-8")
    first = publish(built, sites, link)
    (built / "index.html").write_text("second", "utf-8")
    second = publish(built, sites, link)
    (built / "index.html").write_text("the third", "utf-8")
    third = publish(built, sites, link)
    assert sorted(path.name for path in sites.iterdir()) == sorted([second.name, third.name])
    assert first.name not in {second.name, third.name}
    assert (link / "index.html").read_text("utf-8") == "the third" and (second / "index.html").read_text("utf-8") == "second"


def test_a_snapshot_changed_by_hand_is_never_written_through_and_gives_the_built_files(tmp_path):
    """The snapshot before the published one is made into the next: a folder put where the site has
    a file, or a link put in it to a folder elsewhere (through which the staging would write there),
    is not followed: the snapshot holds the built files, and the folder elsewhere is untouched."""
    built, sites, link = tmp_path / "built", tmp_path / "sites", tmp_path / "html"
    _write_files(built, {"index.html": "one", "book/a.html": "a", "book/b.html": "b"})
    first = publish(built, sites, link)
    (built / "index.html").write_text("second", "utf-8")
    second = publish(built, sites, link)
    (first / "index.html").unlink()
    (first / "index.html").mkdir()  # as a trial did: an empty folder where the page was
    (built / "book/a.html").write_text("a, changed", "utf-8")
    third = publish(built, sites, link)
    assert _snapshot_files(third) == {"index.html": b"second", "book/a.html": b"a, changed", "book/b.html": b"b"}
    elsewhere = tmp_path / "elsewhere"
    _write_files(elsewhere, {"a.html": "not the site's"})
    for path in sorted((second / "book").iterdir()):
        path.unlink()
    (second / "book").rmdir()
    (second / "book").symlink_to(elsewhere, target_is_directory=True)
    (built / "book/b.html").write_text("b, changed", "utf-8")
    fourth = publish(built, sites, link)
    assert _snapshot_files(fourth) == {"index.html": b"second", "book/a.html": b"a, changed", "book/b.html": b"b, changed"}
    assert not (fourth / "book").is_symlink()
    assert sorted(path.name for path in elsewhere.iterdir()) == ["a.html"]
    assert (elsewhere / "a.html").read_text("utf-8") == "not the site's"

    # A review's case: the snapshot before holds folders alone, one where the site has a page.
    for path in sorted(third.rglob("*"), key=lambda path: -len(path.parts)):
        path.rmdir() if path.is_dir() else path.unlink()
    (third / "index.html").mkdir()
    (built / "index.html").write_text("the fifth", "utf-8")
    fifth = publish(built, sites, link)
    assert _snapshot_files(fifth) == {"index.html": b"the fifth", "book/a.html": b"a, changed", "book/b.html": b"b, changed"}

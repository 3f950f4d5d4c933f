"""Publishing: the 404 page, the offline zip, and pushing the site to a gh-pages branch."""

from __future__ import annotations

import os
import subprocess
import zipfile

import pytest

from proceedings.cli import main

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


def test_scaffold_has_a_deploy_workflow(tmp_path):
    assert main(["new", str(tmp_path / "fresh")]) == 0
    workflow = (tmp_path / "fresh/.github/workflows/proceedings.yml").read_text()
    assert "proceedings build" in workflow and "deploy-pages" in workflow
    assert os.path.isfile(tmp_path / "fresh/.gitignore")

"""The digest of the software every output is also made from."""

from __future__ import annotations

import sys

from proceedings.util.software import installed_version, installed_versions, requirements, software_digest


def test_the_digest_follows_the_installed_distributions_not_the_order_of_the_path(tmp_path, monkeypatch):
    digest = software_digest.__wrapped__
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "alpha-1.0.dist-info").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "beta-2.0.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path / "one"), str(tmp_path / "two")])
    first = digest()
    # The same folders in another order, one of them twice (PYTHONPATH and an editable install's path).
    monkeypatch.setattr(sys, "path", [str(tmp_path / "two"), str(tmp_path / "one"), str(tmp_path / "two")])
    assert digest() == first
    (tmp_path / "two" / "beta-2.0.dist-info").rename(tmp_path / "two" / "beta-2.1.dist-info")
    assert digest() != first


def test_versions_are_those_importlib_metadata_reads_of_every_installed_distribution():
    from importlib import metadata

    names = sorted({distribution.metadata["Name"] for distribution in metadata.distributions()})
    assert len(names) > 50
    assert installed_versions(names) == {name: metadata.version(name) for name in names}
    assert requirements("workshop-proceedings-archive") == metadata.requires("workshop-proceedings-archive")
    assert installed_version("no-such-distribution") is None


def test_the_first_distribution_on_the_path_is_the_one_imports_find(tmp_path, monkeypatch):
    for folder, name in (("one", "Sphinx_Design-0.6.1.dist-info"), ("two", "sphinx_design-0.8.0.dist-info"),
                         ("two", "old_tool.egg-info")):
        (tmp_path / folder / name).mkdir(parents=True)
    (tmp_path / "one" / "Sphinx_Design-0.6.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: Sphinx_Design\nVersion: 0.6.1\nRequires-Dist: sphinx>=6\n"
        "Requires-Dist: furo; extra == 'theme'\n\nRequires-Dist: not a header, the description\n")
    (tmp_path / "two" / "old_tool.egg-info" / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: old-tool\nVersion: 1.2\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "one"), str(tmp_path / "two")])
    assert installed_versions(["sphinx-design", "sphinx.design", "pyyaml", "old-tool"]) == {
        "sphinx-design": "0.6.1", "sphinx.design": "0.6.1", "pyyaml": None, "old-tool": "1.2"}
    assert requirements("sphinx-design") == ["sphinx>=6", "furo; extra == 'theme'"]

"""The digest of the software every output is also made from."""

from __future__ import annotations

import sys

from proceedings.util.software import software_digest


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

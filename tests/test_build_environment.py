"""``mulu build`` leaves the process environment as it found it, so that the next build in
the same process (``mkdocs serve`` rebuilds, ``mulu serve``) takes its own data date."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers.git import commit, init_repo
from mulu.commands.build import build_site
from mulu.project import open_project


def test_each_build_in_one_process_gets_its_own_date(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    init_repo(project, "导入", "2024-01-10")
    first = build_site(project, open_project(project), project / "site-1", search=False)
    assert first.ok, first.error
    assert "SOURCE_DATE_EPOCH" not in os.environ
    (project / "docs" / "about.md").write_text("# 关于\n\n改过。\n", encoding="utf-8")
    commit(project, "改关于页", "2025-06-01")
    second = build_site(project, open_project(project), project / "site-2", search=False)
    assert second.ok, second.error
    lastmod = [(project / f"site-{n}" / "sitemap.xml").read_text(encoding="utf-8") for n in (1, 2)]
    assert "<lastmod>2024-01-10</lastmod>" in lastmod[0]
    assert "<lastmod>2025-06-01</lastmod>" in lastmod[1] and "2024-01-10" not in lastmod[1]

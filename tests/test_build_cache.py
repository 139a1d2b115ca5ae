"""Issue 16 item 5: ``mulu build`` validates with the validation cache (only what changed is
checked again) and must see exactly the problems and the registry of a full validation;
a cache tracked by git is not trusted."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.git import commit, git, init_repo
from helpers.project import run_mulu
from mulu.core import incremental
from mulu.core.incremental import CACHE_DIR, ProblemCache, Stats, blob_id
from mulu.project import Opened, open_project


def _git_project(project: Path) -> Path:
    (project / ".gitignore").write_text("/.mulu-cache/\n/site/\n", encoding="utf-8")
    return init_repo(project)


def _records(opened: Opened) -> dict[str, dict[str, tuple[str, object]]]:
    assert opened.registry is not None
    return {kind: {i: (r.file, r.data) for i, r in by_id.items()} for kind, by_id in opened.registry.records.items()}


def _assert_same(root: Path, step: str) -> Stats:
    full = open_project(root)
    stats = Stats()
    before = incremental.check_tree

    def counted(*args: object, **kwargs: object) -> object:
        return before(*args, stats=stats, **{k: v for k, v in kwargs.items() if k != "stats"})  # type: ignore[arg-type]

    incremental.check_tree = counted  # type: ignore[assignment]
    try:
        cached = open_project(root, cache=ProblemCache(root))
    finally:
        incremental.check_tree = before
    assert cached.problems == full.problems, step
    assert cached.warnings == full.warnings, step
    assert (cached.registry is None) == (full.registry is None), step
    if full.registry is not None:
        assert _records(cached) == _records(full), step
    return stats


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _programme(root: Path) -> Path:
    return root / "registry" / "programmes" / "hb-4-03-02-02.yml"


def _referenced_institution(root: Path) -> Path:
    """An institution that untouched bases and trainers name (deleting it breaks their references)."""
    path = root / "registry" / "institutions" / "121304004021035719.yml"
    assert path.stem in (root / "registry" / "bases" / "hb-base-2023-02.yml").read_text(encoding="utf-8")
    return path


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("subsidy changed", lambda root: _replace(_programme(root), "subsidy: 800", "subsidy: 8000")),
    ("subsidy broken", lambda root: _replace(_programme(root), "subsidy: 8000", "subsidy: 很多")),
    ("YAML syntax", lambda root: (root / "registry" / "specs" / "broken.yml").write_text("a: [b\n", encoding="utf-8")),
    ("referenced record deleted", lambda root: _referenced_institution(root).unlink()),
    ("duplicate id", lambda root: (root / "registry" / "programmes" / "HB-4-03-02-02.yml").write_text(
        re.sub(r"(?m)^id: .*$", "id: HB-4-03-02-02", _programme(root).read_text(encoding="utf-8"), count=1),
        encoding="utf-8")),
    ("notice date moved", lambda root: [_replace(p, "\ndate: 20", "\ndate: 19") for p in
                                        sorted((root / "registry" / "notices").glob("*.yml"))[:1]]),
    ("all reverted", lambda root: (git(root, "checkout", "-q", "--", "."), git(root, "clean", "-qfd", "registry"))),
]


@pytest.mark.parametrize("parallel_from", [incremental.PARALLEL_FROM, 1])
def test_build_validation_with_the_cache_equals_a_full_one(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                          parallel_from: int) -> None:
    """Edits applied one after another, each check starting from the cache the previous left;
    ``parallel_from`` 1 parses and checks in two processes, as at 2,000 records and more."""
    monkeypatch.setattr(incremental, "PARALLEL_FROM", parallel_from)
    monkeypatch.setenv("MULU_JOBS", "2")
    root = _git_project(project)
    cold = _assert_same(root, "cold cache")
    assert cold.cached == 0 and cold.checked > 50
    warm = _assert_same(root, "warm cache")
    assert warm.checked == 0 and warm.cached == cold.checked
    for step, edit in EDITS:
        edit(root)
        _assert_same(root, step)


def _forge(root: Path, path: Path) -> None:
    """Hand the cache a result 'no problems, reads nothing' for the current text of ``path``."""
    rel = path.relative_to(root).as_posix()
    key = ProblemCache.key(rel, blob_id(path.read_bytes()))
    for cache_file in (root / CACHE_DIR).glob("*.json"):
        data = json.loads(cache_file.read_text(encoding="utf-8"))
        data["entries"][key] = [[], []]
        cache_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_build_uses_the_cache_but_not_one_the_repository_tracks(project: Path) -> None:
    root = _git_project(project)
    first = run_mulu("build", "--no-search", cwd=root)
    assert first.code == 0, first.err
    assert list((root / CACHE_DIR).glob("*.json")), "the build leaves its validation results for the next one"
    path = _programme(root)
    _replace(path, "subsidy: 800", "subsidy: 很多")
    _forge(root, path)
    # An untracked cache is this machine's own: the build trusts it (that is what makes it fast).
    trusted = run_mulu("build", "--no-search", cwd=root)
    assert trusted.code == 0, trusted.err
    # Committed to the repository (as a merge request could), it is not trusted: the full
    # check finds the problem it hides and the site is not published.
    (root / ".gitignore").write_text("/site/\n", encoding="utf-8")
    commit(root, "缓存")
    refused = run_mulu("build", "--no-search", cwd=root)
    assert refused.code == 1
    assert "不使用该缓存" in refused.err and ".mulu-cache" in refused.err
    assert "hb-4-03-02-02.yml" in refused.out and "subsidy" in refused.out

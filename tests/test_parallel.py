"""Issue 16 item 5: a build uses both cores (part of the render and half of the stamping in
a forked process) and publishes exactly the same site as a build in one process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.project import REPO, Result, copy_project, run_mulu
from mulu.core import parallel
from mulu.core.registry import Registry
from mulu.errors import MuluError, SiteError
from mulu.project import open_project
from mulu.site import render as render_module
from mulu.site.context import build_context
from mulu.site.model import DataFile, Page, SiteContext
from mulu.site.providers import BACKGROUND, FINISHERS, PROVIDERS
from mulu.site.render import render


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def phases(result: Result) -> dict[str, dict[str, object]]:
    return {d["phase"]: d for d in (json.loads(line.split(" ", 1)[1]) for line in result.out.splitlines()
                                    if line.startswith("mulu-phase "))}


def synth_project(dest: Path, records: int) -> Path:
    result = run_mulu("synth", str(dest), "-n", str(records), cwd=REPO)
    assert result.code == 0, result.out + result.err
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    for name in ("site_overrides", "docs"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("dev"))
    return dest


def build(project: Path, out: Path, jobs: int, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.setenv("MULU_JOBS", str(jobs))
    monkeypatch.setenv("MULU_PHASES", "1")
    result = run_mulu("build", "--no-search", "--out", str(out), cwd=project)
    assert result.code == 0, result.out + result.err
    return result


@pytest.mark.parametrize("records", [0, 600])
def test_two_processes_publish_the_same_site_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    records: int) -> None:
    """The sample registry, and a synthetic one of 600 records of every kind."""
    project = synth_project(tmp_path / "synth", records) if records else copy_project(tmp_path / "project")
    one = build(project, tmp_path / "one", 1, monkeypatch)
    two = build(project, tmp_path / "two", 2, monkeypatch)
    # One build forked nothing; the other forked once to render and once to stamp.
    assert phases(one)["stamp"]["forks"] == 0
    assert phases(two)["render"]["forks"] == 1 and phases(two)["stamp"]["forks"] == 2
    serial, forked = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert sorted(serial) == sorted(forked)
    assert [name for name in serial if serial[name] != forked[name]] == []
    assert len([n for n in serial if n.endswith("index.html")]) > (records or 50)


def opened_sample(project: Path) -> tuple[Registry, SiteContext]:
    opened = open_project(project)
    assert opened.registry is not None
    return opened.registry, build_context(opened.registry, project)


# The checks below fork, which mulu refuses in a process running other threads (can_fork), and
# a test worker may still run threads of earlier tests (the browser tests' web servers). So each
# runs in a new interpreter: this file run as a script (see the end), given the sample project.

def check_child_comes_back_in_provider_order(project: Path) -> None:
    registry, ctx = opened_sample(project)
    os.environ["MULU_JOBS"] = "1"
    serial = render(registry, ctx, PROVIDERS, FINISHERS)
    os.environ["MULU_JOBS"] = "2"
    before = parallel.forks()
    forked = render(registry, ctx, PROVIDERS, FINISHERS, background=BACKGROUND)
    assert parallel.forks() == before + 1
    assert forked.pages == serial.pages
    assert [f.path for f in forked.files] == [f.path for f in serial.files]
    assert forked.files == serial.files


def check_failure_in_child_reaches_the_user(project: Path) -> None:
    registry, ctx = opened_sample(project)
    assert render_module.can_fork()

    def broken(registry: Registry, ctx: SiteContext) -> list[Page | DataFile]:
        raise SiteError("示例错误：某个数据文件无法生成，请检查配置。")

    def same_path(registry: Registry, ctx: SiteContext) -> list[Page | DataFile]:
        return [DataFile("api/v1/index.json", b"{}")]

    before = parallel.forks()
    with pytest.raises(SiteError, match="示例错误：某个数据文件无法生成"):
        render(registry, ctx, [*PROVIDERS, broken], background={broken})
    # Two providers at one path are refused even when one of them ran in the child.
    with pytest.raises(SiteError, match="都生成了 api/v1/index.json"):
        render(registry, ctx, [*PROVIDERS, same_path], background={same_path})
    assert parallel.forks() == before + 2


def check_child_that_dies_is_reported(project: Path) -> None:
    assert render_module.can_fork()

    def dies() -> int:
        os._exit(3)

    with pytest.raises(MuluError, match="并行子进程意外退出（退出码 3"):
        parallel.Forked(dies).result()
    assert parallel.Forked(lambda: [1, "二"]).result() == [1, "二"]


CHECKS = {f.__name__: f for f in (check_child_comes_back_in_provider_order, check_failure_in_child_reaches_the_user,
                                   check_child_that_dies_is_reported)}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_forked_render_in_a_process_of_its_own(tmp_path: Path, check: str) -> None:
    project = copy_project(tmp_path / "project")
    proc = subprocess.run([sys.executable, __file__, check, str(project)], capture_output=True, text=True,
                          env={**os.environ, "MULU_JOBS": "2"}, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1:] == [f"{check}: ok"]


def test_relative_links_are_those_of_posixpath() -> None:
    """mulu.site.model.relative computes links without posixpath.relpath (a render hotspot):
    for every pair of paths it gives what relpath gave."""
    import posixpath
    import random

    from mulu.site.model import relative

    def before(from_path: str, to_path: str) -> str:
        base = from_path if from_path.endswith("/") or not from_path else posixpath.dirname(from_path) + "/"
        rel = posixpath.relpath("/" + to_path, "/" + base) if to_path.strip("/") else posixpath.relpath("/", "/" + base)
        if (to_path.endswith("/") or not to_path) and not rel.endswith("/"):
            rel += "/"
        return "./" if rel in (".", "./") else rel

    parts = ["a", "b", "institutions", "", ".", "..", "x.json", "index.html", "机构", "a b"]
    pick = random.Random(16)
    for _ in range(20_000):
        a, b = ("/".join(pick.choice(parts) for _ in range(pick.randint(0, 4))).lstrip("/") for _ in range(2))
        assert relative(a, b) == before(a, b), (a, b)


def test_spreadsheet_column_widths_count_wide_characters_twice() -> None:
    import io

    import pandas as pd
    from openpyxl import load_workbook

    from mulu.sheets.tables import frame_xlsx

    frame = pd.DataFrame([["abc", "职业技能培训机构名称", None], ["a" * 100, "⺀⺁", "x"]],
                         columns=["代码", "名称", "备注"], dtype=object)
    sheet = load_workbook(io.BytesIO(frame_xlsx(frame, "表"))).active
    widths = [sheet.column_dimensions[c].width for c in "ABC"]
    # 代码: capped at 60; 名称: 10 wide characters = 20 columns + 2; 备注: its own 2 wide characters.
    assert widths == [60, 22, 6]


def test_search_shards_are_cut_by_bytes_as_well_as_pages() -> None:
    """Pagefind's memory follows the text it indexes: a shard also ends at a byte budget."""
    from mulu.site.output import shards

    sizes = {"a": 40, "b": 40, "c": 30, "d": 100, "e": 1, "f": 1, "g": 1}
    pages = sorted(sizes)
    assert shards(pages, 10, 80, sizes.__getitem__) == [["a", "b"], ["c"], ["d"], ["e", "f", "g"]]
    assert shards(pages, 2, 80, sizes.__getitem__) == [["a", "b"], ["c"], ["d"], ["e", "f"], ["g"]]
    assert shards(pages, 3) == [["a", "b", "c"], ["d", "e", "f"], ["g"]]
    assert all(sum(sizes[p] for p in part) <= 80 or len(part) == 1 for part in shards(pages, 10, 80, sizes.__getitem__))


if __name__ == "__main__":   # run by test_forked_render_in_a_process_of_its_own
    CHECKS[sys.argv[1]](Path(sys.argv[2]))
    print(f"{sys.argv[1]}: ok")

"""Benchmark: registry history over a long first-parent chain on a large synthetic registry.

Usage: python benchmarks/bench_history.py [RECORDS [COMMITS]]   (default 10000 records, 500 commits)

Makes a synthetic registry (`mulu synth`), commits it, then scripts COMMITS - 1 further
commits (written with one `git fast-import`, so set-up stays quick) that each change a few
records: a subsidy, a suspension under a new notice, a withdrawal, an address correction.
Prints the time of the first history computation (every commit diffed and parsed), of a
cached rebuild (target: < 2 s), of grouping into changelog entries and record timelines,
and of rendering the changelog provider (page, feeds, changes.json).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "generator"))

from mulu.core.loading import parse_text  # noqa: E402
from mulu.history.log import CACHE_DIR, load_history  # noqa: E402

ENV = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


def dump(data: dict) -> bytes:
    return yaml.dump(data, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8")


def _blob(stream: list[bytes], path: str, content: bytes) -> None:
    stream.append(f"M 100644 inline {path}\ndata {len(content)}\n".encode() + content + b"\n")


def _commit(stream: list[bytes], index: int, message: str) -> None:
    """A commit on main; within one fast-import stream it continues from the branch tip."""
    stamp = 1767225600 + index * 86400
    msg = message.encode()
    stream.append(f"commit refs/heads/main\ncommitter 审核员 <r@example.invalid> {stamp} +0800\n"
                  f"data {len(msg)}\n".encode() + msg + b"\n")


def script(project: Path, commits: int, seed: int = 1) -> None:
    """Commit the synthetic registry, then ``commits - 1`` small adjustments, via fast-import."""
    rng = random.Random(seed)
    files = sorted(p.relative_to(project).as_posix() for p in (project / "registry").rglob("*") if p.is_file())
    files += sorted(p.relative_to(project).as_posix() for p in (project / "schemas").glob("*.json"))
    stream: list[bytes] = []
    _commit(stream, 0, "导入合成目录")
    for path in files:
        _blob(stream, path, (project / path).read_bytes())
    by_kind = {kind: sorted(p for p in files if p.startswith(f"registry/{kind}/"))
               for kind in ("programmes", "institutions", "studios", "bases")}
    current: dict[str, dict] = {}

    def data(path: str) -> dict:
        if path not in current:
            doc, _ = parse_text((project / path).read_text(encoding="utf-8"), path)
            current[path] = doc.data  # type: ignore[union-attr]
        return current[path]

    for i in range(1, commits):
        _commit(stream, i, f"调整第 {i} 批")
        notice_id = f"bench-n{i:04d}"
        date = time.strftime("%Y-%m-%d", time.gmtime(1767225600 + i * 86400))
        if i % 2 == 0:   # half the commits carry out a notice
            notice = {"id": notice_id, "name": f"关于第{i}批调整的通知", "region": "230000",
                      "number": f"基准人社〔2026〕{i}号", "issuer": "基准市人力资源和社会保障局", "date": date,
                      "summary": f"第{i}批调整。", "maintainers": ["hrss-admin"]}
            _blob(stream, f"registry/notices/{notice_id}.yml", dump(notice))
        prog_path = rng.choice(by_kind["programmes"])
        prog = data(prog_path)
        level = rng.randrange(len(prog["levels"]))
        prog["levels"][level]["subsidy"] += 100
        prog["levels"][level]["hours"] += 8
        inst_path = rng.choice(by_kind["institutions"])
        inst = data(inst_path)
        if i % 2 == 0 and inst["status"] == "在册":
            inst["status"] = "暂停"
            inst["status_change"] = {"date": date, "notice": notice_id, "reason": "年度评估不合格"}
        else:
            inst["address"] = f"{inst['address']}（更正{i}）"
        other_path = rng.choice(by_kind["studios"] + by_kind["bases"])
        other = data(other_path)
        if i % 5 == 0 and other["status"] == "在册" and i % 2 == 0:
            other["status"] = "已移出"
            other["status_change"] = {"date": date, "notice": notice_id, "reason": "期满考核不合格"}
        else:
            other["name"] = other["name"] + "·"
        for path in dict.fromkeys((prog_path, inst_path, other_path)):
            _blob(stream, path, dump(current[path]))
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True, env={**ENV, "PATH": _path()})
    subprocess.run(["git", "fast-import", "--quiet"], cwd=project, input=b"".join(stream), check=True,
                   env={**ENV, "PATH": _path()})


def _path() -> str:
    import os
    return os.environ.get("PATH", "/usr/bin:/bin")


def timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"{label:<46} {time.perf_counter() - start:7.2f} s")
    return result


def main(records: int, commits: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="mulu-bench-history-"))
    project = work / "project"
    subprocess.run([sys.executable, "-m", "mulu", "synth", str(project), "-n", str(records)], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    script(project, commits)
    print(f"set-up: {records} records, {commits} commits (fast-import) in {time.perf_counter() - start:.1f} s")
    shutil.rmtree(project / CACHE_DIR, ignore_errors=True)
    first = timed("history, first computation (no cache)", load_history, project)
    assert first.available and len(first.steps) == commits, first.note
    cached = timed("history, cached rebuild", load_history, project)
    assert [s.sha for s in cached.steps] == [s.sha for s in first.steps]
    adjustments = timed("grouping into changelog entries", cached.adjustments)
    timed("record timelines index", cached.timeline, "programmes", "syn-p000000")
    changes = sum(len(s.changes) for s in cached.steps)
    print(f"steps {len(cached.steps)}, record changes {changes}, changelog entries {len(adjustments)}")
    size = sum(p.stat().st_size for p in (project / CACHE_DIR).glob("*.json"))
    print(f"cache: {len(list((project / CACHE_DIR).glob('*.json')))} files, {size / 1e6:.1f} MB")

    from mulu.project import open_project
    from mulu.site.changelog import changelog_provider
    from mulu.site.model import SiteContext

    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=project, check=True, env={**ENV, "PATH": _path()})
    registry = open_project(project).registry
    assert registry is not None
    ctx = SiteContext(generated_at="2025-01-01T00:00:00+08:00", extras={"history": cached})
    outputs = timed("changelog provider (page, feeds, changes.json)", lambda: list(changelog_provider(registry, ctx)))
    for item in outputs:
        size = len(getattr(item, "html", "").encode()) if hasattr(item, "html") else len(item.content)
        if item.path in ("changes/", "api/v1/changes.json", "feeds/all.atom"):
            print(f"  {item.path:<24} {size / 1e6:6.2f} MB")
    shutil.rmtree(work)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*(args + [10_000, 500][len(args):]))

"""``mulu serve`` updates the site in place after an edit of records (issue 16 item 3): the
result is byte for byte the site a full ``mulu build`` of the same files makes, Pagefind
shards included; an edit with problems leaves the served site as it was."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from mulu.commands.serve import Preview, record_files

STUDIO = "hb-studio-2023-01"


def tree(site: Path) -> dict[str, str]:
    """Every file of a site (relative path -> sha256), directories left out."""
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def empty_dirs(site: Path) -> list[str]:
    return [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir() and not any(p.iterdir())]


def assert_same_as_full_build(project: Path, site: Path, mulu, tmp_path: Path, name: str) -> None:
    fresh = tmp_path / f"full-{name}"
    result = mulu("build", "--out", str(fresh), cwd=project)
    assert result.code == 0, result.out + result.err
    got, want = tree(site), tree(fresh)
    assert sorted(got.keys() - want.keys()) == [] and sorted(want.keys() - got.keys()) == [], name
    differing = sorted(k for k in got if got[k] != want[k])
    assert differing == [], f"{name}: {differing[:10]}"
    assert empty_dirs(site) == empty_dirs(fresh) == []


def edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    new = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert new != text, pattern
    path.write_text(new, encoding="utf-8")


def test_updates_in_place_equal_a_full_build_after_each_kind_of_edit(project: Path, mulu, tmp_path: Path, capsys):
    # Small Pagefind shards, so that the sample site has several and an edit re-indexes some only;
    # the byte limit is what cuts them (as at 10,000 records), the page limit only backs it up.
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"^  - mulu\b.*$", "  - mulu:\n      search_shard_pages: 150\n      search_shard_mb: 1",
                             config.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    assert "search_shard_pages: 150" in config.read_text(encoding="utf-8")
    site = project / "site"
    preview = Preview(project, site, search=True)
    assert preview.rebuild()
    assert len(list((site / "pagefind").glob("shard-*"))) >= 2
    studio = project / "registry" / "studios" / f"{STUDIO}.yml"
    page = site / "studios" / STUDIO / "index.html"

    def step(name: str, changed: list[Path]) -> None:
        capsys.readouterr()
        assert preview.rebuild({str(p) for p in changed}), capsys.readouterr().out
        out = capsys.readouterr().out
        assert "局部更新" in out, out   # in place, not a full build
        assert_same_as_full_build(project, site, mulu, tmp_path, name)

    # 1. A field change.
    edit(studio, r"^name: .*$", "name: 改名后的技能大师工作室")
    step("field", [studio])
    assert "<h1>改名后的技能大师工作室</h1>" in page.read_text(encoding="utf-8")

    # 2. A status change.
    edit(studio, r"^status: 在册$", "status: 暂停\nstatus_change:\n  date: 2024-06-01\n  notice: hb-2024-12\n"
                                    "  reason: 年度考核不合格，暂停一年。")
    step("status", [studio])
    assert "mulu-banner--suspended" in page.read_text(encoding="utf-8")

    # 3. A new record.
    new = studio.with_name("hb-studio-2023-99.yml")
    new.write_text(studio.read_text(encoding="utf-8").replace(f"id: {STUDIO}", "id: hb-studio-2023-99")
                   .replace("name: 改名后的技能大师工作室", "name: 新设的技能大师工作室"), encoding="utf-8")
    step("new", [new])
    assert (site / "studios" / "hb-studio-2023-99" / "index.html").is_file()

    # 4. A record removed while another refers to it: the problem is shown, the site stays.
    notice = project / "registry" / "notices" / "hb-2024-12.yml"
    kept = notice.read_text(encoding="utf-8")
    before = tree(site)
    notice.unlink()
    capsys.readouterr()
    assert not preview.rebuild({str(notice)})
    out = capsys.readouterr().out
    assert "hb-2024-12" in out and "网站没有更新" in out, out
    assert tree(site) == before

    # ... then a valid delete (the notice back, the new record gone).
    notice.write_text(kept, encoding="utf-8")
    new.unlink()
    step("delete", [notice, new])
    assert not (site / "studios" / "hb-studio-2023-99").exists()

    # 5. A settings change saved together with a broken record, then the record fixed: the
    # settings change is still published, by a full build (it changes every page's header).
    settings = project / "registry" / "config.yml"
    edit(settings, r"^title: (.*)$", r"title: \1（预览）")
    edit(studio, r"^region: .*$", 'region: "99"')
    assert not preview.rebuild({str(settings), str(studio)})
    edit(studio, r"^region: .*$", 'region: "130204"')
    capsys.readouterr()
    assert preview.rebuild({str(studio)})
    assert "局部更新" not in capsys.readouterr().out
    assert "（预览）" in page.read_text(encoding="utf-8")
    assert_same_as_full_build(project, site, mulu, tmp_path, "settings")


def test_only_record_files_are_updated_in_place(tmp_path: Path):
    root = tmp_path
    assert record_files(root, [str(root / "registry" / "studios" / "a.yml")])
    for other in ("registry/config.yml", "registry/reference/regions.yml", "schemas/studio.schema.json",
                  "docs/index.md", "site_overrides/main.html", "mkdocs.yml", "registry/studios/notes.txt"):
        assert not record_files(root, [str(root / "registry" / "studios" / "a.yml"), str(root / other)]), other


def test_a_workbook_is_reused_only_for_equal_rows_of_equal_types(monkeypatch):
    import pandas as pd

    from mulu.sheets import tables

    made: list[str] = []
    real = tables.frame_xlsx

    def counting(frame: pd.DataFrame, title: str, generated_at: str = "") -> bytes:
        made.append(title)
        return real(frame, title, generated_at)

    monkeypatch.setattr(tables, "frame_xlsx", counting)
    memo = tables.XlsxMemo()
    frame = pd.DataFrame({"名称": ["甲", "乙"], "学时": [20, 40]}, dtype=object)
    first = memo.xlsx(frame, "目录", "2026-11-01T00:00:00+08:00")
    assert first == real(frame, "目录", "2026-11-01T00:00:00+08:00")
    assert memo.xlsx(frame.copy(), "目录", "2026-11-01T00:00:00+08:00") == first and made == ["目录"]
    # The same text but a number written as text: a different workbook (a text cell), made again.
    as_text = pd.DataFrame({"名称": ["甲", "乙"], "学时": [20, "40"]}, dtype=object)
    assert memo.xlsx(as_text, "目录", "2026-11-01T00:00:00+08:00") != first and made == ["目录", "目录"]
    # Another date in the document properties: made again.
    memo.xlsx(as_text, "目录", "2026-11-02T00:00:00+08:00")
    assert len(made) == 3

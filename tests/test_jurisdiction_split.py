"""A deployment too large for one host publishes one site per jurisdiction
(``mulu build --jurisdiction CODE``): each holds its own records, the national ones and
whatever they refer to, its own adjustments, and no link that leads nowhere."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from helpers.git import commit, init_repo

ZIBO = "370300"
ZIBO_INSTITUTION = "52370304MJ1236153L"        # 淄博市博山区琉璃陶瓷职业技能培训学校 (370304)
HARBIN_INSTITUTION = "52230100MJ00041747"      # 哈尔滨市惠民职业技能培训学校
ZIBO_STUDIO = "zb-studio-2024-04"              # 宋丽技能大师工作室 (370306), referred to by nothing
HREF = re.compile(r'\s(?:href|src)="([^"]+)"')


def _broken_links(site: Path) -> list[str]:
    """Every link of every page of ``site`` to a file of the same site that does not exist."""
    broken = []
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue   # served at any depth, so its links are absolute (site_url's path)
        base = "file://" + page.as_posix()
        for href in HREF.findall(page.read_text(encoding="utf-8")):
            target = urlsplit(urljoin(base, href.replace("&amp;", "&")))
            if target.scheme != "file":
                continue   # other hosts: the sample's own site_url and the theme's credits
            path = Path(unquote(target.path))
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append(f"{page.relative_to(site)} -> {href}")
    return broken


def test_a_jurisdiction_gets_a_site_of_its_own_with_its_own_adjustments(project: Path, mulu):
    init_repo(project, "基准", "2026-01-05")
    (project / "registry" / "studios" / f"{ZIBO_STUDIO}.yml").unlink()
    (project / "registry" / "institutions" / f"{HARBIN_INSTITUTION}.yml").unlink()
    commit(project, "删除两条记录", "2026-02-10")

    result = mulu("build", "--no-search", "--jurisdiction", ZIBO, cwd=project)
    assert result.code == 0, result.out + result.err
    site = project / f"site-{ZIBO}"
    assert str(site) in result.out and not (project / "site").exists()

    assert (site / "institutions" / ZIBO_INSTITUTION / "index.html").is_file()
    assert not (site / "institutions" / HARBIN_INSTITUTION).exists()
    for qualification in (project / "registry" / "qualifications").glob("*.yml"):   # national: on every site
        assert (site / "qualifications" / qualification.stem / "index.html").is_file()
    # Every record published is within 淄博, national, or referred to by one that is.
    published = [r for f in (site / "api" / "v1").glob("*.json") if f.stem not in ("index", "manifest")
                 for r in json.loads(f.read_text(encoding="utf-8")).get("records", [])]
    own = [r for r in published if str(r["data"].get("region", "")).startswith("3703")]
    assert len(own) >= 30
    mentioned = json.dumps([r["data"] for r in published], ensure_ascii=False)
    for record in published:
        region = str(record["data"].get("region", ""))
        assert region.startswith("3703") or region in ("", "100000") or record["id"] in mentioned, record["id"]
        assert (site / record["page"].strip("/") / "index.html").is_file()

    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>职业技能培训目录清单（示例）·淄博市</title>" in home
    assert 'href="https://example-hrss.gitee.io/mulu/370300/"' in home   # its own address

    changes = (site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "宋丽技能大师工作室" in changes          # a removal within 淄博 is its adjustment
    assert "哈尔滨市惠民职业技能培训学校" not in changes   # 黑龙江's is not
    assert _broken_links(site) == []


def test_the_whole_site_still_shows_every_jurisdiction(project: Path, mulu):
    init_repo(project)
    (project / "registry" / "institutions" / f"{HARBIN_INSTITUTION}.yml").unlink()
    commit(project, "删除一条记录")
    assert mulu("build", "--no-search", cwd=project).code == 0
    changes = (project / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "哈尔滨市惠民职业技能培训学校" in changes
    assert (project / "site" / "institutions" / ZIBO_INSTITUTION / "index.html").is_file()


def test_an_unknown_jurisdiction_is_refused_in_chinese(project: Path, mulu):
    result = mulu("build", "--no-search", "--jurisdiction", "379999", cwd=project)
    assert result.code == 2
    assert "找不到行政区划代码 379999" in result.err and "370000" in result.err
    assert not (project / "site-379999").exists()
    result = mulu("build", "--no-search", "--site-url", "https://example.invalid/", cwd=project)
    assert result.code == 2 and "--jurisdiction" in result.err

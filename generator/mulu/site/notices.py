"""The list of all adjustment notices (each notice has its own record page)."""

from __future__ import annotations

from collections.abc import Iterator

from mulu.core.registry import Record, Registry
from mulu.site.home import newest_notices
from mulu.site.html import esc, external_link, link, table
from mulu.site.model import Page, SiteContext, record_path, relative
from mulu.site.values import region_text


def _original(notice: Record) -> str:
    """A link to the published original (the notice's ``url``), when the record gives one."""
    url = notice.data.get("url")
    return f'（{external_link(url, "原文")}）' if isinstance(url, str) and url else ""


def notices_index(registry: Registry, ctx: SiteContext) -> Iterator[Page]:
    """All notices, newest first."""
    here = "notices/"
    rows = [[esc(n.data.get("date", "")), esc(n.data.get("number", "")),
             link(relative(here, record_path(n)), n.name) + _original(n), esc(n.data.get("issuer", "")),
             esc(region_text(registry, n.region))] for n in newest_notices(registry)]
    html = ("<p>目录的每一次动态调整都以调整公告为依据。点击标题查看公告列入、暂停和移出的记录；“原文”链接到发文机关公布的原件。</p>"
            + table(["发文日期", "文号", "标题", "发文机关", "地区"], rows, caption="调整公告（最新在前）",
                  cls="mulu-table mulu-table--cards"))
    yield Page(path=here, title="调整公告", html=html, nav="", nav_order=20,
               description="职业技能培训目录的调整公告")

"""「机构查询」: is an institution listed? Answered in the browser from a small index."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from mulu.core.kinds import CREDIT_CODE_KINDS
from mulu.core.registry import Registry
from mulu.site.context import data_version
from mulu.site.effective import statuses
from mulu.site.model import DataFile, Page, SiteContext, relative
from mulu.site.records import catalogue_title, notice_label
from mulu.site.values import region_text


def check_index(registry: Registry, ctx: SiteContext) -> dict[str, Any]:
    """``entries``: ``[credit code, name, status, kind, region, date, notice, reason,
    effective code, answer, effective reason, badge style]`` (effective on ``as_of``)."""
    entries = []
    found = statuses(registry, ctx)
    for kind in CREDIT_CODE_KINDS:
        for record in registry.records.get(kind, {}).values():
            change = record.data.get("status_change") or {}
            notice = registry.get("notices", str(change.get("notice", "")))
            status = found[(kind, record.id)]
            entries.append([record.id, record.name, record.status, kind, region_text(registry, record.region),
                            str(change.get("date", "")) if record.status != "在册" else "",
                            (notice_label(notice) if notice else "") if record.status != "在册" else "",
                            str(change.get("reason", "")) if record.status != "在册" else "",
                            # An active record needs no explanation (keeps the index small).
                            status.code, status.answer, "" if status.code == "active" else status.reason, status.css])
    return {"generated_at": ctx.generated_at, "as_of": ctx.as_of,
            "kinds": {k: catalogue_title(registry, k) for k in CREDIT_CODE_KINDS}, "entries": entries}


def check_pages(registry: Registry, ctx: SiteContext) -> Iterator[Page | DataFile]:
    """The check page and its index."""
    here = "check/"
    version = data_version(ctx)
    html = ('<p>输入 18 位统一社会信用代码或机构名称（可只输入其中几个字），查询该机构是否列入'
            '培训机构目录或职业技能等级认定机构目录，以及是否被暂停或移出。</p>'
            f'<form class="mulu-check" role="search" aria-label="机构查询" data-index="_index.json?v={version}">'
            '<label for="check-q">统一社会信用代码或机构名称</label>'
            '<div class="mulu-check__row"><input id="check-q" name="q" type="search" autocomplete="off" '
            'placeholder="例如 52230103MJ0000001X" required>'
            '<button type="submit" class="md-button md-button--primary">查询</button></div></form>'
            '<div class="mulu-check__result" aria-live="polite"></div>'
            '<noscript><p>查询需要启用 JavaScript；也可以在各目录页下载完整名单。</p></noscript>'
            f'<p class="mulu-note">查询结果以本站数据为准（数据更新于 {ctx.generated_at[:10]}，'
            f'有效期和暂停期按 {ctx.as_of} 核算）；'
            '“未找到”表示本站目录中没有该代码或名称，请核对输入或向当地人力资源和社会保障部门咨询。</p>'
            f'<script src="{relative(here, "assets/mulu/check.js")}" defer></script>')
    yield Page(path=here, title="机构查询", html=html, nav="", nav_order=5,
               description="按统一社会信用代码或名称查询机构是否在册、暂停或已移出")
    yield DataFile(f"{here}_index.json",
                   json.dumps(check_index(registry, ctx), ensure_ascii=False, separators=(",", ":")).encode())

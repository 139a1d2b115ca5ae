"""The 术语说明 page: every type, category, certificate, delivery mode and training form a
record may name (registry/reference/vocabularies.yml), each with its Chinese description."""

from __future__ import annotations

from collections.abc import Iterator

from mulu.core.registry import Registry
from mulu.site.html import esc, table
from mulu.site.model import Page, SiteContext


def vocabulary_pages(registry: Registry, ctx: SiteContext) -> Iterator[Page]:
    """One page listing each vocabulary as a table of values and what they mean."""
    vocabularies = registry.reference.vocabularies
    if not vocabularies:
        return
    parts = ["<p>目录记录中的机构类型、基地类别、培训类别、证书类型、培训方式和培训形式只能取下列值。"
             "新增取值由审核人在目录数据中添加，无需修改程序。</p>"]
    for name, vocabulary in vocabularies.items():
        parts.append(f'<h2 id="{esc(name)}">{esc(vocabulary.title)}</h2>')
        if vocabulary.fields:
            parts.append(f"<p>用于：{esc(vocabulary.fields)}。</p>")
        parts.append(table(["取值", "说明"], [[esc(term), esc(text)] for term, text in vocabulary.terms.items()],
                           caption=vocabulary.title, cls="mulu-table mulu-table--cards"))
    yield Page(path="vocabularies/", title="术语说明", html="\n".join(parts), nav="", nav_order=90,
               description="目录中各类类型、类别、证书、培训方式和培训形式的含义")

"""Search: what Pagefind indexes, how, and the full results page (``/search/``).

Pagefind 1.5.2's extended build segments Chinese twice, with two different segmenters: the
index with a dictionary segmenter (charabia/jieba) and the query in the browser with
``Intl.Segmenter``. The two disagree on names the dictionaries do not know: 淄博 becomes 淄 + 博
in the query, and 博 is a word only in 博山, so most Zibo records were missed; 紧缺 inside
急需紧缺 is never a word of its own. Measured on the sample site (docs/dev/site.md).

So the index is built without any segmentation (``--force-language und``: whitespace
separates words, nothing is stemmed) and every page that wants substring search carries its
own words in a hidden block (:func:`terms`): every character and every pair of neighbouring
characters (``PIECE`` = 2) of each run of Chinese characters, the way full-text engines index
CJK text without a dictionary (bigrams). Any query piece is then a word of the index itself,
not only the prefix of one (Pagefind 1.5.2 does not always load the index chunk a longer word
is in: docs/dev/search.md). The browser (``assets/mulu/search.js``) splits a query the same way:
at punctuation and script changes, and a Chinese run longer than ``PIECE`` into its overlapping
pairs, which must all be on a page (紧缺 finds 急需紧缺; 龙兴技师 asks for 龙兴, 兴技 and 技师).
It starts Pagefind with the index's language (``und``), not the page's (``zh``), so Pagefind
does not segment the query again. Codes are indexed whole with ``_`` for their hyphens and dots (6-31-01-02 → 6_31_01_02,
``_`` is a Pagefind word character) and by every prefix, and the browser does the same to the
query, so 6-31 finds every code under it.

Every record page gets, from :func:`record_block`: its region and all parent regions as
searchable names and as filter words (:func:`filter_words`, ``r_370300``), its kind as the filter
word ``k_<kind>``, and meta for the result list (kind, region, status and the field lines an
excerpt is taken from). Pages without a record get the words of their own text
(:func:`with_terms`). docs/dev/search.md has the measurements.
"""

from __future__ import annotations

import dataclasses
import html as html_module
import re
from collections.abc import Iterable, Iterator
from typing import Any

from mulu.core.kinds import KIND_BY_NAME
from mulu.core.registry import Record, Registry
from mulu.core.rules import KIND_PREFIX, REGION_PREFIX
from mulu.core.status import EffectiveStatus
from mulu.site.html import STATUS_CLASS, esc
from mulu.site.model import Page, SiteContext
from mulu.site.values import FieldGuide, occupation_text, region_text

# Options for the pagefind command line (output.index_search): no segmentation, no stemming,
# hyphens kept inside words. Any change here must be mirrored in search.js (splitQuery).
PAGEFIND_OPTIONS = ("--force-language", "und")
PIECE = 2             # longest indexed piece of a Chinese run (search.js: PIECE); docs/dev/search.md weighs 2 against 6
LINE_SEPARATOR = " ¦ "  # between field lines in the ``lines`` meta (search.js splits on it)
MAX_LINE = 80         # characters of one field line kept for excerpts
SKIP_FIELDS = frozenset({"maintainers", "digest", "id"})  # internal; source notes stay findable

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{HAN}]+")
# Latin letters and digits, hyphens inside (6-31-01-02, GB-32100), and the Han runs around them.
_WORD = re.compile(r"[0-9A-Za-z]+(?:[-.][0-9A-Za-z]+)*")


def pieces(run: str) -> list[str]:
    """Every substring of a Chinese ``run`` of up to ``PIECE`` characters (with 2: 紧缺职 → 紧, 紧缺,
    缺, 缺职, 职).

    Each is a word of its own, not only the prefix of a longer one: Pagefind 1.5.2 loads, for a
    query word, the one index chunk whose range holds the word itself, and words that merely begin
    with it may lie in the next chunk and are then not searched (docs/dev/search.md, "A name that
    found nothing"). A query piece that is itself an indexed word is found whatever the chunks."""
    return [run[i:j] for i in range(len(run)) for j in range(i + 1, min(len(run), i + PIECE) + 1)]


def words(text: str) -> Iterator[str]:
    """The indexed words of ``text``: Latin/digit words (hyphenated codes whole with ``_``, and
    each part) with every prefix of each (6-31 → 6_31, 6_3, 6, 31, 3), and the pieces of every
    Chinese run. Prefixes are words of their own for the same reason as :func:`pieces`: a partly
    typed code or credit code must not depend on the chunk Pagefind loads for it."""
    for match in _WORD.finditer(text):
        parts = [p for p in re.split(r"[-.]", match.group(0)) if p]
        for word in dict.fromkeys(["_".join(parts), *parts] if len(parts) > 1 else parts):
            yield from (word[:n] for n in range(len(word), 0, -1) if word[n - 1] != "_")
    for match in _HAN_RUN.finditer(text):
        yield from pieces(match.group(0))


def terms(texts: Iterable[str]) -> str:
    """The words of all ``texts``, each once, separated by spaces (for a hidden block)."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in words(text):
            seen.setdefault(word.lower(), None)
    return " ".join(seen)


def terms_block(texts: Iterable[str]) -> str:
    """A hidden element whose words Pagefind indexes (screen readers and browsers skip it).

    Any page can add one for the text it wants found inside longer words."""
    text = terms(texts)
    return f'<div hidden class="mulu-search-terms">{esc(text)}</div>' if text else ""


# Words a page without its own block gets from its text (large lists stay light): every Chinese
# character starts up to PIECE words, so this covers at least 3,000 characters of text.
MAX_PAGE_WORDS = 3000 * PIECE
_TAG = re.compile(r"<[^>]+>")


def with_terms(page: Page) -> Page:
    """``page`` with a hidden block of the words of its own text, unless it has one (record
    pages make theirs from the record) or is not searched. Without it a page of an index that
    is not segmented is found only by the first words of its sentences."""
    if not page.search or 'class="mulu-search-terms"' in page.html:
        return page
    text = html_module.unescape(_TAG.sub(" ", page.html))
    found = terms([text]).split(" ")[:MAX_PAGE_WORDS]
    if not found or found == [""]:
        return page
    block = f'<div hidden class="mulu-search-terms">{esc(" ".join(found))}</div>'
    return dataclasses.replace(page, html=page.html + block)


def region_chain(registry: Registry, code: str) -> list[str]:
    """Names of a region and all its parents, province first (山东省, 淄博市, 临淄区)."""
    return registry.reference.region_path(code) if code else []


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if path == () and key in SKIP_FIELDS:
                continue
            yield from _leaves(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, path + (i,))
    elif data is not None and not isinstance(data, bool):
        yield path, data


def field_lines(record: Record, registry: Registry, guide: FieldGuide) -> list[tuple[str, str]]:
    """``(标签, 值)`` of the record's values (region and occupation codes named), for excerpts:
    a result shows the lines that matched, never all of them."""
    lines: dict[str, list[str]] = {}
    for path, value in _leaves(record.data):
        if path == ("name",):
            continue
        text, fmt = str(value), guide.fmt(path)
        if fmt == "region":
            text = f"{region_text(registry, text)}（{text}）"
        elif fmt == "occupation_code":
            text = occupation_text(registry, text)
        lines.setdefault(guide.label(path), []).append(" ".join(text.split()))
    return [(name, "、".join(dict.fromkeys(values))) for name, values in lines.items()]


def _line(label: str, value: str) -> str:
    # A value cannot start a line of its own (a forged "当前状态：在册" under a 暂停 badge).
    line = f"{label}：{value.replace(LINE_SEPARATOR.strip(), '|')}"
    return line if len(line) <= MAX_LINE else line[:MAX_LINE - 1] + "…"


def _meta(key: str, value: str) -> str:
    # One key per element; a comma would start another key in Pagefind's attribute syntax.
    return f'<span hidden data-pagefind-meta="{key}:{esc(value.replace(",", "，"))}"></span>'


def filter_words(record: Record, registry: Registry) -> list[str]:
    """Words that stand for filters: ``k_<kind>`` and ``r_<code>`` for the record's region and
    every parent. The results page adds them to the query (all words of a query must match),
    so filtering by 370300 keeps every record under it; validation keeps such words out of
    records (``mulu.core.rules.search_word_rule``). Pagefind's own filters are not used:
    their index files differ from build to build (Pagefind issue #638), and builds must not."""
    chain: list[str] = []
    code: str | None = record.region or None
    while code is not None:
        chain.append(code)
        code = registry.reference.region_parent(code)
    return [f"{KIND_PREFIX}{record.kind}", *(f"{REGION_PREFIX}{c}" for c in reversed(chain))]


def record_block(record: Record, registry: Registry, status: EffectiveStatus | None, guide: FieldGuide) -> str:
    """Filters, meta and searchable words of a record page (hidden; Pagefind reads them)."""
    kind = KIND_BY_NAME[record.kind].noun
    chain = region_chain(registry, record.region)
    lines = field_lines(record, registry, guide)
    parts = [_meta("kind", kind)]
    if chain:
        parts.append(_meta("region", region_text(registry, record.region)))
    status_label, css = (status.label, status.css) if status else (record.status, STATUS_CLASS.get(record.status, "other"))
    if status_label:
        parts += [_meta("status", status_label), _meta("status_class", css)]
    if lines:
        parts.append(_meta("lines", LINE_SEPARATOR.join(_line(label, value) for label, value in lines)))
    words_ = terms([record.name, " ".join(chain), *(value for _, value in lines)])
    parts.append(f'<div hidden class="mulu-search-terms">{esc(" ".join([words_, *filter_words(record, registry)]))}</div>')
    # The record's own id or credit code weighs more than the same code named by another record.
    parts.append(f'<div hidden data-pagefind-weight="8">{esc(terms([record.id]))}</div>')
    return "".join(parts)


def _region_options(registry: Registry) -> str:
    """Every region that has records, and its parents, in code order, indented by level."""
    codes: set[str] = set()
    for record in registry.all_records():
        code: str | None = record.region or None
        while code is not None and code not in codes:
            codes.add(code)
            code = registry.reference.region_parent(code)
    out = []
    for code in sorted(codes):
        level = len(registry.reference.region_path(code)) - 1
        out.append(f'<option value="{esc(code)}">{"　" * level}{esc(registry.reference.region_name(code))}</option>')
    return "".join(out)


def search_page(registry: Registry, ctx: SiteContext) -> Iterator[Page]:
    """``/search/``: the full results page, filtered by kind and region
    (``?q=&kind=institutions&region=370300``: the region and everything under it).

    Without JavaScript the form still submits; the results need JavaScript (Pagefind)."""
    kinds = "".join(f'<option value="{esc(k)}">{esc(KIND_BY_NAME[k].noun)}</option>'
                    for k in registry.config.catalogue_kinds() if k in KIND_BY_NAME and registry.records.get(k))
    html = (
        '<div id="mulu-search-page" class="mulu-search mulu-search--page" data-mulu-search data-mulu-search-page>'
        '<form class="mulu-search__form mulu-search__form--page" role="search" aria-label="搜索结果筛选" action="./" method="get">'
        '<label class="mulu-search__field"><span>搜索词</span>'
        '<input id="mulu-q-page" class="mulu-search__input" type="search" name="q" '
        'placeholder="机构、地区、职业、编码……" autocomplete="off" enterkeyhint="search"></label>'
        '<label class="mulu-search__field"><span>类型</span>'
        f'<select name="kind" id="mulu-search-kind"><option value="">全部类型</option>{kinds}</select></label>'
        '<label class="mulu-search__field"><span>地区（含下级）</span>'
        f'<select name="region" id="mulu-search-region"><option value="">全部地区</option>{_region_options(registry)}</select></label>'
        '<button type="submit" class="md-button md-button--primary">搜索</button></form>'
        '<noscript><p>搜索需要 JavaScript。也可以从<a href="../">首页</a>的各类目录按地区和职业筛选。</p></noscript>'
        '<div class="mulu-search__results"><p class="mulu-search__summary" aria-live="polite"></p>'
        '<ol class="mulu-search__list"></ol></div></div>'
    )
    yield Page(path="search/", title="搜索", html=html, description="搜索本站的机构、培训项目、公告和地区。",
               search=False)

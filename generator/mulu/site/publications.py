"""What makes a publication checkable on the site: every record's digest, the publication
log (``api/v1/publications.json`` and its Atom feed) and the 核验信息 box of record pages.

The log comes from git through :func:`mulu.history.publications.load_publications`,
computed once per build and kept in ``SiteContext.extras``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from mulu.core.digest import canonical, record_digest
from mulu.core.registry import Record, Registry
from mulu.history.publications import PublicationLog, load_publications
from mulu.site.context import CHINA
from mulu.site.feeds import Entry, Feed, atom, tag_uri
from mulu.site.html import esc, external_link, link
from mulu.site.model import DataFile, SiteContext, record_api_path, record_path, relative

PUBLICATIONS = "api/v1/publications.json"
FEED = "feeds/publications.atom"
GUIDE = "verify/"            # the public page 核验说明 (docs/verify.md)
FORMAT = "mulu-publications/1"
FEED_ENTRIES = 100


def record_digests(registry: Registry, ctx: SiteContext) -> dict[tuple[str, str], str]:
    """``{(kind, id): digest}`` of every record, computed once per build."""
    return ctx.once("record_digests", registry,
                    lambda: {(r.kind, r.id): record_digest(r.data) for r in registry.all_records()})


def publication_log(registry: Registry, ctx: SiteContext) -> PublicationLog:
    """The publication log of the commit being built (read from git once per build)."""
    def read() -> PublicationLog:
        digests = record_digests(registry, ctx)
        return load_publications(registry.root, known={r.file: digests[(r.kind, r.id)] for r in registry.all_records()})
    return ctx.once("publications", registry, read)


def publications_json(log: PublicationLog) -> bytes:
    """The log as published: one entry per line (in canonical form), oldest first; the
    entries of a copy kept from an earlier publication begin every later log."""
    head = {"format": FORMAT, "available": log.available, "note": log.note}
    lines = [canonical(entry).decode("utf-8") for entry in log.entries]
    body = ",\n".join(lines)
    return (canonical(head).decode("utf-8")[:-1] + ',"entries":[\n' + body + ("\n" if lines else "") + "]}\n").encode()


def _absolute(registry: Registry, path: str) -> str:
    site = registry.config.site_url
    return site.rstrip("/") + "/" + path if site else relative(FEED, path)


def china_date(stamp: str) -> str:
    """The date (Beijing time) of an ISO 8601 instant such as git's committer date."""
    try:
        return datetime.fromisoformat(stamp).astimezone(CHINA).date().isoformat()
    except ValueError:
        return stamp[:10]


def commit_url(ctx: SiteContext, commit: str, file: str = "") -> str:
    """The repository's web page of ``file`` (or of the commit) at ``commit``; "" without a repository."""
    if not ctx.repo_url or not commit:
        return ""
    base = ctx.repo_url.rstrip("/")
    return f"{base}/blob/{commit}/{file}" if file else f"{base}/commit/{commit}"


def _entry(registry: Registry, ctx: SiteContext, number: int, entry: dict[str, Any]) -> Entry:
    commit = str(entry["commit"])
    url = commit_url(ctx, commit)
    facts = [("提交", external_link(url, commit) if url else esc(commit)), ("时间", esc(entry["time"])),
             ("清单摘要（SHA-256）", f"<code>{esc(entry['manifest_digest'])}</code>"),
             ("上一条的摘要", f"<code>{esc(entry['previous'])}</code>" if entry["previous"] else "（第一条）")]
    html = "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
    return Entry(id=tag_uri(registry.config.site_url, f"publication/{commit}"),
                 title=f"第 {number} 次发布：{str(entry['time'])[:10]}（提交 {commit[:12]}）",
                 updated=str(entry["time"]), link=_absolute(registry, PUBLICATIONS), content_html=html)


def feed_file(registry: Registry, ctx: SiteContext, log: PublicationLog) -> DataFile:
    """The Atom feed of publications, newest first."""
    title = registry.config.title
    numbered = list(enumerate(log.entries, start=1))[-FEED_ENTRIES:]
    entries = [_entry(registry, ctx, n, e) for n, e in reversed(numbered)]
    updated = str(log.entries[-1]["time"]) if log.entries else ctx.generated_at
    feed = Feed(id=tag_uri(registry.config.site_url, FEED), title=f"{title}：发布记录",
                updated=updated, self_link=_absolute(registry, FEED), alternate_link=_absolute(registry, GUIDE),
                author=title, subtitle=log.note)
    return DataFile(FEED, atom(feed, entries))


def publication_files(registry: Registry, ctx: SiteContext) -> Iterator[DataFile]:
    """``api/v1/publications.json`` and ``feeds/publications.atom``."""
    log = publication_log(registry, ctx)
    yield DataFile(PUBLICATIONS, publications_json(log))
    yield feed_file(registry, ctx, log)


def verification_box(record: Record, registry: Registry, ctx: SiteContext) -> str:
    """核验信息 on a record page: its digest, source file, the commit that last changed it."""
    here = record_path(record)
    digest = record_digests(registry, ctx)[(record.kind, record.id)]
    log = publication_log(registry, ctx)
    changed = log.last_changed.get((record.kind, record.id))
    if changed is not None:
        commit, time = changed
        url = commit_url(ctx, commit, record.file)
        shown = f'<code class="mulu-verify__commit">{esc(commit)}</code>'
        commit_html = (link(url, commit, rel="nofollow noopener", class_="mulu-verify__commit") if url else shown)
        commit_html += f"（{esc(china_date(time))}）"
    else:
        commit_html = esc(log.note or "本记录的最新内容尚未提交。")
    rows = [("记录摘要（SHA-256）", f'<code class="mulu-verify__digest">{esc(digest)}</code>'),
            ("记录文件", f"<code>{esc(record.file)}</code>"),
            ("最后修改的提交", commit_html)]
    api = relative(here, record_api_path(registry, record.kind, record.id))
    guide = link(relative(here, GUIDE), "如何核验")
    items = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return (f'<aside class="mulu-verify" aria-labelledby="verify"><h2 id="verify">核验信息</h2><dl>{items}</dl>'
            f'<p class="mulu-note">摘要由本记录的数据（{link(api, "JSON")}）算出，任何人都可以重新计算并与'
            f"代码仓库中的记录文件比对：{guide}。</p></aside>")

"""The 订阅更新 page: what a feed is, the feed of each catalogue, and how to subscribe."""

from __future__ import annotations

from collections.abc import Iterator

from mulu.core.registry import Registry
from mulu.site.changelog import API, feed_links
from mulu.site.changelog import HERE as CHANGES
from mulu.site.html import esc, link
from mulu.site.model import Page, SiteContext, relative

PATH = "subscribe/"


def _address(registry: Registry, path: str) -> str:
    """The feed's full address when the site's address is configured (what a reader asks for)."""
    site = registry.config.site_url
    return site.rstrip("/") + "/" + path if site else ""


def subscribe_page(registry: Registry, ctx: SiteContext) -> Iterator[Page]:
    """Feeds explained in plain words, one row per feed with its address to copy."""
    here = PATH
    items = []
    for path, name in feed_links(registry):
        address = _address(registry, path)
        shown = f'<br><code class="mulu-feed-address">{esc(address)}</code>' if address else ""
        items.append(f"<li>{link(relative(here, path), name)}{shown}</li>")
    html = (
        "<p>目录每次调整（依据调整公告列入、暂停、恢复或移出记录，修改补贴标准等）都会发布到订阅源。"
        "订阅以后，不必反复打开本站，阅读器会在有新调整时提醒您。</p>"
        '<h2 id="atom">什么是订阅源（Atom）</h2>'
        "<p>订阅源是一个按标准格式（Atom）写成的文件，列出最近的调整：每条有标题、日期、依据的公告和调整的记录。"
        "“阅读器”（也叫 RSS 阅读器、订阅器）定时读取这个文件，发现新的条目就显示出来。"
        "订阅不需要注册，本站也不会知道谁订阅了。</p>"
        '<h2 id="feeds">可订阅的内容</h2>'
        "<p>可以订阅全部调整，也可以只订阅关心的目录：</p>"
        f'<ul class="mulu-feed-list">{"".join(items)}</ul>'
        '<h2 id="how">怎样订阅</h2>'
        "<ol>"
        "<li>安装或打开一个阅读器：电脑和手机上的 RSS 阅读器应用、邮件客户端（如 Thunderbird）的订阅功能，"
        "或支持订阅源的浏览器扩展都可以。</li>"
        "<li>复制上面要订阅的地址（在链接上点右键，选“复制链接地址”）。</li>"
        "<li>在阅读器里选“添加订阅”或“新建订阅源”，粘贴地址并确认。</li>"
        "</ol>"
        "<p>很多阅读器也可以直接输入本站首页的地址：每个页面都声明了全部调整的订阅源，阅读器会自动找到它。"
        "在浏览器里直接打开订阅源文件，看到的是供阅读器读取的原始内容，这是正常的。</p>"
        '<h2 id="other">其他方式</h2>'
        f"<ul><li>在{link(relative(here, CHANGES), '调整记录')}页面按日期查看全部调整；</li>"
        f"<li>程序可以读取 {link(relative(here, API), 'changes.json')}（调整记录的 JSON 数据）。</li></ul>"
    )
    yield Page(path=here, title="订阅更新", html=html, nav="", nav_order=51,
               description="用 Atom 订阅源获取目录调整的提醒：每个目录一个订阅源，以及订阅方法。")

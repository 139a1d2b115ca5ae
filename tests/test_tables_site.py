"""Issue 15 items 4 and 5 without a browser: ``mulu serve`` declares UTF-8 for text files, the
footer's contact settings in ``config.yml`` (checked and parsed), the 订阅更新 page linked from
/changes/, and the catalogue's first page of rows written into the HTML (escaped)."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import urllib.request
from html import unescape
from pathlib import Path

import yaml

from helpers.scripted import Scripted
from mulu.core.config import Contact, parse_config
from mulu.history.log import load_history
from mulu.project import open_project
from mulu.site.changelog import changelog_provider
from mulu.site.model import Page, SiteContext


def _set_contact(project: Path, contact: dict[str, str]) -> None:
    path = project / "registry" / "config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["contact"] = contact
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_contact_settings_are_parsed_and_optional() -> None:
    config = parse_config({"contact": {"organizer": "某省人力资源和社会保障厅", "phone": "12333"}})
    assert config.contact == Contact("某省人力资源和社会保障厅", "12333", "")
    assert parse_config({}).contact == Contact()


def test_a_malformed_phone_number_is_reported_in_chinese(project: Path, mulu) -> None:
    _set_contact(project, {"organizer": "示例单位", "phone": "call <me>"})
    result = mulu("validate", cwd=project)
    assert result.code == 1, result.out + result.err
    line = next(line for line in result.out.splitlines() if "contact.phone" in line)
    assert line.startswith("registry/config.yml:") and "咨询电话" in line and "Traceback" not in result.err


def test_serve_declares_utf8_for_every_text_type(project: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "mulu", "serve", "--port", "0", "--no-search", "--interval", "5"],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        line = ""
        while "预览地址" not in line:
            line = lines.get(timeout=120)
        url = re.search(r"http://\S+/", line).group(0)   # type: ignore[union-attr]
        (project / "site" / "note.txt").write_text("说明", encoding="utf-8")   # the site has no .txt of its own
        kinds = {"feeds/all.atom": "application/atom+xml", "api/v1/institutions.json": "application/json",
                 "downloads/institutions.csv": "text/csv", "index.html": "text/html", "note.txt": "text/plain",
                 "sitemap.xml": "application/xml", "assets/mulu/catalogue.js": "text/javascript"}
        for path, mime in kinds.items():
            with urllib.request.urlopen(url + path, timeout=10) as response:
                assert response.headers["Content-Type"] == f"{mime}; charset=utf-8", path
                body = response.read()
            if path.endswith(".atom"):
                assert "调整" in body.decode("utf-8")
        with urllib.request.urlopen(url + "downloads/institutions.xlsx", timeout=10) as response:
            assert "charset" not in response.headers["Content-Type"]   # binary files say nothing of text
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_changes_page_links_the_subscribe_page(scripted_repo: Scripted) -> None:
    registry = open_project(scripted_repo.root).registry
    assert registry is not None
    ctx = SiteContext(generated_at="2024-11-05T10:00:00+08:00", revision=scripted_repo.commits["rename"],
                      extras={"history": load_history(scripted_repo.root)})
    page = next(item for item in changelog_provider(registry, ctx) if isinstance(item, Page))
    assert '<a href="../subscribe/">怎样订阅</a>' in page.html


def test_catalogue_html_holds_the_first_page_of_rows_escaped(project: Path, mulu) -> None:
    path = sorted((project / "registry" / "studios").glob("*.yml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^name: .*$", 'name: "工作室<script>alert(1)</script>"', text, count=1, flags=re.M),
                    encoding="utf-8")
    result = mulu("build", "--no-search", cwd=project)
    assert result.code == 0, result.out + result.err
    html = (project / "site" / "studios" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    names = [unescape(n) for n in re.findall(r'<td data-label="名称"><a href="[^"]+">([^<]*)</a>', body)]
    files = sorted((project / "registry" / "studios").glob("*.yml"))
    assert len(names) == min(50, len(files)) and "工作室<script>alert(1)</script>" in names
    assert f"共 {len(files)} 条" in html and "正在加载" not in html

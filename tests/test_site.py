"""``mulu build`` / ``mulu serve`` and the files of the site they write."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

KINDS = ("programmes", "institutions", "assessors", "bases", "studios", "specs", "notices", "shortages", "qualifications",
         "demands", "trainers")


def record_files(project: Path) -> list[Path]:
    """Every record file of a project (one per record page)."""
    return sorted(p for kind in KINDS for p in (project / "registry" / kind).glob("*.yml"))


def tree(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``root``."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_every_record_has_a_page_and_an_api_file(sample_site: Path):
    site = sample_site / "site"
    files = record_files(sample_site)
    assert len(files) > 100
    for path in files:
        kind, rid = path.parent.name, path.stem
        assert (site / kind / rid / "index.html").is_file(), path
        api = json.loads((site / "api" / "v1" / kind / f"{rid}.json").read_text(encoding="utf-8"))
        assert api["schema_version"] and api["generated_at"]
        assert api["data"] == yaml.safe_load(path.read_text(encoding="utf-8")) | api["data"]
        assert api["data"]["id"] == rid
    index = json.loads((site / "api" / "v1" / "index.json").read_text(encoding="utf-8"))
    assert index["schema_version"] and index["generated_at"]
    counts = {k["kind"]: k["count"] for k in index["kinds"]}
    assert counts == {kind: len(list((sample_site / "registry" / kind).glob("*.yml"))) for kind in KINDS}
    for kind in KINDS:
        whole = json.loads((site / "api" / "v1" / f"{kind}.json").read_text(encoding="utf-8"))
        assert whole["schema_version"] == index["schema_version"] and whole["count"] == counts[kind]


def test_every_internal_link_resolves(sample_site: Path):
    site = sample_site / "site"
    broken = []
    # 404.html uses absolute URLs on purpose (it is served for any missing path).
    pages = [p for p in site.rglob("*.html") if "pagefind" not in p.parts and p.name != "404.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:href|src)="([^"]*)"', html):
            url = url.replace("&amp;", "&")
            parsed = urlparse(url)
            if parsed.scheme or url.startswith(("#", "//")) or not parsed.path:
                continue
            target = (page.parent / unquote(parsed.path)).resolve()
            if url.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {url}")
    assert not broken, "\n".join(broken[:20])


def test_catalogue_downloads_are_linked_and_exist(sample_site: Path):
    site = sample_site / "site"
    html = (site / "institutions" / "index.html").read_text(encoding="utf-8")
    for ext in ("csv", "xlsx"):
        assert f'href="../downloads/institutions.{ext}"' in html
        assert (site / "downloads" / f"institutions.{ext}").is_file()
    # The JSON is the API file, published once (not a copy under downloads/).
    assert 'href="../api/v1/institutions.json">JSON（API）</a>' in html
    assert (site / "api" / "v1" / "institutions.json").is_file()
    assert not (site / "downloads" / "institutions.json").exists()


def test_records_stay_out_of_the_navigation(sample_site: Path):
    home = (sample_site / "site" / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="md-nav md-nav--primary"'):]
    nav = nav[:nav.index("</nav>\n                  </div>") if "</nav>\n                  </div>" in nav else len(nav)]
    for path in record_files(sample_site):
        assert f"{path.parent.name}/{path.stem}/" not in nav


def test_no_third_party_url_is_loaded(sample_site: Path):
    site = sample_site / "site"
    for page in [site / "index.html", site / "institutions" / "index.html", *list(site.glob("institutions/*/index.html"))[:3]]:
        html = page.read_text(encoding="utf-8")
        assert not re.findall(r'(?:src|href)="https?://[^"]*\.(?:js|css|woff2?)', html)
        assert "fonts.googleapis" not in html and "api.github.com" not in html
        assert not re.findall(r'<link[^>]+href="https?://(?!example)', html)


def test_build_twice_gives_identical_files(project: Path, mulu):
    first = mulu("build", cwd=project)
    assert first.code == 0, first.err
    before = tree(project / "site")
    second = mulu("build", cwd=project)
    assert second.code == 0, second.err
    after = tree(project / "site")
    assert before.keys() == after.keys()
    assert [p for p in before if before[p] != after[p]] == []


def _git(project: Path, *args: str, date: str = "") -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)


def test_generated_at_comes_from_the_last_commit(project: Path, mulu):
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "data", date="2024-03-05T10:00:00+08:00")
    result = mulu("build", "--no-search", cwd=project)
    assert result.code == 0, result.err
    index = json.loads((project / "site" / "api" / "v1" / "index.json").read_text(encoding="utf-8"))
    assert index["generated_at"] == "2024-03-05T10:00:00+08:00"
    assert "<lastmod>2024-03-05</lastmod>" in (project / "site" / "sitemap.xml").read_text(encoding="utf-8")


def test_source_date_epoch_overrides(project: Path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    proc = subprocess.run([sys.executable, "-m", "mulu", "build", "--no-search"], cwd=project, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    index = json.loads((project / "site" / "api" / "v1" / "index.json").read_text(encoding="utf-8"))
    assert index["generated_at"] == "2023-11-15T06:13:20+08:00"


def _break_a_record(project: Path) -> tuple[str, int]:
    """Give one record an impossible region code; returns (file, line) of the mistake."""
    path = sorted((project / "registry" / "institutions").glob("*.yml"))[0]
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("region:"))
    lines[number - 1] = 'region: "99"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path.relative_to(project).as_posix(), number


def test_invalid_registry_is_refused_and_the_site_kept(project: Path, mulu):
    assert mulu("build", "--no-search", cwd=project).code == 0
    before = tree(project / "site")
    file, line = _break_a_record(project)
    result = mulu("build", cwd=project)
    assert result.code == 1
    assert f"{file}:{line}:" in result.out
    assert "所属行政区划" in result.out and "网站没有更新" in result.err
    assert tree(project / "site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


def test_build_output_directory_option(project: Path, mulu, tmp_path: Path):
    out = tmp_path / "public"
    result = mulu("build", "--no-search", "--out", str(out), cwd=project)
    assert result.code == 0, result.err
    assert (out / "index.html").is_file() and not (project / "site").exists()
    assert str(out) in result.out


def test_build_needs_mkdocs_yml(project: Path, mulu):
    (project / "mkdocs.yml").unlink()
    result = mulu("build", cwd=project)
    assert result.code == 2 and "mkdocs.yml" in result.err


def test_plain_mkdocs_build_works_and_validates(project: Path):
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    first = record_files(project)[0]
    assert (project / "site" / first.parent.name / first.stem / "index.html").is_file()
    assert (project / "site" / "pagefind" / "pagefind.js").is_file()
    file, line = _break_a_record(project)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True, text=True)
    assert proc.returncode != 0
    assert f"{file}:{line}:" in proc.stderr + proc.stdout


class _Lines:
    """Lines a running process prints, readable with a timeout."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(proc,), daemon=True).start()

    def _pump(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            self.queue.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"没有等到“{text}”，输出：{''.join(seen)}")


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(project: Path):
    proc = subprocess.Popen([sys.executable, "-m", "mulu", "serve", "--port", "0", "--no-search", "--interval", "0.2"],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = _Lines(proc)
        url = re.search(r"http://\S+/", lines.wait_for("预览地址")).group(0)
        path = sorted((project / "registry" / "studios").glob("*.yml"))[0]
        page = f"{url}studios/{path.stem}/"
        assert "<h1>" in _get(page)
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^name: .*$", "name: 改名后的工作室", text, count=1, flags=re.M), encoding="utf-8")
        lines.wait_for("网站已更新")
        assert "<h1>改名后的工作室</h1>" in _get(page)
        path.write_text(re.sub(r'^region: .*$', 'region: "99"', path.read_text(encoding="utf-8"), count=1, flags=re.M),
                        encoding="utf-8")
        lines.wait_for("网站没有更新")
        assert "<h1>改名后的工作室</h1>" in _get(page)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_configured_titles_are_escaped_everywhere(project: Path, mulu):
    config = project / "registry" / "config.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", 'title: "目录<i>斜体</i>"', text, count=1, flags=re.M)
    text = re.sub(r"^  - kind: institutions\n    title: .*$", '  - kind: institutions\n    title: "机构</title><b>粗体</b>"',
                  text, count=1, flags=re.M)
    config.write_text(text, encoding="utf-8")
    result = mulu("build", "--no-search", cwd=project)
    assert result.code == 0, result.out + result.err
    for page in ("index.html", "institutions/index.html", "check/index.html"):
        html = (project / "site" / page).read_text(encoding="utf-8")
        assert "<i>" not in html and "<b>" not in html and "</title><b>" not in html, page
        assert "目录&lt;i&gt;斜体&lt;/i&gt;" in html, page

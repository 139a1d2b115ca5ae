"""Benchmark: building and using the public site at 1,000 and 10,000 synthetic records.

Usage: python benchmarks/bench_build.py [N ...]        (default: 1000 10000)

For each N: `mulu synth` a registry, copy the site set-up (mkdocs.yml, site_overrides/, docs/),
run `mulu build` in a subprocess and report
  * full build wall time and peak memory (largest process: the Python build or Pagefind),
    and how much of it Pagefind alone takes (re-run on the built site);
  * the gzip size of record pages (HTML alone, and with every stylesheet and script a first
    visit loads, search excluded);
  * in headless Chromium over HTTP (python http.server, which does not compress): the first
    search query's time (in the page, from typing to the first result link: it includes
    loading Pagefind and its index) and bytes transferred, a second query, and the time
    until a catalogue page shows its rows and until a filter is applied.
Targets (docs/dev/site.md / issue 3): 10,000 records build < 100 s; first search < 1 s and
< 300 KB; a record page < 60 KB gzip. Figures go to stdout and benchmarks/out/bench_build.json.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "generator"))
from mulu.site.search import PAGEFIND_OPTIONS  # noqa: E402

OUT = REPO / "benchmarks" / "out"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
FIRST_QUERY = "劳动者"    # only inside sentences of the synthetic notes ("面向城乡劳动者开展……")
SECOND_QUERY = "焊工"
# Each a first search in a fresh browser (nothing cached): a place (every record under 370300),
# a word inside sentences, and a word inside longer words (紧缺 in 急需紧缺).
COLD_QUERIES = {"zibo": "淄博", "laodongzhe": "劳动者", "jinque": "紧缺"}


def run_measured(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in MB of the process and its children, output)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"命令失败：{' '.join(cmd)}\n{out}")
    return time.monotonic() - started, usage.ru_maxrss // 1024, out


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def page_weight(site: Path, page: Path) -> tuple[int, int]:
    """(gzip bytes of the HTML, gzip bytes of HTML + stylesheets + scripts it loads, search excluded)."""
    html = page.read_bytes()
    total = gz(html)
    text = html.decode("utf-8")
    for ref in re.findall(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', text):
        if "pagefind" in ref or ref.startswith("http"):
            continue
        path = (page.parent / ref.split("?")[0]).resolve()
        if path.is_file():
            total += gz(path.read_bytes())
    return gz(html), total


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


# Measured inside the page (performance.now): from the input event to the first result link in
# the DOM, so Playwright's own round trips are not counted.
WATCH_SEARCH = """() => {
  window.__bench = {};
  const list = document.querySelector('.mulu-search--hero .mulu-search__list');
  new MutationObserver(() => {
    if (!window.__bench.hit && list.querySelector('a')) window.__bench.hit = performance.now();
  }).observe(list, {childList: true, subtree: true});
  document.querySelector('#mulu-q-home').addEventListener('input', () => {
    if (!window.__bench.input) window.__bench.input = performance.now();
  });
}"""


def timed_search(page, query: str) -> float:
    """Seconds from typing ``query`` into the home search box to the first result link
    (a query that finds nothing fails: its time would mean nothing)."""
    page.evaluate(WATCH_SEARCH)
    page.fill("#mulu-q-home", query)
    summary = page.locator(".mulu-search--hero .mulu-search__summary")
    page.wait_for_function("""() => /找到|没有找到|无法使用/.test(
        document.querySelector('.mulu-search--hero .mulu-search__summary').textContent)""", timeout=60000)
    if "个结果" not in summary.inner_text():
        raise SystemExit(f"搜索“{query}”没有结果：{summary.inner_text()}")
    page.locator(".mulu-search--hero .mulu-search__list a").first.wait_for(timeout=60000)
    times = page.evaluate("window.__bench")
    return (times["hit"] - times["input"]) / 1000


def browser_figures(site: Path) -> dict[str, float]:
    """Search and catalogue timings in headless Chromium over HTTP."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    figures: dict[str, float] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context()
            page = context.new_page()
            page.goto(base)
            page.wait_for_load_state("networkidle")
            seen: list = []
            page.on("requestfinished", lambda r: seen.append(r))
            figures["first_search_s"] = timed_search(page, FIRST_QUERY)
            page.wait_for_load_state("networkidle")
            sizes = [r.sizes() for r in seen]
            figures["first_search_kb"] = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes) / 1024
            figures["first_search_requests"] = len(sizes)
            summary = page.locator(".mulu-search--hero .mulu-search__summary").inner_text()
            figures["first_search_hits"] = int(re.sub(r"\D", "", summary) or 0)
            page.fill("#mulu-q-home", "")
            page.wait_for_function("!document.querySelector('.mulu-search--hero .mulu-search__list li')")
            seen.clear()
            figures["second_search_s"] = timed_search(page, SECOND_QUERY)
            page.wait_for_load_state("networkidle")
            figures["second_search_kb"] = sum(r.sizes()["responseBodySize"] for r in seen) / 1024
            for key, query in COLD_QUERIES.items():
                cold = browser.new_context()
                page = cold.new_page()
                page.goto(base)
                page.wait_for_load_state("networkidle")
                seen.clear()
                page.on("requestfinished", lambda r: seen.append(r))
                figures[f"search_{key}_s"] = timed_search(page, query)
                page.wait_for_load_state("networkidle")
                figures[f"search_{key}_kb"] = sum(s["responseBodySize"] + s["responseHeadersSize"]
                                                  for s in (r.sizes() for r in seen)) / 1024
                summary = page.locator(".mulu-search--hero .mulu-search__summary").inner_text()
                figures[f"search_{key}_hits"] = int(re.sub(r"\D", "", summary) or 0)
                cold.close()
            page = context.new_page()
            started = time.monotonic()
            page.goto(base + "institutions/")
            page.wait_for_function("document.querySelectorAll('.mulu-catalogue-table tbody tr').length > 0")
            figures["catalogue_rows_s"] = time.monotonic() - started
            started = time.monotonic()
            page.select_option("#f-region", index=1)
            page.wait_for_function("location.search.includes('region=')")
            figures["catalogue_filter_s"] = time.monotonic() - started
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return figures


def bench(n: int, work: Path) -> dict[str, float]:
    project = work / f"synth-{n}"
    subprocess.run([sys.executable, "-m", "mulu", "synth", str(project), "-n", str(n)], cwd=REPO, check=True,
                   capture_output=True)
    shutil.copy2(REPO / "mkdocs.yml", project / "mkdocs.yml")
    for name in ("site_overrides", "docs"):
        shutil.copytree(REPO / name, project / name)
    result: dict[str, float] = {"records": n}
    seconds, peak, out = run_measured([sys.executable, "-m", "mulu", "build"], project)
    result |= {"build_s": seconds, "build_peak_mb": peak}
    result["pages"] = int(re.search(r"(\d+) 个页面", out).group(1))  # type: ignore[union-attr]
    site = project / "site"
    # Pagefind alone, with the site's options, into another directory: writing over the site's
    # index (as this did before) left the browser figures below measuring a segmented zh index.
    # Not above 20,000 records: one unsharded index of such a site needs more memory than the
    # machine has (the build itself indexes in shards; bench_scale.py reports that phase).
    if n <= 20_000:
        seconds, peak, _ = run_measured([sys.executable, "-m", "pagefind", "--site", str(site), "--quiet",
                                         *PAGEFIND_OPTIONS, "--output-path", str(work / f"pagefind-{n}")], project)
        result |= {"pagefind_s": seconds, "pagefind_peak_mb": peak}
    records = [p for kind in ("institutions", "programmes", "specs", "studios", "bases", "assessors")
               for p in sorted((site / kind).glob("*/index.html"))[:5]]
    weights = [page_weight(site, p) for p in records]
    result["record_html_gzip_kb_max"] = max(w[0] for w in weights) / 1024
    result["record_html_gzip_kb_median"] = statistics.median(w[0] for w in weights) / 1024
    result["record_first_visit_gzip_kb_max"] = max(w[1] for w in weights) / 1024
    result["site_mb"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20
    manifest = (site / "api" / "v1" / "manifest.json").read_bytes()
    result |= {"manifest_kb": len(manifest) / 1024, "manifest_gzip_kb": gz(manifest) / 1024}
    result |= browser_figures(site)
    return result


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [1000, 10000]
    rows = []
    keep = os.environ.get("BENCH_KEEP")   # a folder to build in and keep (to look at the site afterwards)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        for n in sizes:
            print(f"… {n} 条记录", flush=True)
            rows.append(bench(n, Path(keep or tmp)))
            print(json.dumps(rows[-1], ensure_ascii=False, indent=1), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_build.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    labels = [("records", "记录数", "{:.0f}"), ("pages", "页面数", "{:.0f}"), ("build_s", "完整构建（秒）", "{:.1f}"),
              ("build_peak_mb", "构建峰值内存（MB）", "{:.0f}"), ("pagefind_s", "其中 Pagefind（秒）", "{:.1f}"),
              ("pagefind_peak_mb", "Pagefind 峰值内存（MB）", "{:.0f}"),
              ("record_html_gzip_kb_max", "记录页 HTML gzip 最大（KB）", "{:.1f}"),
              ("record_first_visit_gzip_kb_max", "记录页首访含 CSS/JS gzip（KB）", "{:.1f}"),
              ("first_search_s", "首次搜索耗时（秒）", "{:.2f}"), ("first_search_kb", "首次搜索传输（KB）", "{:.0f}"),
              ("first_search_hits", "首次搜索结果数", "{:.0f}"), ("second_search_s", "第二次搜索（秒）", "{:.2f}"),
              *[(f"search_{k}_{m}", f"首次搜索“{q}”{label}", fmt) for k, q in COLD_QUERIES.items()
                for m, label, fmt in (("s", "（秒）", "{:.2f}"), ("kb", "传输（KB）", "{:.0f}"), ("hits", "结果数", "{:.0f}"))],
              ("catalogue_rows_s", "培训机构目录显示首屏（秒）", "{:.2f}"),
              ("catalogue_filter_s", "目录筛选（秒）", "{:.2f}"), ("site_mb", "站点大小（MB）", "{:.0f}"),
              ("manifest_kb", "发布清单 manifest.json（KB）", "{:.0f}"), ("manifest_gzip_kb", "发布清单 gzip（KB）", "{:.0f}")]
    print("\n| 指标 | " + " | ".join(f"{r['records']:.0f} 条" for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for key, label, fmt in labels:
        print(f"| {label} | " + " | ".join(fmt.format(r[key]) if key in r else "—" for r in rows) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

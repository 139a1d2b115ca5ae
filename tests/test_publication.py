"""Verifiable publication as a citizen, an auditor and the Frictionless validator meet it:
record digests, ``api/v1/manifest.json``, the publication log, ``mulu verify`` and a data
package that validates row by row."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from helpers.browser import serve
from helpers.git import commit, git, init_repo
from helpers.project import REPO, copy_project, run_mulu
from mulu.core.digest import canonical, record_digest
from mulu.core.kinds import KINDS
from mulu.core.loading import load_file

RECORD = "121304004021035719"          # an institution of the sample registry
RECORD_FILE = f"registry/institutions/{RECORD}.yml"
DOCS = REPO / "docs" / "verify.md"


def _edit(project: Path, old: str, new: str, path: str = RECORD_FILE) -> None:
    file = project / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_repo(dest: Path) -> Path:
    """The sample project in git: a first publication, a docs-only commit, then an edit of RECORD."""
    project = copy_project(dest)
    (project / ".gitignore").write_text("/site/\n/.mulu-cache/\n", encoding="utf-8")
    init_repo(project, "基准", date="2024-03-01")
    (project / "docs" / "about.md").write_text("# 关于本站\n\n改了说明。\n", encoding="utf-8")
    commit(project, "只改说明", date="2024-03-02")
    _edit(project, "李建国", "王建国")
    commit(project, "更正联系人", date="2024-03-05")
    return project


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The git project built once with ``mulu build`` (site in ``site/``)."""
    project = make_repo(tmp_path_factory.mktemp("published") / "project")
    result = run_mulu("build", "--no-search", cwd=project)
    assert result.code == 0, result.out + result.err
    return project


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _manifest(site: Path) -> dict:
    return _json(site / "api" / "v1" / "manifest.json")


# -- the data package ----------------------------------------------------------------------

def test_frictionless_validates_every_row_of_every_resource(published: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(published / "site" / "downloads" / "datapackage.json"))
    errors = [e.message for task in report.tasks for e in task.errors] + [e.message for e in report.errors]
    assert report.valid and errors == [], errors[:5]
    package = _json(published / "site" / "downloads" / "datapackage.json")
    assert len(report.tasks) == len(package["resources"]) == len(KINDS)   # one CSV per kind
    for task in report.tasks:
        text = (published / "site" / "downloads" / f"{task.name}.csv").read_text(encoding="utf-8-sig")
        assert task.stats["rows"] == len(list(csv.reader(io.StringIO(text)))) - 1 > 0, task.name


def test_datapackage_dates_are_dates_and_resources_carry_hash_and_bytes(published: Path) -> None:
    downloads = published / "site" / "downloads"
    package = _json(downloads / "datapackage.json")
    for resource in package["resources"]:
        content = (downloads / resource["path"]).read_bytes()
        assert resource["bytes"] == len(content)
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
        for field in resource["schema"]["fields"]:
            if "pattern" in field.get("constraints", {}):
                assert field["type"] == "string", (resource["name"], field["name"])
    fields = {f["name"]: f for f in package["resources"][1]["schema"]["fields"]}
    assert fields["列入日期"]["type"] == "date"


def test_tampered_csv_fails_frictionless_hash_check(published: Path, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    copy = shutil.copytree(published / "site" / "downloads", tmp_path / "downloads")
    path = copy / "institutions.csv"
    path.write_bytes(path.read_bytes().replace("王建国".encode(), "王建图".encode()))
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert "hash-count" in {e.type for task in report.tasks for e in task.errors}


def test_notice_ids_come_with_their_number_and_rows_with_the_digest(published: Path) -> None:
    site = published / "site"
    rows = list(csv.DictReader(io.StringIO((site / "downloads" / "institutions.csv").read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r["统一社会信用代码"] == RECORD)
    notice, _ = load_file(published / "registry" / "notices" / f"{row['列入公告']}.yml", "notice")
    assert notice is not None and row["列入公告文号"] == notice.data["number"]
    assert row["记录摘要（SHA-256）"] == _json(site / "api" / "v1" / "institutions" / f"{RECORD}.json")["digest"]


def test_xlsx_dates_are_real_date_cells(published: Path) -> None:
    ws = openpyxl.load_workbook(published / "site" / "downloads" / "institutions.xlsx").active
    header = [c.value for c in ws[1]]
    cells = [row[header.index("列入日期")] for row in ws.iter_rows(min_row=2)]
    assert cells and all(c.is_date for c in cells if c.value is not None)
    first = next(c for c in cells if c.value is not None)
    assert first.number_format == "yyyy-mm-dd" and first.value.year >= 2000


# -- digests, manifest, publication log ----------------------------------------------------

def test_canonical_form_does_not_depend_on_the_yaml_reader() -> None:
    """mulu keeps dates as written; PyYAML makes them dates: both give one digest."""
    doc, problems = load_file(REPO / RECORD_FILE, RECORD_FILE)
    assert doc is not None and not problems
    plain = yaml.safe_load((REPO / RECORD_FILE).read_text(encoding="utf-8"))
    assert not isinstance(plain["listed"]["date"], str)
    assert record_digest(plain) == record_digest(doc.data)
    assert canonical({"b": "汉字", "a": [1, None, True]}) == '{"a":[1,null,true],"b":"汉字"}'.encode()


def test_record_digest_recomputed_as_the_public_page_says(published: Path, tmp_path: Path) -> None:
    """The first Python block of docs/verify.md, run as is on a record's API file, with an
    interpreter that sees nothing but the standard library."""
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    script = tmp_path / "record_digest.py"
    script.write_text(blocks[0], encoding="utf-8")
    assert "import hashlib" in blocks[0] and "mulu" not in blocks[0]
    api = published / "site" / "api" / "v1" / "institutions" / f"{RECORD}.json"
    proc = subprocess.run([sys.executable, "-I", "-S", str(script), str(api)], capture_output=True, text=True,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    listed = {(r["kind"], r["id"]): r["digest"] for r in _manifest(published / "site")["records"]}
    assert proc.stdout.strip() == listed[("institutions", RECORD)]
    # The digest is of the data as committed: the same as the file's, read with PyYAML.
    data = yaml.safe_load(git(published, "show", f"HEAD:{RECORD_FILE}"))
    assert proc.stdout.strip() == hashlib.sha256(json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def test_the_jq_line_of_the_public_page_agrees(published: Path) -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq 未安装")
    line = next(x for x in DOCS.read_text(encoding="utf-8").splitlines() if x.startswith("jq "))
    api = published / "site" / "api" / "v1" / "institutions" / f"{RECORD}.json"
    proc = subprocess.run(line.replace(f"api/v1/institutions/{RECORD}.json", str(api)), shell=True,
                          capture_output=True, text=True)
    assert proc.stdout.split()[0] == _json(api)["digest"]


def test_manifest_and_chain_snippets_of_the_public_page(published: Path, tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    shutil.copy(published / "site" / "api" / "v1" / "manifest.json", tmp_path)
    shutil.copy(published / "site" / "api" / "v1" / "publications.json", tmp_path)
    outputs = []
    for block in blocks[1:3]:
        proc = subprocess.run([sys.executable, "-I", "-S", "-c", block], capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout.strip())
    assert outputs == ["True", "哈希链完整，共 2 次发布"]


def test_manifest_hashes_every_data_file_and_lists_every_record(published: Path) -> None:
    site = published / "site"
    manifest = _manifest(site)
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(site).as_posix() for top in ("api", "downloads", "feeds") for p in (site / top).rglob("*")
               if p.is_file()}
    assert on_disk - {"api/v1/manifest.json"} <= set(listed) and "api/v1/manifest.json" not in listed
    for path, item in listed.items():
        content = (site / path).read_bytes()
        assert item == {"path": path, "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
    ids = {(r["kind"], r["id"]) for r in manifest["records"]}
    assert ("institutions", RECORD) in ids
    reference = sum(1 for _ in (published / "registry" / "reference").glob("*.yml"))   # code lists are no records
    assert len(ids) == sum(1 for _ in (published / "registry").glob("*/*.yml")) - reference
    head = git(published, "log", "-1", "--format=%H %cI").split()
    assert [manifest["commit"], manifest["time"]] == head


def test_build_prints_the_manifest_digest(published: Path) -> None:
    result = run_mulu("build", "--no-search", "--out", str(published / "again"), cwd=published)
    assert result.code == 0, result.err
    digest = _manifest(published / "site")["digest"]
    assert f"清单摘要（SHA-256，见 api/v1/manifest.json）：{digest}" in result.out
    shutil.rmtree(published / "again")


def test_publication_log_is_one_entry_per_registry_commit_and_a_chain(published: Path) -> None:
    log = _json(published / "site" / "api" / "v1" / "publications.json")
    registry_commits = git(published, "log", "--first-parent", "--format=%H", "--", "registry/").split()
    assert [e["commit"] for e in log["entries"]] == list(reversed(registry_commits))
    assert log["entries"][0]["previous"] is None
    first = log["entries"][0]
    assert log["entries"][1]["previous"] == hashlib.sha256(json.dumps(
        first, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert log["entries"][-1]["manifest_digest"] == _manifest(published / "site")["digest"]
    feedparser = pytest.importorskip("feedparser")
    feed = feedparser.parse((published / "site" / "feeds" / "publications.atom").read_bytes())
    assert not feed.bozo and [e.id for e in feed.entries] == [
        f"tag:example-hrss.gitee.io,2024:publication/{e['commit']}" for e in reversed(log["entries"])]
    assert log["entries"][-1]["manifest_digest"] in feed.entries[0].summary


def test_two_builds_of_one_commit_give_identical_manifests(published: Path, tmp_path: Path) -> None:
    """A fresh clone (no cache) built elsewhere gives byte-identical manifest and log."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(published), str(clone)], check=True)
    result = run_mulu("build", "--no-search", cwd=clone)
    assert result.code == 0, result.err
    for name in ("manifest.json", "publications.json"):
        assert (clone / "site" / "api" / "v1" / name).read_bytes() == \
            (published / "site" / "api" / "v1" / name).read_bytes(), name


def test_log_only_grows(tmp_path: Path) -> None:
    """A new publication appends one entry; the earlier ones stay byte for byte."""
    project = make_repo(tmp_path / "project")
    assert run_mulu("build", "--no-search", cwd=project).code == 0
    before = _json(project / "site" / "api" / "v1" / "publications.json")["entries"]
    _edit(project, "王建国", "赵建国")
    commit(project, "再次更正联系人", date="2024-03-09")
    assert run_mulu("build", "--no-search", cwd=project).code == 0
    after = _json(project / "site" / "api" / "v1" / "publications.json")["entries"]
    assert after[:len(before)] == before and len(after) == len(before) + 1
    assert after[-1]["manifest_digest"] == _manifest(project / "site")["digest"] != before[-1]["manifest_digest"]


# -- mulu verify ---------------------------------------------------------------------------

def test_verify_passes_on_a_fresh_build(published: Path, mulu) -> None:
    result = mulu("verify", "site", cwd=published)
    assert result.code == 0, result.out + result.err
    assert "核验通过" in result.out and "已与仓库版本" in result.out


def _tamper_download(site: Path) -> tuple[str, str]:
    path = site / "downloads" / "institutions.csv"
    data = bytearray(path.read_bytes())
    at = data.index("王建国".encode()) + 3
    data[at] ^= 1          # one byte of one cell
    path.write_bytes(bytes(data))
    return "downloads/institutions.csv", "SHA-256"


def _tamper_api_field(site: Path) -> tuple[str, str]:
    path = site / "api" / "v1" / "institutions" / f"{RECORD}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["data"]["status"] = "暂停"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return f"api/v1/institutions/{RECORD}.json", f"institutions/{RECORD}"


def _tamper_kind_file(site: Path) -> tuple[str, str]:
    path = site / "api" / "v1" / "institutions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["records"] = [r for r in data["records"] if r["id"] != RECORD]
    data["count"] -= 1
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return "api/v1/institutions.json", f"缺少记录 institutions/{RECORD}"


def _tamper_log(site: Path) -> tuple[str, str]:
    path = site / "api" / "v1" / "publications.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("2024-03-01T10:00:00+08:00", "2024-02-28T10:00:00+08:00", 1), encoding="utf-8")
    return "api/v1/publications.json", "哈希链在第 2 条"


@pytest.mark.parametrize("tamper", [_tamper_download, _tamper_api_field, _tamper_kind_file, _tamper_log],
                         ids=["download-byte", "api-field", "record-removed", "log-rewritten"])
def test_verify_names_what_was_tampered_with(published: Path, tmp_path: Path, mulu, tamper) -> None:
    site = shutil.copytree(published / "site", tmp_path / "site")
    file, detail = tamper(site)
    result = mulu("verify", str(site), cwd=published)
    assert result.code == 1, result.out + result.err
    lines = [line for line in result.out.splitlines() if line.startswith(file + ":")]
    assert lines and any(detail in line for line in lines), result.out
    assert re.search(r"核验发现 \d+ 个问题（[1-9]\d* 个错误）", result.out) and "Traceback" not in result.err


def test_verify_finds_a_record_that_differs_from_the_stated_commit(published: Path, tmp_path: Path, mulu) -> None:
    """Site, manifest and log all rewritten consistently: only git can tell."""
    site = shutil.copytree(published / "site", tmp_path / "site")
    manifest = _manifest(site)
    entry = next(r for r in manifest["records"] if r["id"] == RECORD)
    entry["digest"] = "0" * 64
    (site / "api" / "v1" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = mulu("verify", str(site), cwd=published)
    assert result.code == 1
    assert any(line.startswith(RECORD_FILE + ":") and "仓库版本" in line for line in result.out.splitlines()), result.out


def test_a_rewritten_history_breaks_the_chain_against_a_kept_copy(tmp_path: Path, mulu) -> None:
    project = make_repo(tmp_path / "project")
    assert mulu("build", "--no-search", cwd=project).code == 0
    kept = shutil.copytree(project / "site", tmp_path / "kept")
    assert mulu("verify", str(kept), "--against", "main", cwd=project).code == 0
    # Rewrite the last publication: same message and date, a different contact person.
    _edit(project, "王建国", "钱建国")
    git(project, "add", "-A")
    git(project, "commit", "-q", "--amend", "--no-edit", "--date", "2024-03-05T10:00:00+08:00")
    result = mulu("verify", str(kept), "--against", "main", cwd=project)
    assert result.code == 1
    assert any(line.startswith("api/v1/publications.json:") and "第 2 条发布记录" in line
               for line in result.out.splitlines()), result.out


def test_verify_one_downloaded_file(published: Path, tmp_path: Path, mulu) -> None:
    manifest = published / "site" / "api" / "v1" / "manifest.json"
    # The catalogue's JSON is its API file (api/v1/<kind>.json), not a copy under downloads/.
    for rel in ("downloads/institutions.csv", "downloads/institutions.xlsx", "api/v1/institutions.json"):
        good = mulu("verify", str(published / "site" / rel), "--manifest", str(manifest), cwd=tmp_path)
        assert good.code == 0 and rel in good.out, good.out + good.err
    bad = tmp_path / "institutions.json"
    whole = json.loads((published / "site" / "api" / "v1" / "institutions.json").read_text(encoding="utf-8"))
    next(r for r in whole["records"] if r["id"] == RECORD)["data"]["name"] += "（已改）"
    bad.write_text(json.dumps(whole, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    result = mulu("verify", str(bad), "--manifest", str(manifest), cwd=tmp_path)
    assert result.code == 1
    assert f"[{RECORD}] 记录 institutions/{RECORD} 的摘要" in result.out, result.out
    usage = mulu("verify", str(bad), cwd=tmp_path)
    assert usage.code == 2 and "--manifest" in usage.err


# -- the record page, in a browser ---------------------------------------------------------

@pytest.mark.browser
def test_record_page_shows_digest_commit_and_footer_links_the_manifest(published: Path, browser) -> None:
    site = published / "site"
    digest = _json(site / "api" / "v1" / "institutions" / f"{RECORD}.json")["digest"]
    changed = git(published, "log", "-1", "--format=%H", "--", RECORD_FILE).strip()
    first = git(published, "rev-list", "--max-parents=0", "HEAD").strip()
    assert changed != first    # the page must name the correcting commit, not the first one
    with serve(site) as url:
        page = browser.new_page()
        page.goto(f"{url}institutions/{RECORD}/")
        box = page.locator("aside.mulu-verify")
        assert box.locator("h2").inner_text() == "核验信息"
        assert box.locator(".mulu-verify__digest").inner_text() == digest
        link = box.locator("a.mulu-verify__commit")
        assert link.inner_text() == changed
        assert link.get_attribute("href") == f"https://gitee.com/example-hrss/mulu/blob/{changed}/{RECORD_FILE}"
        assert "2024-03-05" in box.inner_text() and RECORD_FILE in box.inner_text()
        # The manifest digest changes with every edit: the footer links to the manifest instead
        # of printing it, so that an edit changes only the pages it touches (mulu serve).
        footer = page.locator("footer")
        assert _manifest(site)["digest"] not in footer.inner_text()
        manifest = footer.get_by_role("link", name="发布清单")
        assert manifest.get_attribute("href") == "../../api/v1/manifest.json"
        page.goto(f"{url}api/v1/manifest.json")
        assert json.loads(page.locator("body").inner_text())["digest"] == _manifest(site)["digest"]
        page.close()


def test_outside_git_the_site_still_verifies_and_says_what_it_could_not_check(project: Path, mulu) -> None:
    assert mulu("build", "--no-search", cwd=project).code == 0
    page = (project / "site" / "institutions" / RECORD / "index.html").read_text(encoding="utf-8")
    assert "本目录不在 git 仓库中" in page and "fatal" not in page
    result = mulu("verify", "site", cwd=project)
    assert result.code == 0, result.out
    assert "未与仓库比对" in result.out and "（警告）" in result.out
    assert mulu("verify", "site", "--strict", cwd=project).code == 1


def test_a_stated_commit_missing_from_the_repository_is_a_finding(published: Path, tmp_path: Path, mulu) -> None:
    other = tmp_path / "other"
    shutil.copytree(published, other, ignore=shutil.ignore_patterns(".git", "site", ".mulu-cache"))
    init_repo(other, "另一个仓库", date="2024-04-01")
    result = mulu("verify", str(published / "site"), cwd=other)
    assert result.code == 1
    assert any(line.startswith("api/v1/manifest.json:") and "不在本仓库中" in line for line in result.out.splitlines())
    assert mulu("verify", str(published / "site"), "--against", "no-such-branch", cwd=other).code == 2

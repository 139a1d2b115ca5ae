"""``mulu verify``: check a built (or downloaded) site, or one downloaded file, against its
manifest, the publication log and the registry in git.

Site mode checks that every file the manifest lists has its SHA-256, that every record in
the API and the JSON download has the digest the manifest gives it, that the manifest's
own digest is right, that the publication log's hash chain is intact and ends at this
manifest, and (in a repository) that the records and the log are what the registry at the
stated commit, or at ``--against``, gives. Every failure is one problem naming the file or
record; the exit code is 0 or 1.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mulu.core.digest import entry_digest, manifest_digest, record_digest, sha256
from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.problems import Problem, Summary, add_format_argument, failing, report
from mulu.core.status import EFFECTIVE_FIELDS
from mulu.errors import GitError, MuluError

HELP = "核验网站或下载的文件：文件哈希、记录摘要、发布记录的哈希链，并与代码仓库中的目录数据比对。"
MANIFEST = "api/v1/manifest.json"
PUBLICATIONS = "api/v1/publications.json"
SUMMARY = Summary(passed="核验通过：所有文件、记录和发布记录都与清单一致。",
                  failed="核验发现 {count} 个问题（{errors} 个错误），涉及 {files} 个文件；有错误即为未通过。")
Key = tuple[str, str]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="网站目录或文件",
                        help="构建好的网站目录（如 site/），或一个下载的文件（CSV、XLSX、JSON，需同时给出 --manifest）。")
    parser.add_argument("--manifest", metavar="manifest.json", help="核验单个文件时使用的清单（网站的 api/v1/manifest.json）。")
    parser.add_argument("--against", metavar="版本",
                        help="与代码仓库中这个版本（分支、标签或提交）的目录数据比对；默认为清单中写明的提交。")
    parser.add_argument("--strict", action="store_true", help="警告（如无法与仓库比对）也算未通过。")
    add_format_argument(parser)


@dataclass
class Check:
    """Problems found so far, and what was looked at (for the closing lines)."""

    problems: list[Problem] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    def error(self, file: str, message: str, field_: str = "", rule: str = "verify") -> None:
        self.problems.append(Problem(file, None, None, field_, message, rule))

    def warning(self, file: str, message: str, field_: str = "", rule: str = "verify") -> None:
        self.problems.append(Problem(file, None, None, field_, message, rule, "warning"))


def _load_json(path: Path, check: Check, name: str) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as err:
        check.error(name, f"无法读取文件（{err.strerror}）。")
    except (UnicodeDecodeError, ValueError) as err:
        check.error(name, f"不是有效的 JSON（{err}）：文件被改动或下载不完整。")
    return None


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest at ``path``; a missing or unreadable one is a usage error."""
    if not path.is_file():
        raise MuluError(f"找不到清单 {path}：请确认这是 mulu 构建的网站（清单在 api/v1/manifest.json）。")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise MuluError(f"清单 {path} 无法读取或不是有效的 JSON（{err}）。") from err
    if not isinstance(data, dict) or not isinstance(data.get("records"), list) or not isinstance(data.get("files"), list):
        raise MuluError(f"{path} 不是 mulu 的发布清单（缺少 records 或 files）。")
    return data


def manifest_map(manifest: dict[str, Any]) -> dict[Key, str]:
    """``{(kind, id): digest}`` of the manifest's records."""
    return {(str(r.get("kind")), str(r.get("id"))): str(r.get("digest")) for r in manifest["records"] if isinstance(r, dict)}


def check_manifest_digest(manifest: dict[str, Any], name: str, check: Check) -> None:
    """The manifest's ``digest`` is that of its commit, time and records."""
    actual = manifest_digest(manifest)
    if manifest.get("digest") != actual:
        check.error(name, f"清单摘要应为 {actual}（由 commit、time、records 算出），清单中写的是 "
                    f"{manifest.get('digest')}：清单被改动过。", "digest")


def compare_records(found: dict[Key, str], expected: dict[Key, str], file: str, check: Check, what: str) -> None:
    """Records of a file (``found``) against the manifest (``expected``), one problem per record."""
    for key in sorted(expected.keys() - found.keys()):
        check.error(file, f"缺少记录 {key[0]}/{key[1]}：清单中有，{what}中没有（被删除？）。", key[1])
    for key in sorted(found.keys() - expected.keys()):
        check.error(file, f"记录 {key[0]}/{key[1]} 不在清单中（被添加？）。", key[1])
    for key in sorted(found.keys() & expected.keys()):
        if found[key] != expected[key]:
            check.error(file, f"记录 {key[0]}/{key[1]} 的摘要为 {found[key]}，与清单中的 {expected[key]} 不符：记录内容被改动过。",
                        key[1])


def records_in_json(data: Any, kind: str | None) -> dict[Key, str] | None:
    """Record digests computed from any of the JSON files holding records (a per-record API
    file, a kind's API file, a JSON download); None if ``data`` is none of them."""
    if isinstance(data, dict) and isinstance(data.get("data"), dict) and "kind" in data:
        return {(str(data["kind"]), str(data.get("id"))): record_digest(data["data"])}
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        k = str(data.get("kind", kind))
        return {(k, str(r.get("id"))): record_digest(r.get("data") or {}) for r in data["records"] if isinstance(r, dict)}
    if isinstance(data, list) and kind:
        # A JSON download adds the effective status to each record; the digest is of the data alone.
        return {(kind, str(r.get("id"))): record_digest({k: v for k, v in r.items() if k not in EFFECTIVE_FIELDS})
                for r in data if isinstance(r, dict)}
    return None


# -- site ---------------------------------------------------------------------------------

def check_files(site: Path, manifest: dict[str, Any], check: Check) -> None:
    """Every file the manifest lists exists with its size and SHA-256."""
    for item in manifest["files"]:
        path = str(item.get("path", "")) if isinstance(item, dict) else ""
        parts = PurePosixPath(path).parts
        if not path or path.startswith("/") or ".." in parts:
            check.error(MANIFEST, f"清单中的文件路径不合法：{path!r}。", "files")
            continue
        try:
            content = (site / path).read_bytes()
        except OSError:
            check.error(path, "文件缺失：清单中列出了它，网站中没有。")
            continue
        digest = sha256(content)
        if digest != item.get("sha256"):
            check.error(path, f"SHA-256 为 {digest}，与清单中的 {item.get('sha256')} 不符（{len(content)} 字节，清单为 "
                        f"{item.get('bytes')} 字节）：文件在发布后被改动，或下载不完整。")
    check.facts.append(f"文件 {len(manifest['files'])} 个")


def check_api_records(site: Path, manifest: dict[str, Any], check: Check) -> None:
    """The records of the API (per-kind and per-record files) and of the JSON downloads
    against the manifest's digests."""
    expected = manifest_map(manifest)
    listed = {str(item.get("path")) for item in manifest["files"] if isinstance(item, dict)}
    kinds = sorted({k for k, _ in expected} | {k.name for k in KINDS if (site / f"api/v1/{k.name}.json").is_file()})
    for kind in kinds:
        want = {key: d for key, d in expected.items() if key[0] == kind}
        for name in (f"api/v1/{kind}.json", f"downloads/{kind}.json"):
            if name not in listed and not (site / name).is_file():
                continue
            data = _load_json(site / name, check, name)
            found = records_in_json(data, kind) if data is not None else None
            if data is not None and found is None:
                check.error(name, "不是记录文件（结构不对）。")
            if found is not None:
                compare_records(found, want, name, check, "此文件")
            if data is not None and name.startswith("api/") and isinstance(data, dict):
                for r in data.get("records") or []:
                    if isinstance(r, dict) and "digest" in r and r.get("digest") != want.get((kind, str(r.get("id")))):
                        check.error(name, f"记录 {kind}/{r.get('id')} 的 digest 字段与清单不符。", str(r.get("id")))
        for (k, rid), digest in sorted(want.items()):
            name = f"api/v1/{k}/{rid}.json"
            data = _load_json(site / name, check, name) if (site / name).is_file() else None
            if data is None:
                if not (site / name).is_file():
                    check.error(name, f"记录 {k}/{rid} 的接口文件缺失。", rid)
                continue
            found = records_in_json(data, k) or {}
            if found.get((k, rid)) != digest:
                check.error(name, f"记录 {k}/{rid} 的数据算出的摘要为 {found.get((k, rid))}，与清单中的 {digest} 不符："
                            "记录内容被改动过。", rid)
            elif isinstance(data, dict) and data.get("digest") not in (None, digest):
                check.error(name, f"记录 {k}/{rid} 的 digest 字段与清单不符。", rid)
    check.facts.append(f"记录 {len(expected)} 条")


def check_chain(entries: list[Any], check: Check, name: str = PUBLICATIONS) -> None:
    """Each entry quotes the digest of the one before it; the first quotes null."""
    previous: str | None = None
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            check.error(name, f"第 {i + 1} 条发布记录格式不对。", f"entries[{i}]")
            return
        if entry.get("previous") != previous:
            check.error(name, f"哈希链在第 {i + 1} 条（提交 {entry.get('commit')}）处断开：previous 应为 {previous}，"
                        f"写的是 {entry.get('previous')}；它之前的发布记录被改写过。", f"entries[{i}]")
        previous = entry_digest(entry)


def check_publications(site: Path, manifest: dict[str, Any], check: Check) -> list[dict[str, Any]]:
    """The publication log: an intact chain whose newest entry is this manifest."""
    data = _load_json(site / PUBLICATIONS, check, PUBLICATIONS) if (site / PUBLICATIONS).is_file() else None
    if data is None:
        if not (site / PUBLICATIONS).is_file():
            check.error(PUBLICATIONS, "发布记录文件缺失。")
        return []
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        check.error(PUBLICATIONS, "不是发布记录（缺少 entries）。")
        return []
    if not data.get("available", True):
        check.warning(PUBLICATIONS, f"构建时没有发布记录：{data.get('note', '')}")
        return []
    check_chain(entries, check)
    last = entries[-1] if entries and isinstance(entries[-1], dict) else None
    if manifest.get("commit") and (last is None or last.get("commit") != manifest.get("commit")
                                   or last.get("manifest_digest") != manifest.get("digest")):
        check.error(PUBLICATIONS, f"最后一条发布记录（提交 {last.get('commit') if last else '无'}）不是本清单（提交 "
                    f"{manifest.get('commit')}，清单摘要 {manifest.get('digest')}）。", "entries")
    check.facts.append(f"发布记录 {len(entries)} 条")
    return [e for e in entries if isinstance(e, dict)]


def check_against_git(root: Path, rev: str, manifest: dict[str, Any], entries: list[dict[str, Any]] | None,
                      check: Check) -> None:
    """The manifest's records against the registry at ``rev``; the log against the one
    rebuilt from the repository's history."""
    from mulu.history.publications import digests_at, load_publications

    try:
        sha, at = digests_at(root, rev)
    except GitError as err:
        if not rev_is_manifest(rev, manifest):
            raise MuluError(f"无法读取代码仓库中的版本“{rev}”：{err.message}") from err
        # The stated commit is gone: a finding (a rewritten history, or another repository).
        check.error(MANIFEST, f"清单所述的提交 {rev} 不在本仓库中：仓库历史可能被改写过，或这不是发布该网站的仓库"
                    "（可用 --against 指定要比对的版本）。", "commit")
        return
    expected = manifest_map(manifest)
    for key in sorted(expected.keys() - at.keys()):
        check.error(f"registry/{key[0]}/{key[1]}.yml", f"清单中有记录 {key[0]}/{key[1]}，仓库版本 {sha[:12]} 中没有。", key[1])
    for key in sorted(at.keys() - expected.keys()):
        check.error(f"registry/{key[0]}/{key[1]}.yml", f"仓库版本 {sha[:12]} 中有这条记录，清单中没有。", key[1])
    for key in sorted(at.keys() & expected.keys()):
        if at[key] != expected[key]:
            check.error(f"registry/{key[0]}/{key[1]}.yml", f"仓库版本 {sha[:12]} 中这条记录的摘要为 {at[key]}，"
                        f"与清单中的 {expected[key]} 不符。", key[1])
    check.facts.append(f"已与仓库版本 {sha[:12]} 比对")
    if entries is None:
        return
    log = load_publications(root, sha)
    if not log.available:
        check.warning(PUBLICATIONS, log.note)
        return
    for i, (mine, theirs) in enumerate(zip(entries, log.entries)):
        if mine != theirs:
            check.error(PUBLICATIONS, f"第 {i + 1} 条发布记录（提交 {mine.get('commit')}）与仓库历史重新算出的"
                        f"（提交 {theirs.get('commit')}）不同：发布记录或仓库历史被改写过。", f"entries[{i}]")
            break
    if rev_is_manifest(rev, manifest) and len(entries) > len(log.entries):
        check.error(PUBLICATIONS, f"发布记录有 {len(entries)} 条，仓库历史只给出 {len(log.entries)} 条。", "entries")


def rev_is_manifest(rev: str, manifest: dict[str, Any]) -> bool:
    """Whether the comparison is with the manifest's own commit."""
    return bool(manifest.get("commit")) and rev == manifest.get("commit")


def _repository(root_arg: str | None, needed: bool) -> Path | None:
    from mulu.project import resolve_root

    try:
        return resolve_root(root_arg)
    except MuluError:
        if needed:
            raise
        return None


def verify_site(site: Path, root: Path | None, against: str | None) -> Check:
    """Every check of a site directory."""
    check = Check()
    manifest = read_manifest(site / MANIFEST)
    check_manifest_digest(manifest, MANIFEST, check)
    check_files(site, manifest, check)
    check_api_records(site, manifest, check)
    entries = check_publications(site, manifest, check)
    rev = against or str(manifest.get("commit") or "")
    if root is None:
        check.warning(MANIFEST, "不在代码仓库中运行，未与仓库中的目录数据比对：请在项目目录中运行，或用 --root 指定项目目录。")
    elif not rev:
        check.warning(MANIFEST, "清单没有写明提交（构建时不在 git 仓库中），未与仓库比对：可用 --against 指定版本。")
    else:
        check_against_git(root, rev, manifest, entries if (site / PUBLICATIONS).is_file() else None, check)
    return check


# -- one file -----------------------------------------------------------------------------

def _sheet_rows(path: Path) -> list[list[Any]]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
    text = path.read_bytes().decode("utf-8-sig")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def records_in_sheet(path: Path, kind: str) -> dict[Key, str] | None:
    """``{(kind, id): digest}`` from a downloaded sheet's first column and digest column."""
    from mulu.sheets.columns import DIGEST_HEADER

    rows = _sheet_rows(path)
    if not rows or DIGEST_HEADER not in rows[0] or any(len(row) != len(rows[0]) for row in rows[1:]):
        return None   # header or rows damaged: the file's hash has said so already
    col = rows[0].index(DIGEST_HEADER)
    return {(kind, str(row[0])): str(row[col]) for row in rows[1:] if row[0] not in (None, "")}


def kind_of(path: str) -> str | None:
    """The kind a published file holds: ``downloads/<kind>.csv``, ``api/v1/<kind>.json``,
    ``api/v1/<kind>/<id>.json``; None for any other file."""
    parts = PurePosixPath(path).parts
    if len(parts) == 2 and parts[0] == "downloads":
        name = PurePosixPath(parts[1]).stem
    elif len(parts) == 3 and parts[:2] == ("api", "v1"):
        name = PurePosixPath(parts[2]).stem
    elif len(parts) == 4 and parts[:2] == ("api", "v1"):
        name = parts[2]
    else:
        return None
    return name if name in KIND_BY_NAME else None


def verify_file(path: Path, manifest_path: Path) -> Check:
    """One downloaded file against a manifest: its SHA-256, and the records it holds."""
    check = Check()
    manifest = read_manifest(manifest_path)
    check_manifest_digest(manifest, manifest_path.name, check)
    content = path.read_bytes()
    digest = sha256(content)
    candidates = [item for item in manifest["files"]
                  if isinstance(item, dict) and PurePosixPath(str(item.get("path"))).name == path.name]
    if any(item.get("sha256") == digest for item in candidates):
        match = next(item for item in candidates if item.get("sha256") == digest)
        check.facts.append(f"与清单中的 {match['path']} 一致")
        return check
    if not candidates:
        check.error(path.name, f"清单中没有名为 {path.name} 的文件：请用原来的文件名核验，或确认清单是同一次发布的。")
        return check
    target = str(candidates[0]["path"])
    check.error(path.name, f"SHA-256 为 {digest}，与清单中 {target} 的 {candidates[0].get('sha256')} 不符：文件被改动或不完整。")
    kind = kind_of(target)
    expected = {key: d for key, d in manifest_map(manifest).items() if kind is None or key[0] == kind}
    found: dict[Key, str] | None = None
    try:
        if path.suffix.lower() == ".json":
            found = records_in_json(json.loads(content.decode("utf-8-sig")), kind)
            if found is not None and len(found) == 1 and target.count("/") == 3:
                expected = {key: d for key, d in expected.items() if key in found}
        elif path.suffix.lower() in (".csv", ".xlsx") and kind:
            found = records_in_sheet(path, kind)
    except Exception as err:  # a damaged file is a finding, not a crash
        check.error(path.name, f"文件无法读取（{type(err).__name__}）：文件损坏或不完整。")
    if found is not None:
        compare_records(found, expected, path.name, check, "文件")
    return check


def run(args: argparse.Namespace) -> int:
    target = Path(args.target)
    if not target.exists():
        raise MuluError(f"找不到 {target}：请给出网站目录（如 site/）或下载的文件。")
    if target.is_dir():
        root = _repository(args.root, needed=bool(args.against))
        check = verify_site(target, root, args.against)
        subject = f"网站 {target}"
    else:
        if not args.manifest:
            raise MuluError("核验单个文件需要同一次发布的清单：mulu verify 文件 --manifest manifest.json"
                            "（清单在网站的 api/v1/manifest.json）。")
        check = verify_file(target, Path(args.manifest))
        subject = f"文件 {target.name}"
    if args.format == "text":
        print(f"核验{subject}" + ("：" + "，".join(check.facts) if check.facts else ""))
    print(report(check.problems, args.format, SUMMARY))
    return 1 if failing(check.problems, args.strict) else 0

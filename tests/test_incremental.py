"""``mulu validate --changed BASE`` and ``mulu diff`` take unchanged files from the validation
cache; whatever is edited, they must report exactly the problems of a full validation, in
the same order. Edits are drawn at random (seeded, several seeds), one file or several at a
time, and applied one batch after another so that each check starts from the cache the
previous one left."""

from __future__ import annotations

import json
import random
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from helpers.dates import AS_OF
from helpers.git import commit, git, init_repo
from mulu.core.incremental import CACHE_DIR, ProblemCache, Stats, check_changed
from mulu.core.kinds import KINDS
from mulu.history.compare import compare, introduced_problems, touched_paths
from mulu.history.git import Repo
from mulu.project import check_project

DAY = date.fromisoformat(AS_OF)
KIND_NAMES = [k.name for k in KINDS]
SCALAR = re.compile(r"^(\s*(?:- )?)([a-z_]+): (.+)$")


def _records(root: Path) -> list[Path]:
    return sorted(p for kind in KIND_NAMES for p in (root / "registry" / kind).glob("*.yml"))


def _rewrite(path: Path, change: str) -> None:
    path.write_text(change, encoding="utf-8")


# -- random edits: each returns a short description (shown when a seed fails) ----------------------

def edit_value(root: Path, rng: random.Random) -> str:
    """A scalar replaced by a value that breaks a schema, a reference or a date order, or by a
    value taken from another record (a duplicate, a reference to something else)."""
    path = rng.choice(_records(root))
    lines = path.read_text(encoding="utf-8").splitlines()
    spots = [i for i, line in enumerate(lines) if SCALAR.match(line)]
    i = rng.choice(spots)
    indent, key, _ = SCALAR.match(lines[i]).groups()  # type: ignore[union-attr]
    other = rng.choice(_records(root)).read_text(encoding="utf-8").splitlines()
    borrowed = [SCALAR.match(x).group(3) for x in other if SCALAR.match(x)]  # type: ignore[union-attr]
    value = rng.choice(["''", "12345", "不存在的编号", "'1999-01-01'", "'2099-12-31'", "已移出", "暂停",
                        "'110000'", "'999999'", "true", *rng.sample(borrowed, min(3, len(borrowed)))])
    lines[i] = f"{indent}{key}: {value}"
    _rewrite(path, "\n".join(lines) + "\n")
    return f"{path.name}: {key} = {value}"


def edit_syntax(root: Path, rng: random.Random) -> str:
    """A YAML syntax error (an unclosed bracket, a tab, a duplicate key) or an empty file."""
    path = rng.choice(_records(root))
    text = path.read_text(encoding="utf-8")
    broken = rng.choice([text + "broken: [unclosed\n", text.replace("\n  ", "\n\t", 1),
                         text + "id: again\n", "", "- a list\n- not a mapping\n"])
    _rewrite(path, broken)
    return f"{path.name}: syntax"


def edit_delete(root: Path, rng: random.Random) -> str:
    """A record deleted: untouched records that named it now have a broken reference."""
    path = rng.choice(_records(root))
    path.unlink()
    return f"{path.name}: deleted"


def edit_rename(root: Path, rng: random.Random) -> str:
    """A record renamed (with or without its id): references to the old id break."""
    path = rng.choice(_records(root))
    new = path.with_name(f"renamed-{rng.randrange(1000)}.yml")
    path.rename(new)
    if rng.random() < 0.5:
        _rewrite(new, re.sub(r"(?m)^id: .*$", f"id: {new.stem}", new.read_text(encoding="utf-8"), count=1))
    return f"{path.name} -> {new.name}"


def edit_add(root: Path, rng: random.Random) -> str:
    """A new record: a copy under a new id, or under an id differing only in case (a duplicate
    id; for institutions and assessors a duplicate credit code)."""
    path = rng.choice(_records(root))
    stem = path.stem
    twin = stem.lower() if stem != stem.lower() else stem.upper()
    name = twin if twin != stem and rng.random() < 0.6 else f"{stem}-copy{rng.randrange(100)}"
    new = path.with_name(f"{name}.yml")
    _rewrite(new, re.sub(r"(?m)^id: .*$", f"id: {name}", path.read_text(encoding="utf-8"), count=1))
    return f"added {new.name}"


def edit_status(root: Path, rng: random.Random) -> str:
    """A status change (a spec withdrawn affects every spec it replaces; a notice date moves)."""
    kind = rng.choice(["specs", "notices", "shortages", "programmes", "institutions"])
    paths = sorted((root / "registry" / kind).glob("*.yml"))
    if not paths:
        return "no-op"
    path = rng.choice(paths)
    text = path.read_text(encoding="utf-8")
    if kind == "notices":
        text = re.sub(r"(?m)^date: .*$", f"date: '20{rng.randrange(15, 30)}-0{rng.randrange(1, 9)}-15'", text, count=1)
    else:
        text = text.replace("status: 在册", rng.choice(["status: 已移出", "status: 暂停"]), 1)
    _rewrite(path, text)
    return f"{path.name}: status/date"


def edit_frame(root: Path, rng: random.Random) -> str:
    """A code list or config.yml change: every record depends on these."""
    path = root / "registry" / rng.choice(["config.yml", "reference/levels.yml"])
    lines = path.read_text(encoding="utf-8").splitlines()
    del lines[rng.randrange(len(lines))]
    _rewrite(path, "\n".join(lines) + "\n")
    return f"{path.name}: line removed"


EDITS = [edit_value] * 5 + [edit_syntax, edit_delete, edit_rename, edit_add, edit_add, edit_status, edit_status,
                            edit_frame]


def _git_project(project: Path) -> Path:
    """The project committed on ``main``, with a branch ``change`` checked out for the edits;
    the cache is ignored as in a checkout of this repository (a tracked one is refused)."""
    (project / ".gitignore").write_text("/.mulu-cache/\n", encoding="utf-8")
    init_repo(project)
    git(project, "checkout", "-q", "-b", "change")
    return project


def _assert_same(root: Path, done: list[str], base: str = "main") -> Stats:
    """Check with the cache alone, then as ``--changed`` does; return the first run's counts."""
    full = check_project(root, as_of=DAY)
    stats = Stats()
    cached = check_changed(root, as_of=DAY, stats=stats)   # the cache alone, no paths forced
    forced = check_changed(root, as_of=DAY, force=touched_paths(root, base))
    assert cached == full, f"cache only, after: {done}"
    assert forced == full, f"--changed, after: {done}"
    return stats


@pytest.mark.parametrize("seed", range(5))
def test_random_edits_give_the_problems_of_a_full_validation(project: Path, seed: int) -> None:
    root = _git_project(project)
    rng = random.Random(seed)
    check_changed(root, as_of=DAY)   # the cache as CI would have it for the base
    done: list[str] = []
    for _ in range(3):
        for _ in range(rng.choice([1, 1, 2, 3, 5])):
            done.append(rng.choice(EDITS)(root, rng))
        _assert_same(root, done)
    git(root, "checkout", "-q", "--", ".")
    git(root, "clean", "-qfd", "registry")
    _assert_same(root, done + ["all reverted"])


def test_one_edit_checks_few_files_and_the_rest_comes_from_the_cache(project: Path) -> None:
    root = _git_project(project)
    first = Stats()
    check_changed(root, as_of=DAY, stats=first)
    assert first.cached == 0 and first.checked == len(_records(root))
    path = root / "registry" / "programmes" / "hb-4-03-02-02.yml"
    _rewrite(path, path.read_text(encoding="utf-8").replace("subsidy: 800", "subsidy: 8000"))
    stats = _assert_same(root, ["subsidy"])
    assert stats.checked == 1 and stats.cached == len(_records(root)) - 1


@pytest.mark.parametrize("how", ["deleted", "renamed"])
def test_deleted_or_renamed_record_breaks_references_of_untouched_records(project: Path, how: str) -> None:
    root = _git_project(project)
    check_changed(root, as_of=DAY)
    notice = root / "registry" / "notices" / "hb-2022-40.yml"
    if how == "deleted":
        notice.unlink()
    else:
        notice.rename(notice.with_name("hb-2022-40-new.yml"))
        _rewrite(notice.with_name("hb-2022-40-new.yml"),
                 notice.with_name("hb-2022-40-new.yml").read_text(encoding="utf-8").replace("id: hb-2022-40", "id: hb-2022-40-new"))
    stats = _assert_same(root, [f"notice {how}"])
    broken = [p for p in check_changed(root, as_of=DAY) if p.rule == "rule.reference" and "hb-2022-40" in p.message]
    assert broken and all(p.file != "registry/notices/hb-2022-40.yml" for p in broken)
    # Exactly the records naming the notice (and the renamed file itself) were checked again.
    assert stats.checked == len({p.file for p in broken}) + (how == "renamed")


def test_new_duplicate_credit_code_is_reported(project: Path) -> None:
    root = _git_project(project)
    check_changed(root, as_of=DAY)
    original = next(p for p in sorted((root / "registry" / "institutions").glob("*.yml")) if p.stem != p.stem.lower())
    twin = original.with_name(original.stem.lower() + ".yml")
    shutil.copy(original, twin)
    _assert_same(root, ["duplicate credit code"])
    assert any(p.rule == "rule.id_unique" for p in check_changed(root, as_of=DAY))


def test_damaged_or_foreign_cache_changes_nothing(project: Path) -> None:
    root = _git_project(project)
    check_changed(root, as_of=DAY)
    for cache_file in (root / CACHE_DIR).glob("*.json"):
        data = json.loads(cache_file.read_text(encoding="utf-8"))
        # Entries of one file moved under another file's key: the blob no longer matches, so unused.
        keys = sorted(data["entries"])
        data["entries"][keys[0]], data["entries"][keys[1]] = data["entries"][keys[1]], data["entries"][keys[0]]
        cache_file.write_text(json.dumps(data), encoding="utf-8")
    edit_value(root, random.Random(1))
    assert check_changed(root, as_of=DAY) == check_project(root, as_of=DAY)
    for cache_file in (root / CACHE_DIR).glob("*.json"):
        cache_file.write_text("{not json", encoding="utf-8")
    assert check_changed(root, as_of=DAY) == check_project(root, as_of=DAY)


def test_in_memory_cache_and_parallel_check(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mulu.core.incremental as incremental
    monkeypatch.setattr(incremental, "PARALLEL_FROM", 10)
    cache = ProblemCache(None)
    edit_value(project, random.Random(3))
    assert check_changed(project, cache=cache, as_of=DAY, jobs=2) == check_project(project, as_of=DAY)
    assert not (project / CACHE_DIR).exists()


# -- mulu diff: the problems a change introduces, as two full validations would give them ------------

def _expected_introduced(root: Path, base: str, head: str | None, tmp: Path) -> list:
    repo = Repo.open(root)
    before_dir = tmp / "before"
    repo.export(repo.resolve(base), before_dir)
    if head is None:
        after_dir = root
    else:
        after_dir = tmp / "after"
        repo.export(repo.resolve(head), after_dir)
    return introduced_problems(check_project(before_dir), check_project(after_dir))


@pytest.mark.parametrize("seed", range(3))
def test_diff_reports_the_problems_of_two_full_validations(project: Path, tmp_path: Path, seed: int) -> None:
    root = _git_project(project)
    rng = random.Random(100 + seed)
    for step in range(3):
        for _ in range(rng.choice([1, 2, 4])):
            rng.choice(EDITS)(root, rng)
        assert compare(root, "main", None).introduced == _expected_introduced(root, "main", None, tmp_path / f"w{step}")
        commit(root, f"第 {step} 批修改")
        assert compare(root, "main", "HEAD").introduced == _expected_introduced(root, "main", "HEAD",
                                                                               tmp_path / f"c{step}")
        assert compare(root, "HEAD~1", "HEAD").introduced == _expected_introduced(root, "HEAD~1", "HEAD",
                                                                                 tmp_path / f"p{step}")


def test_diff_of_an_unusual_revision_falls_back_to_a_checkout(project: Path, tmp_path: Path) -> None:
    root = _git_project(project)
    target = sorted((root / "registry" / "programmes").glob("*.yml"))[0]
    (root / "registry" / "programmes" / "linked.yml").symlink_to(target.name)
    misnamed = sorted((root / "registry" / "specs").glob("*.yml"))[0]
    misnamed.rename(misnamed.with_suffix(".yaml"))
    commit(root, "符号链接和错误的扩展名")
    assert compare(root, "main", "HEAD").introduced == _expected_introduced(root, "main", "HEAD", tmp_path)
    assert compare(root, "main", "HEAD").introduced


# -- what users see --------------------------------------------------------------------------------

def test_validate_changed_prints_what_validate_prints(project: Path, mulu) -> None:
    root = _git_project(project)
    rng = random.Random(7)
    for edit in (edit_delete, edit_add, edit_syntax, edit_value, edit_value):
        edit(root, rng)
    for fmt in ("text", "json", "github"):
        full = mulu("validate", "--format", fmt, cwd=root)
        cold = mulu("validate", "--changed", "main", "--format", fmt, cwd=root)
        warm = mulu("validate", "--changed", "main", "--format", fmt, cwd=root)
        assert full.code == cold.code == warm.code == 1
        assert full.out == cold.out == warm.out
    assert "快速校验" in warm.err and "取自缓存" in warm.err


def test_validate_changed_outside_git_or_with_an_unknown_base(project: Path, mulu) -> None:
    outside = mulu("validate", "--changed", "main", cwd=project)
    assert outside.code == 2 and "错误：" in outside.err and "Traceback" not in outside.err
    init_repo(project)
    unknown = mulu("validate", "--changed", "no-such-branch", cwd=project)
    assert unknown.code == 2 and "找不到版本" in unknown.err


def test_a_committed_cache_cannot_hide_the_references_a_merge_request_breaks(project: Path, mulu) -> None:
    """Attack: the merge request deletes a notice that untouched programmes name, and commits a
    cache saying every untouched file reads nothing of other records (so would not be re-checked)."""
    root = _git_project(project)
    assert mulu("validate", "--changed", "main", cwd=root).code == 0   # fills .mulu-cache/
    git(root, "checkout", "-q", "-b", "pr")
    (root / "registry" / "notices" / "hb-2022-40.yml").unlink()
    for cache_file in (root / CACHE_DIR).glob("*.json"):
        data = json.loads(cache_file.read_text(encoding="utf-8"))
        for entry in data["entries"].values():
            entry[1] = []
        cache_file.write_text(json.dumps(data), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "add", "-f", CACHE_DIR.as_posix())
    commit(root, "删除公告，附带缓存")
    full = mulu("validate", cwd=root)
    assert full.code == 1 and "hb-2022-40" in full.out
    for args in (("validate", "--changed", "main"), ("diff", "main", "pr")):
        result = mulu(*args, cwd=root)
        assert result.code == 1, (args, result.out, result.err)
        assert "不能提交" in result.err and ".mulu-cache" in result.err and "Traceback" not in result.err


@pytest.mark.parametrize(("kind", "field"), [("programmes", "levels"), ("institutions", "offerings"),
                                             ("assessors", "scope"), ("bases", "occupations"),
                                             ("specs", "competencies"), ("trainers", "occupations"),
                                             ("qualifications", "occupations"), ("shortages", "entries")])
def test_a_number_where_a_list_belongs_is_a_problem_not_a_crash(project: Path, kind: str, field: str) -> None:
    # Found by the random edits above: rules iterated such values and validation stopped with a traceback.
    path = sorted((project / "registry" / kind).glob("*.yml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"(?m)^{field}:.*(\n[ -].*)*", f"{field}: 12345", text, count=1), encoding="utf-8")
    found = [p for p in check_project(project, as_of=DAY) if p.file.endswith(path.name) and p.field == field]
    assert found and found[0].rule == "schema.type"

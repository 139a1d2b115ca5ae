"""The CI steps, run through scripts/ci_steps.sh on a clean clone, and the CI definitions
(GitHub Actions, GitLab, pre-commit, editor settings) that call the same commands."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers.git import git, init_repo
from helpers.owners import change_address, two_institutions
from mulu.cli import COMMANDS
from mulu.core.kinds import KINDS

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "ci_steps.sh"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
GITLAB = REPO / ".gitlab-ci.yml"
MULU_BIN = Path(sys.executable).parent


def has_command(name: str) -> bool:
    return importlib.util.find_spec(f"mulu.commands.{COMMANDS[name]}") is not None


@pytest.fixture
def clone(project: Path, tmp_path: Path) -> Path:
    """A clean clone of a repository holding the sample project, on a branch ``change``."""
    (project / "scripts").mkdir()
    shutil.copy2(SCRIPT, project / "scripts" / "ci_steps.sh")
    shutil.copy2(REPO / ".gitignore", project / ".gitignore")
    origin = init_repo(project)
    dest = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin), str(dest)], check=True)
    git(dest, "checkout", "-q", "-b", "change")
    return dest


def run_steps(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if not (MULU_BIN / "mulu").exists():
        pytest.skip("mulu 命令不在 Python 解释器旁边（未用 pip install -e . 安装）")
    env = {**os.environ, "PATH": f"{MULU_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "GITHUB_STEP_SUMMARY": str(clone.parent / "summary.md")}
    return subprocess.run(["bash", "scripts/ci_steps.sh", *args], cwd=clone, capture_output=True, text=True,
                          env=env, timeout=600)


def test_valid_change_passes_with_summary_and_preview(clone: Path) -> None:
    mine, _ = two_institutions(clone)
    change_address(clone, mine.path)
    git(clone, "commit", "-q", "-am", "更新地址")
    result = run_steps(clone, "pr", "origin/main", mine.maintainers[0])
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "::error" not in out and "全部检查通过" in out
    assert "修改权限检查通过" in out
    summary = (clone.parent / "summary.md").read_text(encoding="utf-8")
    if has_command("diff"):
        record_id = Path(mine.path).stem
        assert record_id in summary and "新校区 8 号楼" in summary and "→" in summary
    else:
        assert "还没有 diff 命令" in summary
    if has_command("build"):
        assert (clone / "site" / "index.html").is_file()
        assert "预览站点：site/" in out
    else:
        assert "还没有 build 命令" in out


def test_invalid_change_fails_with_annotations_naming_file_and_line(clone: Path) -> None:
    mine, _ = two_institutions(clone)
    path = clone / mine.path
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("region:"))
    lines[line - 1] = 'region: "999999"\n'
    path.write_text("".join(lines), encoding="utf-8")
    git(clone, "commit", "-q", "-am", "改错了地区")
    result = run_steps(clone, "pr", "origin/main", mine.maintainers[0])
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert f"::error file={mine.path},line={line},col=1::[region]" in out
    assert "999999" in out
    assert "校验未通过，不构建预览站点" in out and not (clone / "site").exists()
    assert "未通过的检查：校验记录" in out


def test_change_to_someone_elses_record_fails_the_ownership_step(clone: Path) -> None:
    mine, theirs = two_institutions(clone)
    change_address(clone, theirs.path)
    git(clone, "commit", "-q", "-am", "改了别人的记录")
    result = run_steps(clone, "pr", "origin/main", mine.maintainers[0])
    assert result.returncode == 1
    assert f"::error file={theirs.path},title=没有修改权限::" in result.stdout
    assert "未通过的检查：检查修改权限" in result.stdout


def test_publish_builds_only_when_validation_passes(clone: Path) -> None:
    result = run_steps(clone, "publish")
    assert result.returncode == 0, result.stdout + result.stderr
    if has_command("build"):
        assert (clone / "site" / "index.html").is_file()
        shutil.rmtree(clone / "site")
    mine, _ = two_institutions(clone)
    (clone / mine.path).write_text("id: [\n", encoding="utf-8")
    broken = run_steps(clone, "publish")
    assert broken.returncode == 1
    assert f"::error file={mine.path},line=" in broken.stdout
    assert "校验未通过：不构建、不发布" in broken.stdout and not (clone / "site").exists()


def test_usage_is_explained(clone: Path) -> None:
    result = run_steps(clone, "pr", "origin/main")
    assert result.returncode == 2 and "BASE" in result.stderr and "AUTHOR" in result.stderr


# ------------------------------------------------------------------ CI definitions

def _mulu_commands(text: str) -> set[str]:
    return set(re.findall(r"\bmulu ([a-z][a-z-]*)", text))


def _workflow_scripts() -> dict[str, str]:
    """Every shell script in the CI definitions, by file name."""
    scripts = {}
    for path in WORKFLOWS:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        scripts[path.name] = "\n".join(step.get("run", "") for job in doc["jobs"].values()
                                       for step in job.get("steps", []))
    doc = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    scripts[GITLAB.name] = "\n".join(line for job in doc.values() if isinstance(job, dict)
                                     for line in job.get("script", []))
    return scripts


def test_ci_definitions_and_local_script_call_the_same_commands() -> None:
    script = "\n".join(line for line in SCRIPT.read_text(encoding="utf-8").splitlines()
                       if not line.lstrip().startswith("#"))
    local = _mulu_commands(script)
    assert local == {"validate", "fmt", "check-owners", "diff", "build"}
    assert local <= set(COMMANDS)
    scripts = _workflow_scripts()
    github = set().union(*(_mulu_commands(scripts[p.name]) for p in WORKFLOWS))
    assert github == local, "GitHub 工作流与 scripts/ci_steps.sh 调用的 mulu 命令不一致"
    assert _mulu_commands(scripts[GITLAB.name]) == local, ".gitlab-ci.yml 与 scripts/ci_steps.sh 不一致"
    # Pull requests validate with the cache (same problems as a full run); publishing validates in full.
    assert 'mulu validate --changed "$BASE" --format github' in scripts["pr.yml"]
    assert 'mulu validate --changed "$base" --format github' in script
    assert "GITHUB_STEP_SUMMARY" in scripts["pr.yml"]
    assert "github.event.pull_request.user.login" in (REPO / ".github/workflows/owners.yml").read_text(encoding="utf-8")


def test_ci_definitions_follow_the_published_schemas() -> None:
    assert shutil.which("check-jsonschema"), "check-jsonschema 未安装：pip install -e '.[test]'"
    for name, files in (("vendor.github-workflows", [str(p) for p in WORKFLOWS]), ("vendor.gitlab-ci", [str(GITLAB)])):
        proc = subprocess.run(["check-jsonschema", "--builtin-schema", name, *files], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_publishing_waits_for_validation() -> None:
    publish = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    steps = [s.get("run", s.get("uses", "")) for s in publish["jobs"]["build"]["steps"]]
    assert steps.index("mulu validate --format github") < steps.index("mulu build")
    assert publish["jobs"]["deploy"]["needs"] == "build"
    pages = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["pages"]["script"]
    assert pages.index("mulu validate") < pages.index("mulu build")


def _hooks(path: Path) -> list[dict]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return doc if isinstance(doc, list) else [h for repo in doc["repos"] for h in repo["hooks"]]


@pytest.mark.parametrize("hooks_file", [".pre-commit-hooks.yaml", ".pre-commit-config.yaml"])
def test_pre_commit_hooks_check_changed_records(project: Path, hooks_file: str) -> None:
    """Run each hook the way pre-commit does: its entry plus the staged files its pattern selects."""
    hooks = {h["id"]: h for h in _hooks(REPO / hooks_file)}
    # The project's own config also lints its Python code; the hooks offered to others do not.
    code_hooks = {"ruff", "mypy"} if hooks_file == ".pre-commit-config.yaml" else set()
    assert set(hooks) == {"mulu-validate", "mulu-fmt"} | code_hooks
    institutions = sorted((project / "registry" / "institutions").glob("*.yml"))
    broken, untidy = institutions[0], institutions[1]
    broken.write_text(broken.read_text(encoding="utf-8").replace("status: 在册", "status: 正常", 1), encoding="utf-8")
    untidy.write_text(untidy.read_text(encoding="utf-8").replace("\nstatus: ", "\nstatus:   ", 1), encoding="utf-8")
    staged = [p.relative_to(project).as_posix() for p in (broken, untidy)] + ["registry/reference/levels.yml"]
    env = {**os.environ, "PATH": f"{MULU_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}

    def run(hook: dict, files: list[str]) -> subprocess.CompletedProcess[str]:
        chosen = [f for f in files if re.search(hook["files"], f)]
        assert "registry/reference/levels.yml" not in chosen
        return subprocess.run([*hook["entry"].split(), *chosen], cwd=project, capture_output=True, text=True, env=env)

    validate = run(hooks["mulu-validate"], staged)
    assert validate.returncode == 1
    assert broken.relative_to(project).as_posix() in validate.stdout and "“状态”只能是以下之一" in validate.stdout
    fmt = run(hooks["mulu-fmt"], staged[1:])
    assert fmt.returncode == 1 and untidy.relative_to(project).as_posix() in fmt.stdout
    clean = [p.relative_to(project).as_posix() for p in institutions[2:4]]
    assert run(hooks["mulu-validate"], clean).returncode == 0
    assert run(hooks["mulu-fmt"], clean).returncode == 0


def test_editor_settings_map_every_folder_to_its_schema() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = {glob: schema for schema, globs in settings["yaml.schemas"].items() for glob in globs}
    for kind in KINDS:
        schema = mapping[f"registry/{kind.name}/*.yml"]
        assert (REPO / schema).resolve() == (REPO / "schemas" / kind.schema).resolve()
    assert (REPO / mapping["registry/config.yml"]).is_file()

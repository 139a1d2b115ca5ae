#!/usr/bin/env bash
# 在本机按 CI 的步骤检查一次修改。这里调用的 mulu 命令与 .github/workflows/*.yml 和
# .gitlab-ci.yml 中的完全相同（tests/test_ci_steps.py 会核对），所以本机通过，CI 也会通过。
#
# 用法（在项目目录中运行）：
#   scripts/ci_steps.sh pr BASE AUTHOR   合并请求检查：校验记录、检查格式、修改权限、变更摘要、预览站点
#                                        BASE 为目标分支（例如 origin/main），AUTHOR 为提交修改的账号
#   scripts/ci_steps.sh publish          合并后的发布检查：校验通过才构建站点（上传发布由 CI 完成）
#
# 变更摘要写入 $GITHUB_STEP_SUMMARY（未设置时写入 build/ci/summary.md），预览站点在 site/。
# 退出码：0 全部通过；1 有检查未通过；2 用法错误。
set -uo pipefail

usage() {
  sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

cd "$(dirname "$0")/.." || exit 2
mode=${1:-}
failed=()

# 每一步先打印标题，便于在日志中查找；失败的步骤记下来，最后一并报告。
step() {
  local title=$1
  shift
  echo "::group::${title}"
  "$@"
  local rc=$?
  echo "::endgroup::"
  return $rc
}

has_command() {
  # 另一个 mulu 子命令尚未实现时（例如早期版本没有 build/diff），跳过那一步并说明。
  mulu "$1" --help >/dev/null 2>&1
}

changed_records() {
  # BASE 以来新增或修改的记录文件（含尚未提交的），供格式检查使用。
  local since
  since=$(git merge-base "$1" HEAD) || return 1
  { git diff --name-only --diff-filter=AM "$since" -- registry/
    git ls-files --others --exclude-standard -- registry/
  } | grep -E '^registry/((programmes|institutions|assessors|bases|studios|specs|notices)/[^/]+\.yml|config\.yml)$' | sort -u
}

run_pr() {
  local base=$1 author=$2
  local summary=${GITHUB_STEP_SUMMARY:-build/ci/summary.md}
  mkdir -p "$(dirname "$summary")"

  local validated=0
  # --changed：BASE 以来改动的记录完整检查，其余取自 .mulu-cache/ 的缓存；问题与完整校验相同。
  if step "校验记录" mulu validate --changed "$base" --format github; then
    validated=1
  else
    failed+=("校验记录")
  fi

  local files
  mapfile -t files < <(changed_records "$base")
  if [ ${#files[@]} -gt 0 ]; then
    # 格式问题只提示（::warning），不阻止合并：运行 mulu fmt 即可自动整理。
    step "检查格式（只提示）" mulu fmt --check --format github "${files[@]}" || true
  fi

  if ! step "检查修改权限" mulu check-owners --format github --author "$author" "$base"; then
    failed+=("检查修改权限")
  fi

  if has_command diff; then
    local rc=0
    echo "::group::变更摘要"
    mulu diff "$base" >>"$summary" || rc=$?
    echo "::endgroup::"
    # mulu diff 在修改引入校验问题时返回 1：问题已由“校验记录”报告，这里只看是否出错。
    if [ $rc -gt 1 ]; then failed+=("变更摘要"); fi
  else
    echo "（此版本的 mulu 还没有 diff 命令：没有生成变更摘要。）" >>"$summary"
  fi
  echo "变更摘要：$summary"

  if [ $validated -eq 1 ]; then
    if has_command build; then
      if step "构建预览站点" mulu build; then
        echo "预览站点：site/"
      else
        failed+=("构建预览站点")
      fi
    else
      echo "（此版本的 mulu 还没有 build 命令：没有构建预览站点。）"
    fi
  else
    echo "校验未通过，不构建预览站点。"
  fi
}

run_publish() {
  if ! step "校验记录" mulu validate --format github; then
    failed+=("校验记录")
    echo "校验未通过：不构建、不发布。"
    return
  fi
  if ! step "构建站点" mulu build; then
    failed+=("构建站点")
  fi
}

case "$mode" in
  pr)
    [ $# -eq 3 ] || usage
    [ -n "$3" ] || { echo "错误：AUTHOR 不能为空。" >&2; exit 2; }
    run_pr "$2" "$3"
    ;;
  publish)
    [ $# -eq 1 ] || usage
    run_publish
    ;;
  *)
    usage
    ;;
esac

if [ ${#failed[@]} -gt 0 ]; then
  echo "未通过的检查：${failed[*]}"
  exit 1
fi
echo "全部检查通过。"

#!/usr/bin/env bash
# Build the sample site at two commits and compare them byte for byte, apart from the
# recorded revision (a commit id differs by construction). Both builds use one
# SOURCE_DATE_EPOCH so that the data date is the same.
# Usage: scripts/compare_sites.sh OLD_REV [NEW_REV]   (NEW_REV defaults to the working tree)
set -euo pipefail
cd "$(dirname "$0")/.."
old_rev=$1 new_rev=${2:-}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; [ -z "$new_rev" ] || git worktree remove --force "$work/new" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
build() {  # build the project at $1 (a checkout) into $2
  (cd "$1" && PYTHONPATH="$1/generator" python3 -m mulu build --out "$2" >/dev/null)
}
git worktree add -q "$work/old" "$old_rev"
build "$work/old" "$work/site-old"
if [ -n "$new_rev" ]; then git worktree add -q "$work/new" "$new_rev"; build "$work/new" "$work/site-new"; else build "$PWD" "$work/site-new"; fi
old_sha=$(git rev-parse "$old_rev"); new_sha=$(git rev-parse "${new_rev:-HEAD}")
status=0
while IFS= read -r rel; do
  if ! cmp -s "$work/site-old/$rel" "$work/site-new/$rel"; then
    # Same apart from the commit id (in full or shortened)?
    if ! diff -q <(sed -e "s/$old_sha/REV/g" -e "s/${old_sha:0:12}/REV/g" -e "s/${old_sha:0:7}/REV/g" "$work/site-old/$rel") \
                 <(sed -e "s/$new_sha/REV/g" -e "s/${new_sha:0:12}/REV/g" -e "s/${new_sha:0:7}/REV/g" "$work/site-new/$rel") >/dev/null; then
      echo "不同：$rel"; status=1
    fi
  fi
done < <(cd "$work/site-old" && find . -type f | sort)
extra=$(comm -13 <(cd "$work/site-old" && find . -type f | sort) <(cd "$work/site-new" && find . -type f | sort))
[ -z "$extra" ] || { echo "新增文件："; echo "$extra"; status=1; }
[ $status = 0 ] && echo "两次构建除记录的版本号外逐字节相同。"
exit $status

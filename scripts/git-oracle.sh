#!/usr/bin/env bash
# git-oracle.sh FORK FROM TO [GIT_DIR]
# Prints, for every upstream commit of FROM..TO (oldest first, as forkreview lists them), git's own
# verdict per ../shared/docs/risk-model.md ("Ground truth: git itself"): applied, conflict or
# clean. It needs git 2.38+ and is how forkreview's conflict and applied levels are checked on
# real forks; forkreview itself never runs git.
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 FORK FROM TO [GIT_DIR]" >&2; exit 2; }
if [[ $# -ge 4 ]]; then export GIT_DIR=$4; fi
F=$(git rev-parse "$1^{commit}") FROM=$2 TO=$3
export GIT_AUTHOR_NAME=o GIT_AUTHOR_EMAIL=o@o GIT_COMMITTER_NAME=o GIT_COMMITTER_EMAIL=o@o
for u in $(git rev-list --topo-order --reverse "$TO" "^$FROM"); do
  if git merge-base --is-ancestor "$u" "$F"; then
    # The fork already merged this very commit, so taking upstream in never applies it again.
    # risk-model.md's recipe agrees for an ordinary commit (u is an ancestor of W: merge-tree
    # prints T). For a merge commit its stand-in U is not the fork's ancestor, and merge-tree
    # would replay u's change on top of the fork's later edits of the same lines.
    echo "$u applied"
    continue
  fi
  p=$(git rev-parse "$u^1")
  T=$(git merge-tree --write-tree "$F" "$p" 2>/dev/null | head -1) || true
  W=$(git commit-tree "$T" -p "$F" -p "$p" -m w)
  U=$u
  if [[ $(git rev-list --parents -n1 "$u" | wc -w) -gt 2 ]]; then
    U=$(git commit-tree "$u^{tree}" -p "$p" -m u)
  fi
  if out=$(git merge-tree --write-tree "$W" "$U" 2>/dev/null); then
    [[ $(head -1 <<<"$out") == "$T" ]] && v=applied || v=clean
  else
    v=conflict
  fi
  echo "$u $v"
done

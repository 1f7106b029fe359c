#!/usr/bin/env bash
# lintian_check.sh BUILD_DIR ALLOWED_LIST
# Packs the .deb from BUILD_DIR with cpack into a temporary folder, checks
# that it carries the generated man pages, completions and the documents in
# English and Chinese, and runs lintian:
# fails on any error (E:) and on any warning (W:) whose tag is not in
# ALLOWED_LIST ("tag: why it stays", one a line).
set -euo pipefail
build=$1
allowed=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  exit 1
fi
deb=$(ls "$work"/wxlived_*.deb)
echo "built $(basename "$deb")"

dpkg-deb -c "$deb" | awk '{print $6}' >"$work/contents"
missing=0
for file in usr/share/man/man8/wxlived.8.gz usr/share/man/man8/wxlivectl.8.gz usr/share/man/man1/wxlive-fakewx.1.gz \
            usr/share/man/man5/wxlived.toml.5.gz usr/share/bash-completion/completions/wxlived \
            usr/share/bash-completion/completions/wxlivectl usr/share/bash-completion/completions/wxlive-fakewx \
            usr/share/doc/wxlived/copyright usr/share/doc/wxlived/changelog.gz \
            usr/share/doc/wxlived/README.md usr/share/doc/wxlived/README.zh-CN.md \
            usr/share/doc/wxlived/OPERATIONS.md usr/share/doc/wxlived/zh-CN/OPERATIONS.md \
            usr/share/doc/wxlived/WEBHOOKS.md usr/share/doc/wxlived/zh-CN/WEBHOOKS.md \
            usr/share/doc/wxlived/PLANNING.md usr/share/doc/wxlived/zh-CN/PLANNING.md; do
  if ! grep -qx "./$file" "$work/contents"; then
    echo "not in the package: /$file"
    missing=1
  fi
done

# lintian exits non-zero when it finds errors; its report is what is judged.
lintian --display-level ">=warning" --tag-display-limit 0 "$deb" >"$work/lintian.txt" 2>&1 || true
cat "$work/lintian.txt"
errors=$(grep -c '^E: ' "$work/lintian.txt" || true)
unexpected=0
while read -r level _package tag _rest; do
  [[ "$level" == "W:" ]] || continue
  if ! grep -q "^${tag}:" "$allowed"; then
    echo "warning not in $(basename "$allowed"): $tag"
    unexpected=$((unexpected + 1))
  fi
done <"$work/lintian.txt"
echo "lintian: $errors error(s), $unexpected warning(s) not allowed"
[[ $missing -eq 0 && $errors -eq 0 && $unexpected -eq 0 ]]

#!/bin/sh
# On a copy of the repository's documents: an English change made without its
# Chinese counterpart fails check-translations with a message naming the section.
# Usage: english_change_test.sh CHECK_TRANSLATIONS SOURCE_DIR
set -eu
check=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/README.md" "$src/README.zh-CN.md" "$src/docs" "$src/scripts" "$work/"

"$check" "$work" > "$work/out" || { cat "$work/out"; echo "FAIL: the unchanged copy does not pass"; exit 1; }

expect() {  # expect NAME TEXT: the check fails and its output contains TEXT
  if "$check" "$work" > "$work/out"; then echo "FAIL: $1: the check passed"; exit 1; fi
  grep -qF "$2" "$work/out" || { cat "$work/out"; echo "FAIL: $1: no line with: $2"; exit 1; }
  echo "ok: $1: $(grep -F "$2" "$work/out" | head -1)"
}

# A new English section.
cp "$work/docs/WEBHOOKS.md" "$work/WEBHOOKS.md.orig"
printf '\n## Rate limits\n\nNone.\n' >> "$work/docs/WEBHOOKS.md"
expect "section added" 'docs/WEBHOOKS.md: section "## Rate limits"'
cp "$work/WEBHOOKS.md.orig" "$work/docs/WEBHOOKS.md"

# A changed command in an English code block.
sed -i 's|^journalctl -u wxlived -g .reload refused.|journalctl -u wxlived -g "reload refused" --since today|' "$work/docs/OPERATIONS.md"
expect "command changed" 'docs/OPERATIONS.md, section "## Logs"'
cp "$src/docs/OPERATIONS.md" "$work/docs/OPERATIONS.md"

# A new inline command in English prose.
sed -i '0,/^## 1. Export a week$/s//## 1. Export a week\n\nFirst run `wxlivectl status`./' "$work/docs/PLANNING.md"
expect "inline command added" 'section "## 1. Export a week"'
cp "$src/docs/PLANNING.md" "$work/docs/PLANNING.md"

# A translation removed.
rm "$work/docs/zh-CN/PLANNING.md"
expect "translation missing" 'docs/zh-CN/PLANNING.md: missing'

#!/usr/bin/env bash
# The install check of docs/OPERATIONS.md on the real .deb, as an operator
# runs it: the package built from this build tree (cpack), installed with apt
# (Depends resolved) into a Debian 12 chroot made by debootstrap, the secrets
# put in place and checked by the doc's own fenced blocks (read from the doc,
# so doc and test cannot drift). Then the doc's apps.d block adds an app as
# a file (with apps_dir turned on, as the doc asks), and a broken install (a
# secret file missing) must exit 2 naming FILE:LINE and the file.
#
# The debootstrap result (minbase + the .deb's Depends) is cached as a
# tarball under BUILD_DIR/package-cache, keyed by the suite, the mirror and
# that package list, so a rerun needs no network and takes seconds.
# Usage: install_check_test.sh SOURCE_DIR BUILD_DIR   (ctest runs it; root only)
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
doc=$src/docs/OPERATIONS.md

if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: the install check needs root (debootstrap, chroot, apt); CI runs as root"
  exit 77
fi
for tool in debootstrap unshare chroot cpack dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found: run scripts/deps"; exit 1; }
done

# The fenced block after the doc's "<!-- install-check: NAME" marker, unindented.
doc_block() {
  awk -v name="$1" '
    index($0, "<!-- install-check: " name " ") { marked = 1; next }
    marked && /^[ \t]*```/ { if (inside) exit; inside = 1; next }
    inside { sub(/^   /, ""); print }' "$doc"
}
secrets_block=$(doc_block secrets)
check_block=$(doc_block check)
apps_dir_block=$(doc_block apps-dir)
[[ -n "$secrets_block" && -n "$check_block" && -n "$apps_dir_block" ]] ||
  { echo "FAIL: install-check blocks not found in $doc"; exit 1; }

# This machine's Debian mirror (deb822 sources first, then sources.list).
mirror=$(awk 'BEGIN { RS = "" }
  /(^|\n)Suites:[^\n]*[ \t]bookworm([ \t\n]|$)/ && match($0, /URIs:[ \t]*[^ \t\n]+/) {
    u = substr($0, RSTART, RLENGTH); sub(/URIs:[ \t]*/, "", u); print u; exit }' \
  /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if [[ -z "$mirror" ]]; then
  mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
fi
[[ -n "$mirror" ]] || { echo "FAIL: no Debian bookworm mirror in /etc/apt/sources.list*"; exit 1; }

mkdir -p "$build/tests/package" "$build/package-cache"
work=$(mktemp -d "$build/tests/package/install-check.XXXXXX")
# Mounts live in the unshare'd namespace below and vanish with it: nothing
# of the host is mounted under $work when it is removed.
trap 'rm -rf "$work"' EXIT
started=$SECONDS

# 1. The .deb of this build tree (its own staging folder: other package tests may run cpack at once).
(cd "$build" && cpack -G DEB -B "$work/deb" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/deb/wxlived_*.deb)
echo "package: $(basename "$deb") ($((SECONDS - started)) s)"

# 2. Debian 12 minbase with the package's Depends, from the cache when it has it.
# debootstrap takes real packages only: a virtual one (libspdlog1.10-fmt9) becomes the package that
# provides it, as apt would choose it (this machine's lists are the same bookworm).
# A name neither known nor provided is kept: debootstrap then fails naming it.
real_package() {
  local provider
  if [[ -n "$(apt-cache show --no-all-versions "$1" 2>/dev/null)" ]]; then echo "$1"; return; fi
  provider=$(apt-cache showpkg "$1" 2>/dev/null | awk '/^Reverse Provides:/ { r = 1; next } r && NF { print $1; exit }')
  echo "${provider:-$1}"
}
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep . |
          while read -r name; do real_package "$name"; done | sort -u | paste -sd, -)
key=$(printf '%s\n' bookworm minbase "$mirror" "$depends" | sha256sum | cut -c1-16)
tarball=$build/package-cache/bookworm-minbase-$key.tar
root=$work/root
if [[ -f "$tarball" ]]; then
  echo "chroot: cached $(basename "$tarball")"
else
  echo "chroot: debootstrap --variant=minbase --include=$depends bookworm $mirror"
  debootstrap --variant=minbase --include="$depends" bookworm "$work/bootstrap" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -30 "$work/debootstrap.log"; exit 1; }
  rm -f "$work"/bootstrap/var/cache/apt/archives/*.deb
  tar -C "$work/bootstrap" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  rm -rf "$work/bootstrap"
fi
mkdir "$root"
tar -C "$root" -xf "$tarball"
echo "chroot: ready ($((SECONDS - started)) s)"
cp "$deb" "$root/tmp/"
printf '%s\n' "$secrets_block" >"$root/tmp/install-secrets.sh"
printf '%s\n' "$check_block" >"$root/tmp/install-check.sh"
printf '%s\n' "$apps_dir_block" >"$root/tmp/install-apps-dir.sh"

# 3. In the chroot: apt installs the .deb, the doc's blocks run as root's shell would.
cat >"$work/in-chroot.sh" <<'SCRIPT'
set -euo pipefail
root=$1
mount -t proc proc "$root/proc"
mount -t devpts devpts "$root/dev/pts"  # apt's terminal log
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
# The Depends are in the chroot already (the cached package list): apt resolves them, fetches nothing.
in_root sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/wxlived_*.deb' \
  >"$root/tmp/apt.log" 2>&1 || { cat "$root/tmp/apt.log"; exit 1; }
echo "installed: $(in_root dpkg-query -W -f='${Package} ${Version} ${Status}' wxlived)"
echo "secrets folder: $(in_root stat -c '%a %U' /etc/wxlived/secrets)"
echo "apps folder: $(in_root stat -c '%a %U' /etc/wxlived/apps.d), $(in_root ls -A /etc/wxlived/apps.d | wc -l) files"

in_root bash -euo pipefail /tmp/install-secrets.sh
set +e
in_root bash /tmp/install-check.sh >"$root/tmp/good.out" 2>&1
echo "good install: exit $?"
# The operator turns apps_dir on (the shipped line, uncommented), then follows the doc.
sed -i 's/^# apps_dir /apps_dir   /' "$root/etc/wxlived/wxlived.toml"
in_root bash -euo pipefail /tmp/install-apps-dir.sh >"$root/tmp/apps-dir.out" 2>&1
echo "apps.d install: exit $?"
rm "$root/etc/wxlived/secrets/shop"
in_root bash /tmp/install-check.sh >"$root/tmp/broken.out" 2>&1
echo "broken install: exit $?"
SCRIPT
unshare --mount --propagation private bash "$work/in-chroot.sh" "$root" | tee "$work/verdicts"
echo "done ($((SECONDS - started)) s)"

# 4. The verdicts.
failures=0
expect() {  # expect DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
good=$(cat "$root/tmp/good.out")
broken=$(cat "$root/tmp/broken.out")
apps_dir_out=$(cat "$root/tmp/apps-dir.out")
hook_secret=$(cat "$root/etc/wxlived/secrets/crm-hook")
echo "--- the check on the good install:"; echo "$good"
echo "--- the apps.d block:"; echo "$apps_dir_out"
echo "--- the check with secrets/shop missing:"; echo "$broken"
expect "the package is installed" grep -q '^installed: wxlived .* installed$' "$work/verdicts"
expect "the package made /etc/wxlived/secrets 0700 root" grep -qx 'secrets folder: 700 root' "$work/verdicts"
expect "the package made /etc/wxlived/apps.d 0755 root, empty" grep -qx 'apps folder: 755 root, 0 files' "$work/verdicts"
expect "the doc's check passes on the good install (exit 0)" grep -qx 'good install: exit 0' "$work/verdicts"
expect "it says ok with the shipped config's summary" \
  test "$good" = "/etc/wxlived/wxlived.toml: ok: 1 app (shop), 1 webhook (crm), state dir /var/lib/wxlived"
expect "the doc's apps.d block adds an app file that the check counts (exit 0)" grep -qx 'apps.d install: exit 0' "$work/verdicts"
expect "its check says ok with the app of apps.d in the summary" test "$apps_dir_out" = \
  "/etc/wxlived/wxlived.toml: ok: 2 apps (1 in the config file: shop; 1 in /etc/wxlived/apps.d: outlet), 1 webhook (crm), state dir /var/lib/wxlived"
expect "the broken install fails with exit 2" grep -qx 'broken install: exit 2' "$work/verdicts"
expect "it names FILE:LINE, the key and the missing file" \
  test "$broken" = "/etc/wxlived/wxlived.toml:18: app[0].secret_credential: cannot read /etc/wxlived/secrets/shop: No such file or directory"
expect "no secret in any output" bash -c '! grep -qF -e APP_SECRET -e "$1" <<< "$2"' _ "$hook_secret" "$good$broken$apps_dir_out"
if ((failures > 0)); then exit 1; fi
echo "install check: all passed"

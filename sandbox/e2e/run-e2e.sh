#!/usr/bin/env bash
# The sandbox's browser test, for CI: Debian's Chromium (installed here if missing), Debian's color emoji
# font (unpacked into a cache, no root needed), the pinned playwright-core (npm ci; never a downloaded
# browser), then node's test runner. The test starts ./run.sh itself, as the README says, and stops it
# when done; it writes the README's screenshot (sandbox/screenshot-after-deny.png).
#   CHROMIUM=/path/to/chromium      another Chromium binary
#   SANDBOX_E2E_VERBOSE=1           echo run.sh's output while the test runs
# Environment is passed on to run.sh (e.g. SANDBOX_PORT, SANDBOX_JAR).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  CHROMIUM=/usr/bin/chromium
fi
export CHROMIUM

# The page draws sgwarden's emoji as Slack does, in color: Noto Color Emoji, from Debian's package, unpacked
# once per machine under ~/.cache/sgwarden (SGWARDEN_TOOLS) and added to the system's fonts for Chromium
# alone through FONTCONFIG_FILE. Without it the screenshot shows empty boxes where the emoji are.
TOOLS=${SGWARDEN_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/sgwarden}
FONTS=$TOOLS/fonts-noto-color-emoji
mkdir -p "$TOOLS"
exec 8> "$FONTS.lock"
flock 8
if [ ! -f "$FONTS/.installed" ]; then
  work=$(mktemp -d) && chmod 755 "$work"
  # apt-get download needs no root, only the package lists; a machine without them gets them first
  (cd "$work" && apt-get download fonts-noto-color-emoji) \
    || { as_root apt-get update && (cd "$work" && apt-get download fonts-noto-color-emoji); }
  dpkg-deb -x "$work"/fonts-noto-color-emoji_*.deb "$work/root"
  rm -rf "$FONTS" && mkdir -p "$FONTS"
  find "$work/root" -name 'NotoColorEmoji*.ttf' -exec cp {} "$FONTS/" \;
  rm -rf "$work"
  ls "$FONTS"/NotoColorEmoji*.ttf >/dev/null
  cat > "$FONTS/fonts.conf" <<CONF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>$FONTS</dir>
  <cachedir>$FONTS/cache</cachedir>
</fontconfig>
CONF
  touch "$FONTS/.installed"
fi
flock -u 8
exec 8>&-
export FONTCONFIG_FILE=$FONTS/fonts.conf

npm ci --no-audit --no-fund
exec node --test sandbox.test.mjs

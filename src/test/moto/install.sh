#!/usr/bin/env bash
# Installs the pinned moto[server] into its own virtualenv; the tests start it from there
# (MotoResource). Nothing is installed system-wide.
#
# The virtualenv is built once per machine and version under ~/.cache/sgwarden (SGWARDEN_TOOLS),
# and $home (target/moto) links to it: building it took half a minute of every build of a fresh
# clone. A lock keeps two builds from installing into the same folder at once.
set -euo pipefail
home="$1"; version="$2"; python="${3:-python3}"
[ -f "$home/.installed-$version" ] && exit 0
tools=${SGWARDEN_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/sgwarden}
cache="$tools/moto-$version"
mkdir -p "$tools"
exec 9> "$cache.lock"
flock 9
if [ ! -f "$cache/.installed-$version" ]; then
    rm -rf "$cache"
    "$python" -m venv "$cache"
    "$cache/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$version"
    touch "$cache/.installed-$version"
fi
rm -rf "$home"
mkdir -p "$(dirname "$home")"
ln -s "$cache" "$home"

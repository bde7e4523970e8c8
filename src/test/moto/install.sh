#!/usr/bin/env bash
# Installs the pinned moto[server] into its own virtualenv, once per target/ folder.
# The tests start it from there (MotoResource); nothing is installed system-wide.
set -euo pipefail
home="$1"; version="$2"; python="${3:-python3}"
marker="$home/.installed-$version"
[ -f "$marker" ] && exit 0
rm -rf "$home"
"$python" -m venv "$home"
"$home/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$version"
touch "$marker"

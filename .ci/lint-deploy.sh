#!/usr/bin/env bash
# Lints the deployment files: cfn-lint and checkov over every CloudFormation template, a parse
# of the Slack manifests and the example SCP, and dockerfile-utils over the Dockerfile. Exits
# non-zero if any tool finds a problem (all tools still run, so one run shows every problem).
#
# The tools are pinned (a new release cannot turn CI red on its own) and installed once per machine
# under ~/.cache/sgwarden (SGWARDEN_TOOLS), one folder per set of pins: installing them took a minute
# of every CI run on a fresh clone. A lock keeps two runs from installing into the same folder.
set -euo pipefail
cd "$(dirname "$0")/.."

# 1.58.0's resource schemas include AWS::ECS::ExpressGatewayService, so the Express Mode
# template is checked property by property, not skipped as an unknown type.
CFN_LINT_VERSION=1.58.0
CHECKOV_VERSION=3.3.30
DOCKERFILE_UTILS_VERSION=0.16.3
PYTHON=${PYTHON:-python3}

TOOLS=${SGWARDEN_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/sgwarden}
VENV=$TOOLS/lint-venv-cfn-lint-$CFN_LINT_VERSION-checkov-$CHECKOV_VERSION
NODE_DIR=$TOOLS/lint-node-dockerfile-utils-$DOCKERFILE_UTILS_VERSION
mkdir -p "$TOOLS"
exec 9> "$TOOLS/.lint.lock"
flock 9
TEMPLATES=(deploy/cloudformation/*.yaml)

py_pkgs=("cfn-lint==$CFN_LINT_VERSION" "checkov==$CHECKOV_VERSION")
if [ "$(cat "$VENV/.pins" 2>/dev/null)" != "${py_pkgs[*]}" ]; then
    echo "lint-deploy: installing ${py_pkgs[*]} into $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "${py_pkgs[@]}"
    echo "${py_pkgs[*]}" > "$VENV/.pins"
fi

node_pins="dockerfile-utils@$DOCKERFILE_UTILS_VERSION"
if [ "$(cat "$NODE_DIR/.pins" 2>/dev/null)" != "$node_pins" ]; then
    echo "lint-deploy: installing $node_pins into $NODE_DIR"
    rm -rf "$NODE_DIR"
    mkdir -p "$NODE_DIR"
    npm install --prefix "$NODE_DIR" --no-save --no-audit --no-fund --loglevel=error "$node_pins"
    echo "$node_pins" > "$NODE_DIR/.pins"
fi
flock -u 9

failed=0
run() {
    echo "lint-deploy: $*"
    if ! "$@"; then
        echo "lint-deploy: FAILED: $*" >&2
        failed=1
    fi
}

# Warnings count as failures too: cfn-lint exits non-zero on any finding, and nothing is
# ignored here; the few ignores live in the templates, each with its reason.
run "$VENV/bin/cfn-lint" --format parseable -- "${TEMPLATES[@]}"

# --skip-download keeps checkov off the network (no platform API key here), so only the
# checks shipped in the package run; skips come from each resource's Metadata.
for t in "${TEMPLATES[@]}"; do
    run "$VENV/bin/checkov" --quiet --compact --skip-download --framework cloudformation \
        --output cli --file "$t"
done

# A skip or ignore must say why, beside the resource: checkov skips need a comment, cfn-lint
# ignores a YAML comment line before the check ID.
check_reasons() {
    "$VENV/bin/python" - "$@" <<'PY'
import re, sys
from cfnlint.decode import cfn_yaml

bad = []
for path in sys.argv[1:]:
    resources = (cfn_yaml.load(path) or {}).get("Resources") or {}
    for name, res in resources.items():
        skips = ((res.get("Metadata") or {}).get("checkov") or {}).get("skip") or []
        for skip in skips:
            if not str(skip.get("comment") or "").strip():
                bad.append(f"{path}: {name}: checkov skip {skip.get('id')} has no comment")
    lines = open(path, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)ignore_checks:\s*$", line)
        if not m:
            continue
        j, commented = i + 1, False
        while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > len(m.group(1))):
            item = lines[j].strip()
            if item.startswith("#"):
                commented = True
            elif item.startswith("- "):
                if not commented:
                    bad.append(f"{path}:{j + 1}: cfn-lint ignore {item[2:]} has no comment before it")
                commented = False
            j += 1
print("\n".join(bad) if bad else "every checkov skip and cfn-lint ignore gives its reason")
sys.exit(1 if bad else 0)
PY
}
run check_reasons "${TEMPLATES[@]}"

# The Slack manifests and the example SCP are not templates, but a typo in them only shows when
# someone pastes them into Slack or Organizations: each must parse, and each manifest must ask
# for exactly the one scope its mode needs.
check_examples() {
    "$VENV/bin/python" - <<'PY'
import glob, json, sys, yaml

bad = []
for path in sorted(glob.glob("deploy/scp/*.json")):
    try:
        doc = json.load(open(path, encoding="utf-8"))
        if not doc.get("Statement"):
            bad.append(f"{path}: no Statement")
    except ValueError as e:
        bad.append(f"{path}: {e}")
expected = {"deploy/slack/manifest-bot-token.yaml": ["chat:write"],
            "deploy/slack/manifest-webhook.yaml": ["incoming-webhook"]}
found = sorted(glob.glob("deploy/slack/*.yaml"))
if found != sorted(expected):
    bad.append(f"deploy/slack holds {found}, expected {sorted(expected)}")
for path, scopes in expected.items():
    try:
        doc = yaml.safe_load(open(path, encoding="utf-8"))
        got = (((doc.get("oauth_config") or {}).get("scopes") or {}).get("bot")) or []
        if got != scopes:
            bad.append(f"{path}: bot scopes {got}, expected exactly {scopes}")
        if set((((doc.get("oauth_config") or {}).get("scopes") or {}).keys())) - {"bot"}:
            bad.append(f"{path}: asks for scopes other than bot scopes")
    except (OSError, yaml.YAMLError) as e:
        bad.append(f"{path}: {e}")
print("\n".join(bad) if bad else "the Slack manifests and the example SCP parse, one scope per mode")
sys.exit(1 if bad else 0)
PY
}
run check_examples

# dockerfile-utils prints one line per problem and exits 0 either way, so any output fails.
lint_docker() {
    local out
    out=$("$NODE_DIR/node_modules/.bin/dockerfile-utils" lint Dockerfile 2>&1) || { echo "$out"; return 1; }
    if [ -n "$out" ]; then
        echo "$out"
        return 1
    fi
}
run lint_docker

if [ "$failed" -ne 0 ]; then
    echo "lint-deploy: problems found" >&2
    exit 1
fi
echo "lint-deploy: all deployment files pass"

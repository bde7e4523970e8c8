#!/usr/bin/env bash
# Checks that the Dockerfile copies what "mvn package" produced: every COPY/ADD source (globs
# expanded, as Docker does) must exist in the build context, and must not be left out of the
# context by .dockerignore. Run it after packaging; no Docker engine is needed.
#
#   .ci/check-dockerfile-copies.sh [project-dir]     (default: the repository root)
set -euo pipefail
ROOT=${1:-"$(dirname "$0")/.."}
cd "$ROOT"

[ -f Dockerfile ] || { echo "check-dockerfile-copies: no Dockerfile in $(pwd)" >&2; exit 1; }
[ -d target/quarkus-app ] || { echo "check-dockerfile-copies: no target/quarkus-app; run mvn package first" >&2; exit 1; }

# .dockerignore patterns in order; the last one that matches a path decides, "!" re-includes.
# Matching is bash globbing plus directory prefixes, which covers the patterns this repository
# uses (not Docker's full ** syntax).
ignore_patterns=()
if [ -f .dockerignore ]; then
    while IFS= read -r line || [ -n "$line" ]; do
        line="${line%%$'\r'}"
        line="$(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' <<<"$line")"
        [ -z "$line" ] || [ "${line:0:1}" = "#" ] && continue
        ignore_patterns+=("$line")
    done < .dockerignore
fi

ignored() {
    local path=$1 verdict=1 pat neg
    for pat in "${ignore_patterns[@]+"${ignore_patterns[@]}"}"; do
        neg=0
        if [ "${pat:0:1}" = "!" ]; then neg=1; pat=${pat:1}; fi
        pat=${pat#/}; pat=${pat%/}
        # shellcheck disable=SC2053
        if [[ $path == $pat || $path == $pat/* ]]; then
            if [ $neg -eq 1 ]; then verdict=1; else verdict=0; fi
        fi
    done
    return $verdict
}

# Join continuation lines, then keep the COPY/ADD instructions.
instructions=$(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' Dockerfile | grep -iE '^[[:space:]]*(COPY|ADD)[[:space:]]' || true)
[ -n "$instructions" ] || { echo "check-dockerfile-copies: the Dockerfile has no COPY or ADD" >&2; exit 1; }

failed=0
checked=0
while IFS= read -r instr; do
    read -r -a words <<<"$instr"
    args=()
    from_stage=0
    for w in "${words[@]:1}"; do
        case "$w" in
            --from=*) from_stage=1 ;;
            --*) ;;
            *) args+=("$w") ;;
        esac
    done
    # A copy from another build stage reads that stage, not the build context.
    [ $from_stage -eq 1 ] && continue
    # JSON form: ["src", ..., "dest"]
    if [ "${args[0]:0:1}" = "[" ]; then
        mapfile -t args < <(sed -e 's/^[^[]*\[//' -e 's/\][^]]*$//' <<<"${instr}" | tr ',' '\n' \
            | sed -e 's/^[[:space:]]*"//' -e 's/"[[:space:]]*$//')
    fi
    if [ ${#args[@]} -lt 2 ]; then
        echo "check-dockerfile-copies: cannot read: $instr" >&2
        failed=1
        continue
    fi
    for src in "${args[@]:0:${#args[@]}-1}"; do
        checked=$((checked + 1))
        clean=${src#./}; clean=${clean%/}
        mapfile -t matches < <(compgen -G "$clean" || true)
        if [ ${#matches[@]} -eq 0 ]; then
            echo "check-dockerfile-copies: MISSING: $src (from: $instr)" >&2
            failed=1
            continue
        fi
        for m in "${matches[@]}"; do
            if ignored "$m"; then
                echo "check-dockerfile-copies: EXCLUDED by .dockerignore: $m (from: $instr)" >&2
                failed=1
            else
                echo "check-dockerfile-copies: ok: $m"
            fi
        done
    done
done <<<"$instructions"

if [ $failed -ne 0 ]; then
    echo "check-dockerfile-copies: the Dockerfile copies files the build does not produce" >&2
    exit 1
fi
echo "check-dockerfile-copies: all $checked COPY sources exist"

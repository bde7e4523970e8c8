#!/usr/bin/env bash
# Runs sgwarden's benchmarks against the real packaged service, moto and the tests' stand-ins.
#   bench/run.sh [lake|approve|sqs|startup|burst|group|group-slow|stop|policy|policy-burst|expiry|slow-posts|all]      (default: all)
# Builds what is missing (the packaged app, moto's venv, the harness), runs on loopback only, prints
# the figures, and stops every process it started. Output is also kept in target/bench/.
# Knobs (-D system properties of the harness) can be passed in BENCH_OPTS, e.g.
#   BENCH_OPTS="-Dbench.lake.seconds=900" bench/run.sh lake
# The service runs with the JVM options of the Dockerfile's ENTRYPOINT; BENCH_SERVICE_JAVA_OPTS
# replaces them (e.g. "-Xmx1g").
set -euo pipefail
which="${1:-all}"
case "$which" in lake|approve|sqs|startup|burst|group|group-slow|stop|policy|policy-burst|expiry|slow-posts|all) ;; *) echo "usage: $0 [lake|approve|sqs|startup|burst|group|group-slow|stop|policy|policy-burst|expiry|slow-posts|all]" >&2; exit 2;; esac
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
out="target/bench"
mkdir -p "$out"

if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -d target/test-classes/sgwarden/testing ]; then
  echo "# building the packaged service (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package
fi
# The class-data archive the Dockerfile writes in the image, written here with the local JVM; a
# rebuilt jar makes the old archive unusable, so it is written again.
if [ ! -f target/quarkus-app/app-cds.jsa ] || [ target/quarkus-app/quarkus-run.jar -nt target/quarkus-app/app-cds.jsa ] \
    || [ -n "$(find target/quarkus-app/lib target/quarkus-app/app -newer target/quarkus-app/app-cds.jsa -print -quit)" ]; then
  echo "# writing the class-data archive (src/main/docker/app-cds.sh target/quarkus-app)"
  sh src/main/docker/app-cds.sh target/quarkus-app
fi
moto_version="$(sed -n 's:.*<moto.version>\(.*\)</moto.version>.*:\1:p' pom.xml | head -1)"
bash src/test/moto/install.sh target/moto "${moto_version:-5.1.22}" python3

if [ ! -s "$out/classpath.txt" ] || [ pom.xml -nt "$out/classpath.txt" ]; then
  echo "# resolving the test classpath (mvn dependency:build-classpath)"
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >/dev/null
fi
cp="target/test-classes:target/classes:$(cat "$out/classpath.txt")"
rm -rf "$out/classes"
javac -nowarn -d "$out/classes" -cp "$cp" bench/src/sgwarden/bench/*.java

pids="$out/pids"
: > "$pids"
cleanup() {
  # the harness stops what it starts; this only catches what a killed harness left behind
  while read -r pid kind; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
        && grep -qaE 'quarkus-run.jar|serve.py' "/proc/$pid/cmdline" 2>/dev/null; then
      echo "# stopping leftover $kind ($pid)"; kill "$pid" 2>/dev/null || true
      sleep 2; kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
  done < "$pids"
}
trap cleanup EXIT

jar_date="$(date -u -r target/quarkus-app/quarkus-run.jar +%Y-%m-%dT%H:%MZ)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout')"
echo "# packaged app built $jar_date; source commit $commit"
# shellcheck disable=SC2086
java -Xmx1g -XX:+UseSerialGC -Dbench.repo="$repo" -Dbench.pids="$pids" ${BENCH_OPTS:-} \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$out/classes:$cp" sgwarden.bench.Bench "$which" 2>&1 | grep --line-buffered -v '^SLF4J' | tee "$out/last-$which.txt"
exit "${PIPESTATUS[0]}"

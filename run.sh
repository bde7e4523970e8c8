#!/usr/bin/env bash
# The sgwarden sandbox: the whole loop on one machine, with no AWS account and no Slack workspace.
#
#   ./run.sh            then open the page it prints (http://127.0.0.1:8090/ by default)
#
# It installs moto into target/moto if missing, builds the service if target/quarkus-app is
# missing, starts moto, sets up the table, queues and two member accounts, starts the sandbox page
# (sandbox/server.py: the stand-in Slack channel, the change controls, the Lake stand-in) and the
# service in its sandbox profile, and stops all of it on Ctrl-C. Needs java 17+, python3 (with
# venv), and maven for the first build.
#
# Settings (environment):
#   SANDBOX_PORT          the page (default 8090)
#   SANDBOX_SERVICE_PORT  the service's public port: Slack's path and /healthz (default: a free port)
#   SANDBOX_MANAGEMENT_PORT  the service's management port: /q/metrics, /q/health/* (default: a free port)
#   SANDBOX_MOTO_PORT     moto (default: a free port)
#   SANDBOX_INTAKE        sqs (default), lake or both: how changes reach the service
#   SANDBOX_SLACK_MODE    bot (default) or webhook: how the service reaches the page's Slack stand-in. bot:
#                         a bot token (chat.postMessage, chat.update, threads), as README recommends, so
#                         every message is edited to show where its change stands; webhook: an incoming
#                         webhook, which can edit a message only through the response_url of a click on it
#   SANDBOX_REBUILD=1     build the service even if target/quarkus-app exists
#   SANDBOX_JAR           run this quarkus-run.jar instead of target/quarkus-app/quarkus-run.jar
#   SANDBOX_ALLOW_RESTORE true (default) or false: false runs the service as with the member stacks'
#                         AllowRestore=false (sgwarden.restore.enabled=false): no message offers Restore
#   SANDBOX_POLICY_FILE   the policy file the service runs with (default sandbox/policies.yaml: the baseline plus one policy for undecided changes)
#   SANDBOX_MOTO_HOME     moto's virtualenv (default target/moto)
#   PYTHON                the python3 that creates moto's virtualenv (default python3)
#   SANDBOX_JAVA_OPTS     options for the service's JVM (CI gives it the test JVMs' options)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"

PAGE_PORT=${SANDBOX_PORT:-8090}
SERVICE_PORT=${SANDBOX_SERVICE_PORT:-}
MANAGEMENT_PORT=${SANDBOX_MANAGEMENT_PORT:-}
MOTO_PORT=${SANDBOX_MOTO_PORT:-}
INTAKE=${SANDBOX_INTAKE:-sqs}
SLACK_MODE=${SANDBOX_SLACK_MODE:-bot}
ALLOW_RESTORE=${SANDBOX_ALLOW_RESTORE:-true}
MOTO_VERSION=5.1.22
MOTO_HOME=${SANDBOX_MOTO_HOME:-$ROOT/target/moto}
JAR=${SANDBOX_JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}
POLICY_FILE=${SANDBOX_POLICY_FILE:-$ROOT/sandbox/policies.yaml}
LOGS=$ROOT/target/sandbox
PY=$MOTO_HOME/bin/python

say() { printf '[sandbox] %s\n' "$*"; }
die() { printf '[sandbox] %s\n' "$*" >&2; exit 1; }

case "$INTAKE" in sqs|lake|both) ;; *) die "SANDBOX_INTAKE must be sqs, lake or both (got '$INTAKE')";; esac
case "$SLACK_MODE" in bot|webhook) ;; *) die "SANDBOX_SLACK_MODE must be bot or webhook (got '$SLACK_MODE')";; esac
case "$ALLOW_RESTORE" in true|false) ;; *) die "SANDBOX_ALLOW_RESTORE must be true or false (got '$ALLOW_RESTORE')";; esac
command -v java >/dev/null || die "java (17 or newer) is needed to run the service"
command -v "${PYTHON:-python3}" >/dev/null || [ -x "$PY" ] || die "python3 is needed to run moto"
[ -f "$POLICY_FILE" ] || die "SANDBOX_POLICY_FILE=$POLICY_FILE does not exist"
mkdir -p "$LOGS"

PIDS=()
cleanup() {
  trap - EXIT INT TERM
  if [ ${#PIDS[@]} -gt 0 ]; then
    say "stopping the sandbox…"
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 40); do
      alive=0
      for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ $alive = 0 ] && break
      sleep 0.25
    done
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    say "stopped"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- moto, installed once into its own virtualenv -------------------------------------------------
if [ ! -f "$MOTO_HOME/.installed-$MOTO_VERSION" ]; then
  say "installing moto $MOTO_VERSION into ${MOTO_HOME#$ROOT/} (first run only)…"
  bash "$ROOT/src/test/moto/install.sh" "$MOTO_HOME" "$MOTO_VERSION" "${PYTHON:-python3}" \
    >"$LOGS/moto-install.log" 2>&1 || { tail -20 "$LOGS/moto-install.log" >&2; die "moto install failed (log: $LOGS/moto-install.log)"; }
fi

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_taken() { "$PY" -c 'import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"; }
port_taken "$PAGE_PORT" && die "port $PAGE_PORT is in use (another sandbox?); set SANDBOX_PORT to another port"
MOTO_PORT=${MOTO_PORT:-$(free_port)}
SERVICE_PORT=${SERVICE_PORT:-$(free_port)}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-$(free_port)}
for p in "$MOTO_PORT" "$SERVICE_PORT" "$MANAGEMENT_PORT"; do port_taken "$p" && die "port $p is in use"; done

# --- the service, built once --------------------------------------------------------------------
if [ ! -f "$JAR" ] || [ "${SANDBOX_REBUILD:-}" = 1 ]; then
  [ -n "${SANDBOX_JAR:-}" ] && [ ! -f "$JAR" ] && die "SANDBOX_JAR=$JAR does not exist"
  command -v mvn >/dev/null || die "maven (mvn) is needed to build the service once"
  say "building the service (first run only; a few minutes)…"
  (cd "$ROOT" && mvn -B -q -DskipTests package) >"$LOGS/build.log" 2>&1 \
    || { tail -30 "$LOGS/build.log" >&2; die "the build failed (log: $LOGS/build.log)"; }
fi

# wait_http URL PID SECONDS: until URL answers 2xx, while PID lives
wait_http() {
  local url=$1 pid=$2 deadline=$((SECONDS + $3))
  until "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

# --- moto -----------------------------------------------------------------------------------------
MOTO_URL=http://127.0.0.1:$MOTO_PORT
say "starting moto on $MOTO_URL"
"$PY" "$ROOT/src/test/moto/serve.py" 127.0.0.1 "$MOTO_PORT" >"$LOGS/moto.log" 2>&1 &
PIDS+=($!)
wait_http "$MOTO_URL/moto-api/data.json" "${PIDS[-1]}" 60 || { tail -20 "$LOGS/moto.log" >&2; die "moto did not start (log: $LOGS/moto.log)"; }

# --- the sandbox page: sets moto up, then serves the channel, the controls and the Lake stand-in ---
SECRET=$("$PY" -c 'import secrets; print(secrets.token_hex(20))')
WEBHOOK_PATH=/services/T0SANDBOX/B0SANDBOX/$("$PY" -c 'import secrets; print(secrets.token_hex(12))')
BOT_TOKEN=xoxb-sandbox-$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
PAGE_URL=http://127.0.0.1:$PAGE_PORT
SERVICE_URL=http://127.0.0.1:$SERVICE_PORT
MANAGEMENT_URL=http://127.0.0.1:$MANAGEMENT_PORT
EDS=sgwarden-sandbox-eds
rm -f "$LOGS/queue-url" "$LOGS/own-load-balancer"
say "starting the sandbox page on $PAGE_URL/"
SANDBOX_PORT=$PAGE_PORT SANDBOX_MOTO_URL=$MOTO_URL SANDBOX_SERVICE_URL=$SERVICE_URL SANDBOX_INTAKE=$INTAKE \
  SANDBOX_WEBHOOK_PATH=$WEBHOOK_PATH SANDBOX_EVENT_DATA_STORE=$EDS SANDBOX_STATE_DIR=$LOGS \
  SGWARDEN_SLACK_SIGNING_SECRET=$SECRET SANDBOX_BOT_TOKEN=$BOT_TOKEN PYTHONUNBUFFERED=1 \
  "$PY" "$ROOT/sandbox/server.py" >"$LOGS/server.log" 2>&1 &
PIDS+=($!)
wait_http "$PAGE_URL/api/health" "${PIDS[-1]}" 60 || { tail -30 "$LOGS/server.log" >&2; die "the sandbox page did not start (log: $LOGS/server.log)"; }
QUEUE_URL=$(cat "$LOGS/queue-url")
# sgwarden's own load balancer group, made by the page's setup as Express Mode makes it ("account group-id")
read -r OWN_LB_ACCOUNT OWN_LB_GROUP < "$LOGS/own-load-balancer"

# --- the service, in its sandbox profile, pointed at all of it -------------------------------------
# Only settings: production code reads them as it reads any deployment's. AWS credentials are moto's
# (its default account 123456789012); no real AWS endpoint is reachable with these settings.
# Slack: the page's stand-in, through the bot token's Web API (the default) or an incoming webhook; the
# secret goes in the environment, as in production
if [ "$SLACK_MODE" = bot ]; then
  SLACK_ENV=(SGWARDEN_SLACK_BOT_TOKEN="$BOT_TOKEN")
  SLACK_OPTS=(-Dsgwarden.slack.server-url="$PAGE_URL" "-Dsgwarden.slack.channel=#security-changes")
else
  SLACK_ENV=(SGWARDEN_SLACK_WEBHOOK_URL="$PAGE_URL$WEBHOOK_PATH")
  SLACK_OPTS=()
fi
say "starting sgwarden on $SERVICE_URL (intake: $INTAKE, Slack: $([ "$SLACK_MODE" = bot ] && echo 'bot token' || echo 'incoming webhook'))"
env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_ROLE_ARN -u AWS_WEB_IDENTITY_TOKEN_FILE \
    -u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -u AWS_CONTAINER_CREDENTIALS_FULL_URI -u SGWARDEN_SLACK_BOT_TOKEN -u SGWARDEN_SLACK_WEBHOOK_URL \
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
  "${SLACK_ENV[@]}" SGWARDEN_SLACK_SIGNING_SECRET=$SECRET \
  java ${SANDBOX_JAVA_OPTS:-} -Dquarkus.profile=sandbox \
    "${SLACK_OPTS[@]}" \
    "-Dquarkus.config.locations=file:$ROOT/sandbox/sandbox.properties" \
    -Dquarkus.http.port="$SERVICE_PORT" -Dquarkus.http.host=127.0.0.1 \
    -Dquarkus.management.port="$MANAGEMENT_PORT" -Dquarkus.management.host=127.0.0.1 \
    -Dsgwarden.intake="$INTAKE" \
    -Dsgwarden.aws.endpoint-override="$MOTO_URL" \
    -Dsgwarden.sqs.queue-url="$QUEUE_URL" \
    -Dsgwarden.lake.endpoint-override="$PAGE_URL" \
    -Dsgwarden.lake.event-data-store="$EDS" \
    -Dsgwarden.slack.response-url-prefix="$PAGE_URL/response/" \
    -Dsgwarden.policy.file="$POLICY_FILE" \
    -Dsgwarden.own-load-balancer.account="$OWN_LB_ACCOUNT" \
    -Dsgwarden.own-load-balancer.security-group="$OWN_LB_GROUP" \
    -Dsgwarden.restore.enabled="$ALLOW_RESTORE" \
    -jar "$JAR" >"$LOGS/service.log" 2>&1 &
PIDS+=($!)
wait_http "$MANAGEMENT_URL/q/health/ready" "${PIDS[-1]}" 180 || { tail -40 "$LOGS/service.log" >&2; die "sgwarden did not become ready (log: $LOGS/service.log)"; }

cat <<EOF

  sgwarden sandbox is ready: $PAGE_URL/

  Open it, pick a security group, click "Open 22/tcp to the world": the policies
  (${POLICY_FILE#$ROOT/}) quarantine it at once, and Approve restores it. Other changes are
  asked about with Approve and Deny; a denied change can be restored.$([ "$ALLOW_RESTORE" = false ] && printf '\n  Restore is off (SANDBOX_ALLOW_RESTORE=false): no message offers it, as with AllowRestore=false.') The service runs on $SERVICE_URL (metrics and health checks on $MANAGEMENT_URL/q/metrics and /q/health), moto on $MOTO_URL.
  Slack: $([ "$SLACK_MODE" = bot ] && echo 'a bot token, as recommended: each message is edited as its change is decided, reminders and notices go in its thread' || echo 'an incoming webhook (SANDBOX_SLACK_MODE=webhook): a message is edited only when a button on it is clicked')
  Logs: ${LOGS#$ROOT/}/   Stop: Ctrl-C

EOF

# Runs until Ctrl-C / SIGTERM, or until one of the three stops by itself
set +e
wait -n "${PIDS[@]}"
say "a sandbox process stopped by itself; see ${LOGS#$ROOT/}/*.log"
exit 1

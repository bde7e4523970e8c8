#!/bin/sh
# Writes <app-dir>/app-cds.jsa, the class-data-sharing archive the service starts with
# (-XX:SharedArchiveFile). A training run starts the packaged service once, against nothing (no AWS,
# no Slack: every endpoint is a closed local port and the secrets are dummies), lets both intakes
# make their first call, stops it after a few seconds, and the JVM dumps every class it loaded.
# A later start maps those classes instead of reading, parsing and verifying them again.
#
# The archive only works with the JVM build that wrote it (a different one is ignored with a
# warning, and the service starts without it), so the Dockerfile runs this inside the image, and
# bench/run.sh runs it with the local JVM.
#
#   src/main/docker/app-cds.sh <app-dir>        (the directory holding quarkus-run.jar)
set -eu
app=$(cd "${1:?usage: app-cds.sh <app-dir>}" && pwd)
rm -f "$app/app-cds.jsa"
# Nothing listens on port 9 (discard), so every AWS and Slack call fails at once.
nowhere=http://127.0.0.1:9
env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
    SGWARDEN_SLACK_SIGNING_SECRET=training SGWARDEN_SLACK_WEBHOOK_URL="$nowhere/services/training" \
    SGWARDEN_SLACK_ALLOWED_USERS=U0TRAINING \
    AWS_ACCESS_KEY_ID=training AWS_SECRET_ACCESS_KEY=training AWS_EC2_METADATA_DISABLED=true \
    java -XX:ArchiveClassesAtExit="$app/app-cds.jsa" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -Dquarkus.http.port=0 -Dsgwarden.intake=both -Dsgwarden.lake.initial-delay=0s \
    -Dsgwarden.lake.event-data-store=training -Dsgwarden.aws.endpoint-override="$nowhere" \
    -Dsgwarden.lake.endpoint-override="$nowhere" -Dsgwarden.sqs.queue-url="$nowhere/000000000000/training" \
    -Dcamel.main.duration-max-seconds=6 -Dquarkus.log.level=WARN -Dquarkus.log.console.level=OFF \
    -jar "$app/quarkus-run.jar" > "$app/app-cds-training.log" 2>&1
test -s "$app/app-cds.jsa"
rm -f "$app/app-cds-training.log"
echo "app-cds.sh: wrote $app/app-cds.jsa ($(du -k "$app/app-cds.jsa" | cut -f1) KiB)"

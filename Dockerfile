# sgwarden runtime image.
#
# The application is built outside the image ("mvn package", Quarkus fast-jar), so no build tool
# or source ever reaches the image; .ci/check-dockerfile-copies.sh keeps the COPY lines below in
# step with what the build produces.
#
#   mvn -B package -DskipTests
#   docker build -t sgwarden .
#
# Temurin's JRE tag tracks the latest Java 17 update and its base OS, so a rebuild picks up
# security fixes; pin a digest in the deploy pipeline if builds must be reproducible.
FROM eclipse-temurin:17-jre-noble

# A fixed numeric UID lets Kubernetes-style runAsNonRoot checks verify the user without a passwd
# lookup; the home directory exists so libraries that read user.home find a real path.
RUN groupadd --gid 10001 sgwarden \
    && useradd --uid 10001 --gid 10001 --home-dir /home/sgwarden --create-home \
       --shell /usr/sbin/nologin sgwarden

WORKDIR /deployments

# Root-owned and not writable by the service user, so a compromised process cannot alter its own
# code. Dependencies first: they change least often, so their layer is reused between releases.
COPY target/quarkus-app/lib/ /deployments/lib/
COPY target/quarkus-app/*.jar /deployments/
COPY target/quarkus-app/app/ /deployments/app/
COPY target/quarkus-app/quarkus/ /deployments/quarkus/

# Class-data sharing: a training run of the service (against nothing; see the script) writes the
# classes it loads into an archive that every later start maps instead of loading ~9,000 classes
# again. Only the JVM that wrote an archive can use it, so it is written here, by the image's own
# JRE. Without it (or with a different JRE) the service still starts, about a second slower.
COPY src/main/docker/app-cds.sh /tmp/app-cds.sh
RUN sh /tmp/app-cds.sh /deployments && rm /tmp/app-cds.sh

USER 10001:10001

# 8080 is the public port, the one the load balancer (or App Runner) routes to: Slack's
# /slack/interactions and /healthz, the bare health answer its check reads. App Runner also passes
# it as PORT, which the service honours. 9000 is the management port (MANAGEMENT_PORT): /q/metrics
# and the detailed /q/health/*, which name the table, routes, policies and counts. Never route it
# from a load balancer; scrape it from inside the task or the VPC.
EXPOSE 8080 9000

# No HEALTHCHECK: App Runner ignores it and probes /healthz itself, and the JRE image ships no
# HTTP client to run one with.

# JVM options for a 0.5 to 1 GB container (docs/deployment.md, "JVM options"): the class archive
# above; the serial collector (no G1 regions or remembered sets to pay for); a heap that starts at
# 32 MiB and grows to at most 256 MiB (the live set is about 30 MiB; a 10,000-event Lake run peaked
# at 43 MiB); only the C1 compiler (start-up and memory matter more than peak speed to a service
# that waits on Slack and AWS); smaller thread stacks and code cache; and exit on OutOfMemoryError,
# so that the platform replaces the task instead of leaving it half alive.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/deployments/app-cds.jsa", "-XX:+UseSerialGC", "-Xms32m", "-Xmx256m", "-XX:MaxMetaspaceSize=128m", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=48m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-jar", "/deployments/quarkus-run.jar"]

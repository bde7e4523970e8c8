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

USER 10001:10001

# App Runner routes to this port and also passes it as PORT, which the service honours.
EXPOSE 8080

# No HEALTHCHECK: App Runner ignores it and probes /q/health/ready itself, and the JRE image
# ships no HTTP client to run one with.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-jar", "/deployments/quarkus-run.jar"]

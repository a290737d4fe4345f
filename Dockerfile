# The service image: the Spring Boot jar that `make build` makes, unpacked into its layers so that a
# new build of the application changes only the last, small layer.
#
#   make image            (checks for a Docker engine, builds the jar, then this file)
#   docker build -t twilio-vault-sidecar:dev .    (after `make build`)
#
# The service listens on 127.0.0.1:8080 unless SERVER_ADDRESS says otherwise: right for a sidecar
# container, which only its own pod reaches; a shared deployment sets SERVER_ADDRESS=0.0.0.0.

FROM eclipse-temurin:17-jre AS layers
WORKDIR /build
COPY target/twilio-vault-sidecar-*.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 sidecar \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin sidecar
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
USER 10001:10001
EXPOSE 8080
# Sized for a sidecar: heap follows the container's memory limit, one GC thread, small stacks and a
# C1-only JIT for a fast start. JAVA_TOOL_OPTIONS (set by the Helm chart's `jvm.options`) adds to these.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1", \
  "-Djava.io.tmpdir=/tmp", "org.springframework.boot.loader.launch.JarLauncher"]

# The service image: the Spring Boot jar that `make build` makes, unpacked into its layers so that a
# new build of the application changes only the last, small layer.
#
#   make image            (checks for a Docker engine, builds the jar, then this file)
#   docker build -t twilio-vault-sidecar:dev .    (after `make build`)
#
# The service listens on 127.0.0.1:8080 unless SERVER_ADDRESS says otherwise: right for a sidecar
# container, which only its own pod reaches; a shared deployment sets SERVER_ADDRESS=0.0.0.0.

FROM eclipse-temurin:25-jre AS layers
WORKDIR /build
COPY target/twilio-vault-sidecar-*.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --destination extracted

# Java 25 runs the Java 17 bytecode unchanged and, with an ahead-of-time cache (JEP 514/515: classes
# loaded and linked, method profiles) recorded by the training run below, starts in about half the
# time and warms up faster. `make bench` measures exactly this set-up when a JDK 25 is present.
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 sidecar \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin sidecar
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
# The training run (AotTraining) starts the service against a built-in stand-in on 127.0.0.1 that
# answers as Vault and as Twilio, sends a few thousand requests through the proxy and stops: it needs
# no Vault and no network. The cache so holds the request path's classes and method profiles, not
# only start-up's. It must be recorded with the JVM, garbage collector and class path that run it,
# so it is made here, in the image; a failed training run fails the build.
RUN if ! java -XX:+UseSerialGC -Xmx128m -Djdk.reflect.useNativeAccessorOnly=true -XX:AOTCacheOutput=app.aot -cp app.jar \
        io.github.twiliovaultsidecar.aot.AotTraining > /tmp/aot-training.log 2>&1 || ! test -s app.aot; then \
      tail -n 40 /tmp/aot-training.log; exit 1; \
    fi \
 && rm -f app.aot.config /tmp/aot-training.log
USER 10001:10001
EXPOSE 8080
# Sized for a sidecar: heap follows the container's memory limit, Serial GC (no GC threads, ~40 MB
# less native memory than G1 at this size), small stacks, the AOT cache, freed native memory given
# back every 2 s (about 10 MB less peak RSS in `make bench`). The full tiered JIT is kept: the
# C1-only JIT (-XX:TieredStopAtLevel=1) starts faster and uses ~45 MB less memory but about twice the
# CPU per request in `make bench`; C2 alone (-XX:-TieredCompilation) holds less compiled code but runs
# the warm-up before readiness in the interpreter, so a pod is ready seconds later (docs/benchmarks.md).
# JAVA_TOOL_OPTIONS (the Helm chart's `jvm.options`) adds to these, e.g. `-XX:-TieredCompilation` where
# memory counts more than start-up time. Reflected methods and constructors are called through JNI rather than a
# method handle built for each on its first call: Spring calls hundreds of them once each while it
# starts (about 0.2 s less to readiness on a 2-core machine). Nothing on the proxy
# path calls one; the admin and webhook controllers make one such call per request, a little slower
# through JNI.
# The JDK reads that property before `main` runs, so it has to be set here, not by the service.
ENTRYPOINT ["java", "-XX:AOTCache=app.aot", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-Xss512k", \
  "-XX:TrimNativeHeapInterval=2000", "-Djdk.reflect.useNativeAccessorOnly=true", "-Djava.io.tmpdir=/tmp", \
  "-jar", "app.jar"]

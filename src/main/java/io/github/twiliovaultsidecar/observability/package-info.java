/** Metrics and tracing wiring: meter names and tags owned here, Vault and cache instrumentation. */
package io.github.twiliovaultsidecar.observability;

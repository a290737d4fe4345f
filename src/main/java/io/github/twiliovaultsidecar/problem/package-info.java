/** The root of every failure the sidecar reports: a stable problem type, an HTTP status, context without secrets. */
package io.github.twiliovaultsidecar.problem;

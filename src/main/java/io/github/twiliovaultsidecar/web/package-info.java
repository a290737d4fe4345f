/** The one place that turns the sidecar's exceptions into RFC 9457 problem details. */
package io.github.twiliovaultsidecar.web;

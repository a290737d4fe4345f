/** The signing reverse proxy: routing, header rules, redaction and the upstream client. */
package io.github.twiliovaultsidecar.proxy;

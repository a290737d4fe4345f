/** The signing reverse proxy: routing, header rules, retries and redaction. */
package io.github.twiliovaultsidecar.proxy;

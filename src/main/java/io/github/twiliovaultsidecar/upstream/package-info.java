/** The client every feature calls Twilio through: pooled TLS connections on the sidecar's event loops. */
package io.github.twiliovaultsidecar.upstream;

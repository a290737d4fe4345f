/** A sidecar that keeps regional Twilio credentials in Vault and signs Twilio calls for apps. */
package io.github.twiliovaultsidecar;

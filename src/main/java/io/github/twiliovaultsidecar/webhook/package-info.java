/** Checks Twilio's {@code X-Twilio-Signature} on inbound webhooks for apps, so they need no token either. */
package io.github.twiliovaultsidecar.webhook;

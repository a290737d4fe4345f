/** The HttpClient that sends the official Twilio Java SDK's requests through twilio-vault-sidecar. */
package io.github.twiliovaultsidecar.client;

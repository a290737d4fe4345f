/** Twilio's regions, edges, regional hostname grammar and SIDs: pure domain, no Spring. */
package io.github.twiliovaultsidecar.twilio;

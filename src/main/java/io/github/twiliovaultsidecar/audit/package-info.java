/** The audit trail: one JSON line per proxied call, denial and admin action. */
package io.github.twiliovaultsidecar.audit;

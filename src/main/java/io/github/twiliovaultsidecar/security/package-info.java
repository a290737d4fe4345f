/** Caller identity (local or JWT), what each caller may do, audit lines and secret masking in logs. */
package io.github.twiliovaultsidecar.security;

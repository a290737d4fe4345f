/** Caller identity (local or JWT) and what each caller may do. */
package io.github.twiliovaultsidecar.security;

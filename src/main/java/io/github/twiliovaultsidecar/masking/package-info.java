/** Log masking: every secret the service has loaded is replaced in log lines and stack traces. */
package io.github.twiliovaultsidecar.masking;

/** The workload that records the ahead-of-time cache the image (and {@code make bench}) starts with. */
package io.github.twiliovaultsidecar.aot;

/** The regional credential store: its interface, the Vault KV v2 implementation and the cache. */
package io.github.twiliovaultsidecar.store;

package io.github.twiliovaultsidecar.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

import io.github.twiliovaultsidecar.twilio.Edge;
import io.github.twiliovaultsidecar.twilio.Secret;

/**
 * One regional credential read from Vault: the HTTP Basic user name (Account SID or API key SID),
 * the secret, the optional default edge and the KV version it came from. {@link #toString()} names
 * the path, kind, version and fingerprint, never the secret.
 */
public final class RegionalCredential {

	private final CredentialKey key;

	private final CredentialKind kind;

	private final String username;

	private final Secret secret;

	private final Optional<Edge> edge;

	private final long version;

	/** Built once on first use: the proxy sends it on every request. */
	private volatile String basicAuthorization;

	RegionalCredential(CredentialKey key, CredentialKind kind, String username, Secret secret, Optional<Edge> edge,
			long version) {
		this.key = Objects.requireNonNull(key);
		this.kind = Objects.requireNonNull(kind);
		this.username = Objects.requireNonNull(username);
		this.secret = Objects.requireNonNull(secret);
		this.edge = Objects.requireNonNull(edge);
		this.version = version;
	}

	public CredentialKey key() {
		return this.key;
	}

	public CredentialKind kind() {
		return this.kind;
	}

	/** @return the Basic-auth user name: the Account SID or the API key SID */
	public String username() {
		return this.username;
	}

	/** @return the Auth Token or API key secret */
	public Secret secret() {
		return this.secret;
	}

	/** @return the default edge stored with the entry, if any */
	public Optional<Edge> edge() {
		return this.edge;
	}

	/** @return the KV v2 version this credential was read from */
	public long version() {
		return this.version;
	}

	/** @return the value of an {@code Authorization} header for Twilio; never log or return it */
	public String basicAuthorization() {
		String value = this.basicAuthorization;
		if (value == null) {
			String pair = this.username + ":" + this.secret.reveal();
			value = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
			this.basicAuthorization = value;
		}
		return value;
	}

	/**
	 * @return whether {@code other} is the same credential: the same KV version, user name and secret
	 * (versions start again at 1 when an entry's metadata is deleted and it is written anew)
	 */
	public boolean sameAs(RegionalCredential other) {
		return this.version == other.version && this.username.equals(other.username) && this.secret.equals(other.secret);
	}

	/** @return the first 12 hex characters of the secret's SHA-256 */
	public String fingerprint() {
		return this.secret.fingerprint();
	}

	@Override
	public String toString() {
		return "RegionalCredential[" + this.key + " " + this.kind + " v" + this.version + " fingerprint="
				+ fingerprint() + "]";
	}

}

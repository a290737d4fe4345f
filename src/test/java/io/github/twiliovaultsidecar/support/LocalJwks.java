package io.github.twiliovaultsidecar.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * A JWKS endpoint on 127.0.0.1 and a signer for tokens shaped like Kubernetes projected
 * ServiceAccount tokens, so shared-mode tests need no cluster.
 */
public final class LocalJwks implements AutoCloseable {

	public static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

	public static final String AUDIENCE = "twilio-vault-sidecar";

	private final RSAKey key = generate("trusted");

	private final RSAKey stranger = generate("stranger");

	private final HttpServer server;

	private LocalJwks(HttpServer server) {
		this.server = server;
	}

	/** @return a started JWKS server publishing the trusted key only */
	public static LocalJwks start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
			LocalJwks jwks = new LocalJwks(server);
			server.createContext("/openid/v1/jwks", exchange -> {
				byte[] body = new JWKSet(jwks.key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
			return jwks;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public String jwkSetUri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/openid/v1/jwks";
	}

	/** @return a valid token for {@code subject} */
	public String token(String subject) {
		return sign(this.key, subject, AUDIENCE, ISSUER, Duration.ofMinutes(10));
	}

	/** @return a token for {@code subject} with another audience */
	public String tokenForAudience(String subject, String audience) {
		return sign(this.key, subject, audience, ISSUER, Duration.ofMinutes(10));
	}

	/** @return a token that expired a minute ago */
	public String expiredToken(String subject) {
		return sign(this.key, subject, AUDIENCE, ISSUER, Duration.ofMinutes(-5));
	}

	/** @return a token signed with a key the JWKS does not publish */
	public String tokenSignedByAStranger(String subject) {
		return sign(this.stranger, subject, AUDIENCE, ISSUER, Duration.ofMinutes(10));
	}

	/** @return a token from another issuer */
	public String tokenFromIssuer(String subject, String issuer) {
		return sign(this.key, subject, AUDIENCE, issuer, Duration.ofMinutes(10));
	}

	/**
	 * @return a token shaped like a projected ServiceAccount token the kubelet mounts for
	 * {@code audience}: subject {@code system:serviceaccount:<namespace>:<name>} and the
	 * {@code kubernetes.io} claims (namespace, service account and pod, with their UIDs) that Vault's
	 * Kubernetes auth method reads
	 */
	public String serviceAccountToken(String namespace, String name, String uid, String audience) {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("system:serviceaccount:" + namespace + ":" + name)
			.audience(List.of(audience))
			.issuer(ISSUER)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
			.jwtID(java.util.UUID.randomUUID().toString())
			.claim("kubernetes.io", java.util.Map.of("namespace", namespace, "serviceaccount",
					java.util.Map.of("name", name, "uid", uid), "pod",
					java.util.Map.of("name", name + "-0", "uid", java.util.UUID.randomUUID().toString())))
			.build();
		return sign(this.key, claims);
	}

	/** @return a projected-style token like {@link #serviceAccountToken} signed with a key the JWKS does not publish */
	public String serviceAccountTokenSignedByAStranger(String namespace, String name, String uid, String audience) {
		try {
			JWTClaimsSet claims = SignedJWT.parse(serviceAccountToken(namespace, name, uid, audience)).getJWTClaimsSet();
			return sign(this.stranger, claims);
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * @return the claims of {@code token} when it is signed with the published key and has not expired,
	 * else empty (what an API server's TokenReview decides)
	 */
	public java.util.Optional<JWTClaimsSet> verify(String token) {
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			if (!jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(this.key.toRSAPublicKey()))) {
				return java.util.Optional.empty();
			}
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			if (claims.getExpirationTime() == null || claims.getExpirationTime().before(new Date())) {
				return java.util.Optional.empty();
			}
			return java.util.Optional.of(claims);
		}
		catch (java.text.ParseException | JOSEException ex) {
			return java.util.Optional.empty();
		}
	}

	/** Signs {@code claims} with {@code aud} always an array, as Kubernetes writes it (Vault insists). */
	private static String sign(RSAKey key, JWTClaimsSet claims) {
		try {
			java.util.Map<String, Object> payload = new java.util.LinkedHashMap<>(claims.toJSONObject());
			payload.put("aud", claims.getAudience());
			com.nimbusds.jose.JWSObject jwt = new com.nimbusds.jose.JWSObject(
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
					new com.nimbusds.jose.Payload(payload));
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String sign(RSAKey key, String subject, String audience, String issuer, Duration validFor) {
		Instant now = Instant.now();
		Instant expiry = now.plus(validFor);
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
			.audience(List.of(audience))
			.issuer(issuer)
			.issueTime(Date.from(validFor.isNegative() ? expiry.minus(Duration.ofMinutes(10)) : now))
			.expirationTime(Date.from(expiry))
			.build();
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static RSAKey generate(String id) {
		try {
			return new RSAKeyGenerator(2048).keyID(id).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}

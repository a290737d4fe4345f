package io.github.twiliovaultsidecar.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one Kubernetes API call Vault's {@code kubernetes} auth method makes, on 127.0.0.1:
 * {@code POST /apis/authentication.k8s.io/v1/tokenreviews}, answered the way an API server does for
 * the service-account tokens {@link LocalJwks} signs (its "cluster issuer"). A token not signed by
 * that key, expired, or not made for one of the review's audiences is not authenticated. Only a caller
 * presenting {@link #reviewerJwt()} (Vault's {@code token_reviewer_jwt}) is answered; anyone else gets
 * 401, as an API server refuses an unauthenticated TokenReview.
 */
public final class TokenReviewStandIn implements AutoCloseable {

	/** The API server's own audience, used when a review names none (and the default pod token's). */
	public static final String API_AUDIENCE = LocalJwks.ISSUER;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpServer server;

	private final LocalJwks issuer;

	private final String reviewerJwt = "reviewer-" + UUID.randomUUID();

	private final List<Review> reviews = new CopyOnWriteArrayList<>();

	private TokenReviewStandIn(HttpServer server, LocalJwks issuer) {
		this.server = server;
		this.issuer = issuer;
	}

	/** @return a started stand-in reviewing the tokens {@code issuer} signs */
	public static TokenReviewStandIn start(LocalJwks issuer) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
			TokenReviewStandIn standIn = new TokenReviewStandIn(server, issuer);
			server.createContext("/", standIn::handle);
			server.start();
			return standIn;
		}
		catch (IOException ex) {
			throw new IllegalStateException("could not start the TokenReview stand-in", ex);
		}
	}

	/** @return the base URL, Vault's {@code kubernetes_host} */
	public String host() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/** @return the bearer token a reviewer must present (Vault's {@code token_reviewer_jwt}) */
	public String reviewerJwt() {
		return this.reviewerJwt;
	}

	/** @return the reviews asked so far, oldest first */
	public List<Review> reviews() {
		return List.copyOf(this.reviews);
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			if (!"POST".equals(exchange.getRequestMethod())
					|| !"/apis/authentication.k8s.io/v1/tokenreviews".equals(exchange.getRequestURI().getPath())) {
				send(exchange, 404, Map.of("kind", "Status", "status", "Failure", "reason", "NotFound", "code", 404));
				return;
			}
			if (!("Bearer " + this.reviewerJwt).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
				send(exchange, 401, Map.of("kind", "Status", "status", "Failure", "reason", "Unauthorized", "code", 401));
				return;
			}
			JsonNode spec = JSON.readTree(exchange.getRequestBody().readAllBytes()).path("spec");
			String token = spec.path("token").asString("");
			List<String> wanted = new java.util.ArrayList<>();
			for (JsonNode audience : spec.path("audiences")) {
				wanted.add(audience.asString());
			}
			List<String> audiences = wanted.isEmpty() ? List.of(API_AUDIENCE) : wanted;
			Optional<JWTClaimsSet> claims = this.issuer.verify(token)
				.filter(c -> c.getAudience().stream().anyMatch(audiences::contains));
			Map<String, Object> status = new LinkedHashMap<>();
			if (claims.isPresent()) {
				JWTClaimsSet c = claims.get();
				@SuppressWarnings("unchecked")
				Map<String, Object> kubernetes = (Map<String, Object>) c.getClaim("kubernetes.io");
				@SuppressWarnings("unchecked")
				Map<String, Object> account = (Map<String, Object>) kubernetes.get("serviceaccount");
				status.put("authenticated", true);
				status.put("user", Map.of("username", c.getSubject(), "uid", account.get("uid"), "groups",
						List.of("system:serviceaccounts", "system:serviceaccounts:" + kubernetes.get("namespace"),
								"system:authenticated")));
				status.put("audiences", c.getAudience().stream().filter(audiences::contains).toList());
			}
			else {
				status.put("authenticated", false);
				status.put("error", "[invalid bearer token, token lookup failed]");
			}
			this.reviews.add(new Review(token, wanted, claims.isPresent()));
			send(exchange, 201, Map.of("apiVersion", "authentication.k8s.io/v1", "kind", "TokenReview", "status", status));
		}
	}

	private static void send(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
		byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/**
	 * One review Vault asked for.
	 *
	 * @param token the reviewed JWT
	 * @param audiences the audiences Vault asked about
	 * @param authenticated the answer
	 */
	public record Review(String token, List<String> audiences, boolean authenticated) {

		@Override
		public String toString() {
			return "Review[audiences=" + this.audiences + ", authenticated=" + this.authenticated + "]";
		}

	}

}

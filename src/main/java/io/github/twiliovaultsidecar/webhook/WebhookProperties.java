package io.github.twiliovaultsidecar.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Region;

/**
 * {@code sidecar.webhooks.*}: how webhooks are checked and where the front door forwards them.
 *
 * @param publicBaseUrl the scheme, host and optional path prefix Twilio calls, e.g.
 * {@code https://hooks.example.com}; the URL Twilio signed is this followed by the request's path and
 * query. Empty: taken from {@code X-Forwarded-Proto}/{@code X-Forwarded-Host} when trusted, else from
 * the request itself
 * @param trustForwardedHeaders whether {@code X-Forwarded-Proto}/{@code X-Forwarded-Host} may say
 * which URL Twilio called (only behind a proxy that sets them), default {@code false}
 * @param rotationGrace how long after a new KV version was written a signature made with the previous
 * version is still accepted, default {@value #DEFAULT_ROTATION_GRACE}
 * @param maxBodySize largest request body the front door and validate endpoint read, default
 * {@value #DEFAULT_MAX_BODY_SIZE}
 * @param forwardTimeout how long the front door waits for the app's answer, default
 * {@value #DEFAULT_FORWARD_TIMEOUT}
 * @param routes the front door's routes, may be empty
 */
@ConfigurationProperties("sidecar.webhooks")
record WebhookProperties(String publicBaseUrl, @DefaultValue("false") boolean trustForwardedHeaders,
		@DefaultValue(DEFAULT_ROTATION_GRACE) Duration rotationGrace,
		@DefaultValue(DEFAULT_MAX_BODY_SIZE) DataSize maxBodySize,
		@DefaultValue(DEFAULT_FORWARD_TIMEOUT) Duration forwardTimeout, List<Route> routes) {

	static final String DEFAULT_ROTATION_GRACE = "15m";

	static final String DEFAULT_MAX_BODY_SIZE = "1MB";

	static final String DEFAULT_FORWARD_TIMEOUT = "10s";

	/** Route names: lower-case letters, digits and hyphens, one path segment. */
	static final String ROUTE_NAME_FORMAT = "[a-z0-9]([a-z0-9-]*[a-z0-9])?";

	WebhookProperties {
		publicBaseUrl = (publicBaseUrl == null || publicBaseUrl.isBlank()) ? null : publicBaseUrl.strip();
		if (publicBaseUrl != null) {
			httpUrl("sidecar.webhooks.public-base-url", publicBaseUrl, false);
		}
		if (rotationGrace == null || rotationGrace.isNegative()) {
			throw new IllegalArgumentException(
					"sidecar.webhooks.rotation-grace must be zero or positive, got " + rotationGrace);
		}
		if (maxBodySize == null || maxBodySize.toBytes() <= 0 || maxBodySize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"sidecar.webhooks.max-body-size must be between 1B and 2GB, got " + maxBodySize);
		}
		if (forwardTimeout == null || forwardTimeout.isNegative() || forwardTimeout.isZero()) {
			throw new IllegalArgumentException(
					"sidecar.webhooks.forward-timeout must be positive, got " + forwardTimeout);
		}
		routes = (routes != null) ? List.copyOf(routes) : List.of();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < routes.size(); i++) {
			Route route = routes.get(i);
			String property = "sidecar.webhooks.routes[" + i + "]";
			if (route.name() == null || route.name().length() > 64 || !route.name().matches(ROUTE_NAME_FORMAT)) {
				throw new IllegalArgumentException(property + ".name must be lower-case letters, digits and hyphens "
						+ "(one path segment, at most 64 characters), got '" + route.name() + "'");
			}
			if (!names.add(route.name())) {
				throw new IllegalArgumentException(property + ".name '" + route.name() + "' is used by another route");
			}
			httpUrl(property + ".app-url", route.appUrl(), true);
			if (!AccountSid.isValid(route.account())) {
				throw new IllegalArgumentException(property + ".account must be an Account SID (AC followed by 32 hex "
						+ "digits), got '" + route.account() + "'");
			}
			if (route.region() == null || !Region.isValid(route.region().toLowerCase(Locale.ROOT))) {
				throw new IllegalArgumentException(property + ".region must be a Twilio region code such as us1, ie1 "
						+ "or au1, got '" + route.region() + "'");
			}
		}
	}

	/** @return the configured public base URL, empty when none is configured */
	Optional<String> publicBase() {
		return Optional.ofNullable(this.publicBaseUrl);
	}

	/** @return the routes by name */
	Map<String, Route> routesByName() {
		return this.routes.stream().collect(Collectors.toUnmodifiableMap(Route::name, Function.identity()));
	}

	private static void httpUrl(String property, String value, boolean userInfoAllowed) {
		URI uri;
		try {
			uri = new URI(value);
		}
		catch (URISyntaxException | NullPointerException ex) {
			throw new IllegalArgumentException(property + " must be an http or https URL, got '" + masked(value) + "'");
		}
		if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
				|| uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw new IllegalArgumentException(
					property + " must be an http or https URL with a host and no query or fragment, got '" + masked(value)
							+ "'");
		}
		if (!userInfoAllowed && uri.getRawUserInfo() != null) {
			throw new IllegalArgumentException(property + " must not hold user-info");
		}
	}

	/** @return {@code value} with any user-info replaced, so a password in a URL is never printed */
	private static String masked(String value) {
		return (value == null) ? null : value.replaceAll("//[^/?#]*@", "//***@");
	}

	/**
	 * One front-door route: requests on {@code /webhooks/in/{name}/…} are checked with the Auth Token of
	 * {@code account} in {@code region} and forwarded to {@code appUrl} followed by the rest of the path.
	 *
	 * @param name the route's path segment
	 * @param appUrl where valid requests go, e.g. {@code http://127.0.0.1:3000/twilio}
	 * @param account the Account SID whose token signs the webhooks
	 * @param region the region whose token signs them, e.g. {@code ie1}
	 */
	record Route(String name, String appUrl, String account, String region) {

		/** @return which credential checks this route's webhooks */
		CredentialKey key() {
			return CredentialKey.of(this.account, this.region.toLowerCase(Locale.ROOT));
		}

		/** The app URL may hold user-info; it is never printed. */
		@Override
		public String toString() {
			return "Route[" + this.name + " " + this.account + "/" + this.region + "]";
		}

	}

}

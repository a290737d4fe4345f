package io.github.twiliovaultsidecar.twilio;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Twilio's answer when an account has too many requests in progress: 429 with error code
 * {@value #CONCURRENCY_LIMIT_CODE}, usually with a {@code Retry-After} header. Such a request was not
 * processed, so it is always safe to send again later.
 */
public final class Throttling {

	/** Twilio's error code for "too many concurrent requests". */
	public static final int CONCURRENCY_LIMIT_CODE = 20429;

	/** The HTTP status Twilio answers a throttled request with. */
	public static final int STATUS = 429;

	private Throttling() {
	}

	/**
	 * @param value a {@code Retry-After} header value (seconds or an HTTP date), may be {@code null}
	 * @return the wait it asks for, never negative; empty when absent or unreadable
	 */
	public static Optional<Duration> retryAfter(String value) {
		if (value == null || value.isBlank()) {
			return Optional.empty();
		}
		try {
			return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip()))));
		}
		catch (NumberFormatException ex) {
			try {
				Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
				Duration wait = Duration.between(Instant.now(), at);
				return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
			}
			catch (DateTimeParseException notADate) {
				return Optional.empty();
			}
		}
	}

}

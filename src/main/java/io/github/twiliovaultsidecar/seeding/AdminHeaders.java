package io.github.twiliovaultsidecar.seeding;

import org.springframework.http.HttpHeaders;

/**
 * The response headers of the admin API and the inventory page. Answers are never cached (they describe
 * what Vault holds now and who may see it); the page runs only its own script and style sheet, talks only
 * to this service, and is never framed; no browser guesses a content type or sends a referrer.
 */
final class AdminHeaders {

	/**
	 * No inline script or style, no {@code eval}, no plug-in, no form posting elsewhere, no framing: the
	 * page's script and style sheet are files of this service, and it calls only this service.
	 */
	static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
			+ "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

	static final String NO_STORE = "no-store";

	private AdminHeaders() {
	}

	/** Sets the headers, replacing any value already there. */
	static void apply(HttpHeaders headers) {
		headers.set(HttpHeaders.CACHE_CONTROL, NO_STORE);
		headers.set(HttpHeaders.PRAGMA, "no-cache");
		headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		headers.set("X-Content-Type-Options", "nosniff");
		headers.set("X-Frame-Options", "DENY");
		headers.set("Referrer-Policy", "no-referrer");
		headers.set("Cross-Origin-Opener-Policy", "same-origin");
		headers.set("Cross-Origin-Resource-Policy", "same-origin");
	}

}

package io.github.twiliovaultsidecar.webhook;

import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.RegionalCredential;

/**
 * Checks one webhook's signature against the stored Auth Token of its account and region (and,
 * during a rotation, the previous one), and counts the outcome in {@value #METRIC}.
 */
final class WebhookValidator {

	/** Counter of validations, tagged {@code result}, {@code route} and {@code version}; never an account or token. */
	static final String METRIC = "sidecar.webhook.validations";

	/** The {@code route} tag of validations asked for through {@code POST /webhooks/v1/validate}. */
	static final String VALIDATE_ENDPOINT_ROUTE = "_validate";

	private final SigningTokens tokens;

	private final MeterRegistry meters;

	WebhookValidator(SigningTokens tokens, MeterRegistry meters) {
		this.tokens = tokens;
		this.meters = meters;
	}

	/**
	 * @param route the route name for the metric (a configured name, or {@link #VALIDATE_ENDPOINT_ROUTE})
	 * @param key whose Auth Token signed the webhook
	 * @param url the full public URL Twilio requested
	 * @param payload what Twilio posted
	 * @param signature the received {@value WebhookSignature#HEADER}, may be {@code null}
	 * @return the verdict
	 * @throws WebhookException (as the Mono's error) when the signature is missing, the URL malformed or the
	 * credential an API key
	 * @throws io.github.twiliovaultsidecar.store.CredentialStoreException (as the Mono's error) when no
	 * credential can be had
	 */
	Mono<Verdict> validate(String route, CredentialKey key, String url, SignedPayload payload, String signature) {
		return Mono.defer(() -> {
			if (signature == null || signature.isBlank()) {
				throw WebhookException.missingSignature();
			}
			WebhookSignature.checkUrl(url);
			return this.tokens.current(key).flatMap(current -> {
				if (matches(current, url, payload, signature)) {
					return Mono.just(Verdict.matched(current, false));
				}
				return this.tokens.fallback(key, current).map(fallback -> {
					Optional<RegionalCredential> newer = fallback.newer()
						.filter(credential -> matches(credential, url, payload, signature));
					if (newer.isPresent()) {
						return Verdict.matched(newer.get(), false);
					}
					return fallback.previous()
						.filter(credential -> matches(credential, url, payload, signature))
						.map(credential -> Verdict.matched(credential, true))
						.orElseGet(() -> Verdict.rejected(fallback.newer().orElse(current)));
				});
			});
		})
			.doOnNext(verdict -> count(route, verdict.valid() ? "valid" : "invalid",
					!verdict.valid() ? "none" : verdict.previousVersion() ? "previous" : "current"))
			.doOnError(failure -> count(route, "error", "none"));
	}

	private static boolean matches(RegionalCredential credential, String url, SignedPayload payload, String signature) {
		return WebhookSignature.verify(credential.secret(), url, payload, signature);
	}

	private void count(String route, String result, String version) {
		Counter.builder(METRIC)
			.description("Webhook signature validations")
			.tag("result", result)
			.tag("route", route)
			.tag("version", version)
			.register(this.meters)
			.increment();
	}

	/**
	 * @param valid whether the signature matched a stored Auth Token
	 * @param credentialVersion the KV version that matched; when none did, the latest version checked
	 * @param previousVersion whether the match was the previous version, within its rotation grace period
	 */
	record Verdict(boolean valid, long credentialVersion, boolean previousVersion) {

		static Verdict matched(RegionalCredential credential, boolean previous) {
			return new Verdict(true, credential.version(), previous);
		}

		static Verdict rejected(RegionalCredential latest) {
			return new Verdict(false, latest.version(), false);
		}

	}

}

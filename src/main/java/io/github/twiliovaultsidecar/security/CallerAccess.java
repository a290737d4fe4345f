package io.github.twiliovaultsidecar.security;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import io.github.twiliovaultsidecar.audit.AuditLog;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Region;

/**
 * Decides whether a caller may make one Twilio call with one account in one region. Sensitive
 * operations are refused in both modes unless allowed by name; in shared mode a
 * {@link SecurityProperties.CallerRule} must also grant account, region and operation. Every denial
 * is written to the audit log.
 */
public final class CallerAccess {

	/** The caller name used in local mode, where the pod is the trust boundary. */
	public static final String LOCAL_CALLER = "local";

	/** The header that carries a caller's JWT in shared mode ({@code Authorization} carries Twilio's Basic auth). */
	public static final String TOKEN_HEADER = HttpHeaders.PROXY_AUTHORIZATION;

	private static final String BEARER = "Bearer ";

	private final Mode mode;

	private final SecurityProperties properties;

	private final List<CompiledRule> rules;

	private final AuditLog audit;

	private final ReactiveJwtDecoder tokens;

	/**
	 * @param tokens decodes and validates caller JWTs (signature, issuer, audiences, expiry) as
	 * configured under {@code spring.security.oauth2.resourceserver.jwt}; required in shared mode
	 */
	public CallerAccess(Mode mode, SecurityProperties properties, AuditLog audit, ReactiveJwtDecoder tokens) {
		if (mode.isShared() && tokens == null) {
			throw new IllegalStateException("sidecar.mode=shared needs spring.security.oauth2.resourceserver.jwt."
					+ "jwk-set-uri (or issuer-uri) to validate caller tokens");
		}
		this.tokens = tokens;
		this.mode = mode;
		this.properties = properties;
		this.audit = audit;
		this.rules = properties.callers().stream().map(CompiledRule::new).toList();
	}

	/**
	 * @return the access of a service in local mode that allows no sensitive operation, for the
	 * requests the service sends itself (the proxy's warm-up); denials go to {@code audit}
	 */
	public static CallerAccess local(AuditLog audit) {
		return new CallerAccess(new Mode(Mode.Kind.LOCAL), new SecurityProperties(List.of(), Set.of()), audit, null);
	}

	/**
	 * @param headers the caller's request headers; in shared mode {@code Proxy-Authorization: Bearer <JWT>}
	 * @return the authenticated caller's name (the token's {@code sub}), or {@link #LOCAL_CALLER} in local mode
	 * @throws AccessDeniedException (as the Mono's error) when the token is missing or not valid
	 */
	public Mono<String> caller(HttpHeaders headers) {
		if (!this.mode.isShared()) {
			return Mono.just(LOCAL_CALLER);
		}
		String value = headers.getFirst(TOKEN_HEADER);
		if (value == null) {
			return Mono.error(AccessDeniedException.unauthenticated("no caller token"));
		}
		if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return Mono.error(AccessDeniedException.unauthenticated(TOKEN_HEADER + " is not a Bearer token"));
		}
		String token = value.substring(BEARER.length()).strip();
		if (token.isEmpty()) {
			return Mono.error(AccessDeniedException.unauthenticated("the Bearer token is empty"));
		}
		return this.tokens.decode(token)
			.onErrorMap(JwtException.class, ex -> AccessDeniedException.unauthenticated((ex instanceof JwtValidationException)
					? ex.getMessage() : "the token could not be read or its signature checked"))
			.flatMap(jwt -> (jwt.getSubject() != null) ? Mono.just(jwt.getSubject())
					: Mono.error(AccessDeniedException.unauthenticated("the token has no sub claim")));
	}

	/**
	 * @param path the raw Twilio path (after the host)
	 * @throws AccessDeniedException naming what was missing
	 */
	public void check(String caller, String method, String path, AccountSid account, Region region) {
		SensitiveOperation sensitive = SensitiveOperation.of(method, path).orElse(null);
		if (sensitive != null && !this.properties.allowSensitive().contains(sensitive.configName())) {
			throw denied(AccessDeniedException.sensitive(caller, sensitive, method, path), caller, method, path, account,
					region);
		}
		if (this.mode.isShared() && this.rules.stream().noneMatch(rule -> rule.allows(caller, method, path, account, region))) {
			throw denied(AccessDeniedException.noRule(caller, method, AuditLog.template(path), account.value(),
					region.code()), caller, method, path, account, region);
		}
	}

	private AccessDeniedException denied(AccessDeniedException denial, String caller, String method, String path,
			AccountSid account, Region region) {
		this.audit.denied(caller, method, path, account.value(), region.code(), denial.problem());
		return denial;
	}

	private static final class CompiledRule {

		private final Pattern subject;

		private final SecurityProperties.CallerRule rule;

		private final List<OperationPattern> operations;

		CompiledRule(SecurityProperties.CallerRule rule) {
			this.rule = rule;
			this.subject = Pattern.compile(Pattern.quote(rule.subject()).replace("*", "\\E.*\\Q"));
			this.operations = rule.operations().stream().map(OperationPattern::parse).toList();
		}

		boolean allows(String caller, String method, String path, AccountSid account, Region region) {
			return this.subject.matcher(caller).matches()
					&& this.rule.accounts().stream().anyMatch(a -> "*".equals(a) || AccountSid.parse(a).equals(account))
					&& this.rule.regions().stream().anyMatch(r -> "*".equals(r) || r.equals(region.code()))
					&& this.operations.stream().anyMatch(op -> op.matches(method, path));
		}

	}

}

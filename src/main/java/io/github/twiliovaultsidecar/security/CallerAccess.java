package io.github.twiliovaultsidecar.security;

import java.util.List;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;

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

	private final Mode mode;

	private final SecurityProperties properties;

	private final List<CompiledRule> rules;

	private final AuditLog audit;

	public CallerAccess(Mode mode, SecurityProperties properties, AuditLog audit) {
		this.mode = mode;
		this.properties = properties;
		this.audit = audit;
		this.rules = properties.callers().stream().map(CompiledRule::new).toList();
	}

	/** @return the authenticated caller's name ({@code sub}), or {@link #LOCAL_CALLER} in local mode */
	public Mono<String> caller() {
		if (!this.mode.isShared()) {
			return Mono.just(LOCAL_CALLER);
		}
		return ReactiveSecurityContextHolder.getContext()
			.map(SecurityContext::getAuthentication)
			.filter(Authentication::isAuthenticated)
			.map(Authentication::getName)
			.switchIfEmpty(Mono.error(() -> AccessDeniedException.unauthenticated("no caller token")));
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

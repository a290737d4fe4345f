package io.github.twiliovaultsidecar.security;

import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Region;

/**
 * {@code sidecar.security.*}: who may use which credential for what.
 * <p>
 * In {@code local} mode ({@code sidecar.mode}, the default) the service listens on 127.0.0.1 and every
 * local caller may use every stored account and region. In {@code shared} mode callers present a JWT in
 * {@code Proxy-Authorization: Bearer …}, validated with Spring Security's resource server
 * ({@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri}, {@code issuer-uri}, {@code audiences}),
 * and only {@link #callers()} rules grant anything. In both modes the {@link SensitiveOperation}s are
 * refused unless named in {@link #allowSensitive()}.
 *
 * @param callers what each caller may do (shared mode)
 * @param allowSensitive sensitive operations to let through, by name (e.g. {@code api-keys})
 */
@ConfigurationProperties("sidecar.security")
public record SecurityProperties(@DefaultValue List<CallerRule> callers, @DefaultValue Set<String> allowSensitive) {

	public SecurityProperties {
		callers = List.copyOf(callers);
		allowSensitive = Set.copyOf(allowSensitive);
		for (String name : allowSensitive) {
			if (SensitiveOperation.byName(name).isEmpty()) {
				throw new IllegalArgumentException("sidecar.security.allow-sensitive names an unknown operation '" + name
						+ "'; known: " + SensitiveOperation.names());
			}
		}
	}

	/**
	 * One grant. Every list may hold {@code *} for "any".
	 *
	 * @param subject the caller's JWT {@code sub}, or a pattern with {@code *}, e.g.
	 * {@code system:serviceaccount:payments:*}
	 * @param accounts Account SIDs it may use
	 * @param regions region codes it may use
	 * @param operations {@code METHOD /path/pattern} entries, {@code *} matching one path segment (or
	 * part of one) and a trailing {@code /**} any rest, e.g. {@code POST /2010-04-01/Accounts/* /Messages.json}
	 */
	public record CallerRule(String subject, @DefaultValue List<String> accounts, @DefaultValue List<String> regions,
			@DefaultValue List<String> operations) {

		public CallerRule {
			if (subject == null || subject.isBlank()) {
				throw new IllegalArgumentException("sidecar.security.callers[].subject is required");
			}
			accounts = List.copyOf(accounts);
			regions = List.copyOf(regions);
			operations = List.copyOf(operations);
			for (String account : accounts) {
				if (!"*".equals(account) && !AccountSid.isValid(account)) {
					throw new IllegalArgumentException("sidecar.security.callers[" + subject
							+ "].accounts holds '" + account + "', not an Account SID or *");
				}
			}
			for (String region : regions) {
				if (!"*".equals(region) && !Region.isValid(region)) {
					throw new IllegalArgumentException("sidecar.security.callers[" + subject
							+ "].regions holds '" + region + "', not a region code or *");
				}
			}
			for (String operation : operations) {
				OperationPattern.parse(operation);
			}
		}
	}

}

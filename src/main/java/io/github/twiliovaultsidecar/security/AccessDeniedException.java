package io.github.twiliovaultsidecar.security;

import java.util.Map;

import io.github.twiliovaultsidecar.problem.SidecarException;

/** A caller that may not do what it asked, or did not prove who it is. Never names a credential. */
public final class AccessDeniedException extends SidecarException {

	private AccessDeniedException(String problem, int status, String message, Map<String, ?> context) {
		super(problem, status, (status == 401) ? "Caller not authenticated" : "Caller not allowed", message, context,
				null);
	}

	static AccessDeniedException noRule(String caller, String method, String path, String account, String region) {
		return new AccessDeniedException("caller-not-allowed", 403,
				"No sidecar.security.callers rule lets '" + caller + "' call " + method + " " + path + " for account "
						+ account + " in region " + region,
				Map.of("caller", caller, "missing_rule", Map.of("subject", caller, "accounts", account, "regions", region,
						"operations", method + " " + path)));
	}

	static AccessDeniedException sensitive(String caller, SensitiveOperation operation, String method, String path) {
		return new AccessDeniedException("sensitive-operation-denied", 403,
				method + " " + path + " is a sensitive operation (" + operation.configName()
						+ ") and is refused unless sidecar.security.allow-sensitive names it",
				Map.of("caller", caller, "operation", operation.configName()));
	}

	/** @return the 401 for a missing, expired or otherwise invalid caller token */
	public static AccessDeniedException unauthenticated(String reason) {
		return new AccessDeniedException("caller-unauthenticated", 401,
				"Present a valid JWT in Proxy-Authorization: Bearer …: " + reason, Map.of());
	}

	/** @return the 403 for an authenticated caller refused by Spring Security */
	public static AccessDeniedException forbidden() {
		return new AccessDeniedException("caller-not-allowed", 403, "The caller may not use this endpoint", Map.of());
	}


}

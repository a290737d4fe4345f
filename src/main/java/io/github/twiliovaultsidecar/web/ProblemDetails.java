package io.github.twiliovaultsidecar.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import io.github.twiliovaultsidecar.SidecarException;

/** Builds the problem detail for a {@link SidecarException}: type, title, status, detail and context. */
public final class ProblemDetails {

	private ProblemDetails() {
	}

	/**
	 * @param failure the failure, not {@code null}
	 * @param instance the request path
	 * @return the problem detail as plain members, for code that writes JSON itself (security filters)
	 */
	public static Map<String, Object> asMap(SidecarException failure, String instance) {
		Map<String, Object> members = new LinkedHashMap<>();
		members.put("type", failure.type());
		members.put("title", failure.title());
		members.put("status", failure.status());
		members.put("detail", failure.getMessage());
		members.put("instance", instance);
		members.putAll(failure.context());
		return members;
	}

	/**
	 * @param failure the failure, not {@code null}
	 * @return its problem detail; the detail and properties carry no secret because exceptions never do
	 */
	public static ProblemDetail of(SidecarException failure) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(failure.status()),
				failure.getMessage());
		problem.setType(URI.create(failure.type()));
		problem.setTitle(failure.title());
		failure.context().forEach(problem::setProperty);
		return problem;
	}

}

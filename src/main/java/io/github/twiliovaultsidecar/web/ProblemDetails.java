package io.github.twiliovaultsidecar.web;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import io.github.twiliovaultsidecar.SidecarException;

/** Builds the problem detail for a {@link SidecarException}: type, title, status, detail and context. */
public final class ProblemDetails {

	private ProblemDetails() {
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

package io.github.twiliovaultsidecar.web;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * The problem details Spring WebFlux makes itself for a controller's request it cannot take (an unreadable
 * body, a missing parameter, an unsupported media type), in place of Spring Boot's handler, with the
 * {@value ProblemDetails#MESSAGE} member the official Twilio SDKs show. They have no short name, so no
 * {@value ProblemDetails#MORE_INFO}.
 */
@RestControllerAdvice
class FrameworkProblemsAdvice extends ResponseEntityExceptionHandler {

	@Override
	protected Mono<ResponseEntity<Object>> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
			ServerWebExchange exchange) {
		if (body instanceof ProblemDetail problem) {
			ProblemDetails.addMessage(problem);
		}
		return super.createResponseEntity(body, headers, status, exchange);
	}

}

package io.github.twiliovaultsidecar.web;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;

import io.github.twiliovaultsidecar.problem.SidecarException;

/** Maps every {@link SidecarException} thrown by a controller to its problem detail. */
@RestControllerAdvice
class ProblemDetailsAdvice {

	@ExceptionHandler(SidecarException.class)
	Mono<ResponseEntity<ProblemDetail>> handle(SidecarException failure, ServerWebExchange exchange) {
		ProblemDetails.closeIfBodyMayBeUnread(exchange);
		ResponseEntity.BodyBuilder response = ResponseEntity.status(failure.status());
		failure.retryAfterSeconds().ifPresent(seconds -> response.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
		return ProblemDetails.swallowUnreadBody(exchange.getRequest()).then(Mono.just(response.body(ProblemDetails.of(failure))));
	}

}

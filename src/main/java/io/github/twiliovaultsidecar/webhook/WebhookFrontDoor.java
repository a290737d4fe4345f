package io.github.twiliovaultsidecar.webhook;

import java.net.URI;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * The validating front door: Twilio calls {@code /webhooks/in/{route}/…}; the request is forwarded to
 * the route's app, body and headers intact, only when its signature matches the route's stored Auth
 * Token. Anything else gets a problem detail and the app receives nothing. The app's answer is
 * returned as it is, less hop-by-hop headers.
 */
@RestController
class WebhookFrontDoor {

	/** Path prefix of the front door; the next segment names the route. */
	static final String PREFIX = "/webhooks/in/";

	private final WebhookValidator validator;

	private final WebhookProperties properties;

	private final Map<String, WebhookProperties.Route> routes;

	private final WebClient apps;

	WebhookFrontDoor(WebhookValidator validator, WebhookProperties properties, WebClient webhookAppClient) {
		this.validator = validator;
		this.properties = properties;
		this.routes = properties.routesByName();
		this.apps = webhookAppClient;
	}

	@RequestMapping(PREFIX + "{route}/**")
	Mono<ResponseEntity<Flux<DataBuffer>>> receive(@PathVariable("route") String name, ServerHttpRequest request) {
		WebhookProperties.Route route = this.routes.get(name);
		if (route == null) {
			return Mono.error(WebhookException.unknownRoute(name));
		}
		return Mono.defer(() -> {
			String url = PublicUrl.of(this.properties.publicBase(), this.properties.trustForwardedHeaders(),
					request.getHeaders(), request.getURI());
			return RequestBodies.read(request, (int) this.properties.maxBodySize().toBytes())
				.flatMap(body -> this.validator
					.validate(route.name(), route.key(), url, payload(route, url, request.getHeaders(), body),
							request.getHeaders().getFirst(WebhookSignature.HEADER))
					.flatMap(verdict -> verdict.valid() ? forward(route, request, body)
							: Mono.error(WebhookException.signatureRejected(route.name()))));
		});
	}

	private static SignedPayload payload(WebhookProperties.Route route, String url, HttpHeaders headers, byte[] body) {
		if (WebhookSignature.queryParameter(url, WebhookSignature.BODY_HASH_PARAMETER).isPresent()) {
			return new SignedPayload.Json(body);
		}
		MediaType type = headers.getContentType();
		if (type != null && MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)) {
			try {
				return new SignedPayload.Form(FormEncoding.decode(body));
			}
			catch (IllegalArgumentException ex) {
				throw WebhookException.invalidForm(route.name());
			}
		}
		return SignedPayload.none();
	}

	private Mono<ResponseEntity<Flux<DataBuffer>>> forward(WebhookProperties.Route route, ServerHttpRequest request,
			byte[] body) {
		WebClient.RequestBodySpec call = this.apps.method(request.getMethod())
			.uri(target(route, request.getURI()))
			.headers(headers -> headers.addAll(HopByHopHeaders.forRequest(request.getHeaders())));
		WebClient.RequestHeadersSpec<?> withBody = (body.length > 0) ? call.bodyValue(body) : call;
		return withBody.retrieve()
			.onStatus(status -> true, response -> Mono.empty())
			.toEntityFlux(DataBuffer.class)
			.map(answer -> ResponseEntity.status(answer.getStatusCode())
				.headers(HopByHopHeaders.forResponse(answer.getHeaders()))
				.body(answer.getBody()))
			.onErrorMap(WebClientRequestException.class, ex -> WebhookException.appUnavailable(route.name(), ex));
	}

	/**
	 * @return the route's app URL followed by the rest of the path after the route segment, and the
	 * query, both raw as received
	 */
	static URI target(WebhookProperties.Route route, URI requestUri) {
		String path = requestUri.getRawPath();
		String afterPrefix = path.substring(PREFIX.length());
		int slash = afterPrefix.indexOf('/');
		String rest = (slash < 0) ? "" : afterPrefix.substring(slash);
		String app = route.appUrl().endsWith("/") && rest.startsWith("/")
				? route.appUrl().substring(0, route.appUrl().length() - 1) : route.appUrl();
		String query = requestUri.getRawQuery();
		return URI.create(app + rest + ((query != null) ? "?" + query : ""));
	}

}

package io.github.twiliovaultsidecar.proxy;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * Takes {@code METHOD /<twilio-host>/<path>?<query>}: any path whose first segment holds a dot, so
 * {@code /actuator}, {@code /admin} and {@code /webhooks} are never proxied. Errors become problem
 * details through the web layer.
 */
@RestController
class ProxyController {

	private final SigningProxy proxy;

	ProxyController(SigningProxy proxy) {
		this.proxy = proxy;
	}

	@RequestMapping("/{host:.*\\..*}/**")
	Mono<Void> forward(ServerWebExchange exchange) {
		return Mono.defer(() -> this.proxy.forward(exchange));
	}

}

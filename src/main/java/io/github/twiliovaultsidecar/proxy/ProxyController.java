package io.github.twiliovaultsidecar.proxy;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;

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

	private final ProxyMetrics metrics;

	ProxyController(SigningProxy proxy, ProxyMetrics metrics) {
		this.proxy = proxy;
		this.metrics = metrics;
	}

	@RequestMapping("/{host:.*\\..*}/**")
	Mono<Void> forward(ServerWebExchange exchange) {
		ProxyTiming timing = this.metrics.start(exchange);
		return Mono.defer(() -> this.proxy.forward(exchange)).contextWrite(Context.of(ProxyTiming.class, timing));
	}

}

package io.github.twiliovaultsidecar.seeding;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;

import io.github.twiliovaultsidecar.store.CredentialStore;

/**
 * The inventory page for the people who seed: a static HTML page, its script and its style sheet under
 * {@value #PAGE}, served from the classpath with no template and no build step. The page holds no data:
 * its script asks for the person's Vault token and calls the admin API ({@value AdminController#BASE})
 * with it, so Vault's policies decide what the page shows, as they do for every admin call.
 */
@Configuration(proxyBeanMethods = false)
class InventoryPage {

	/** Where the page is served; {@code /admin/ui} answers the same page. */
	static final String PAGE = "/admin/ui/";

	/** The files served, by name under {@value #PAGE}; nothing else there answers but 404. */
	static final Map<String, MediaType> FILES = Map.of("inventory.html", utf8(MediaType.TEXT_HTML), "inventory.js",
			utf8(new MediaType("text", "javascript")), "inventory.css", utf8(new MediaType("text", "css")));

	private static final String RESOURCES = "io/github/twiliovaultsidecar/seeding/page/";

	@Bean
	InventoryShapes inventoryShapes(CredentialStore store) {
		return new InventoryShapes(store);
	}

	@Bean
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	RouterFunction<ServerResponse> inventoryPageRoutes() {
		RouterFunctions.Builder routes = RouterFunctions.route()
			.GET("/admin/ui", request -> file("inventory.html"))
			.GET(PAGE, request -> file("inventory.html"));
		FILES.keySet().forEach(name -> routes.GET(PAGE + name, request -> file(name)));
		return routes.build();
	}

	/** Headers on every answer under {@code /admin/}: the page's and the admin API's alike. */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	WebFilter adminResponseHeaders() {
		return (exchange, chain) -> {
			if (exchange.getRequest().getPath().value().startsWith("/admin/")) {
				exchange.getResponse().beforeCommit(() -> {
					AdminHeaders.apply(exchange.getResponse().getHeaders());
					return Mono.empty();
				});
			}
			return chain.filter(exchange);
		};
	}

	private static Mono<ServerResponse> file(String name) {
		return ServerResponse.ok()
			.contentType(FILES.get(name))
			.body(BodyInserters.fromResource(new ClassPathResource(RESOURCES + name, InventoryPage.class.getClassLoader())));
	}

	private static MediaType utf8(MediaType type) {
		return new MediaType(type, StandardCharsets.UTF_8);
	}

}

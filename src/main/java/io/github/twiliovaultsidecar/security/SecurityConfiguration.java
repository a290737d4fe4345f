package io.github.twiliovaultsidecar.security;

import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.web.server.ServerWebExchange;

import io.github.twiliovaultsidecar.problem.SidecarException;
import io.github.twiliovaultsidecar.web.ProblemDetails;

/**
 * Who may reach what. Local mode: everything on 127.0.0.1 is open (the pod is the trust boundary).
 * Shared mode: the proxy and {@code /webhooks/v1/**} need a valid JWT in {@code Proxy-Authorization}
 * (the {@code Authorization} header carries the Twilio SDK's Basic auth); health probes and the
 * Prometheus scrape stay open; {@code /admin/v1} authenticates with the caller's own Vault token (and
 * {@code /admin/ui}, the static inventory page that calls it, is open: it holds no data); the
 * webhook front door ({@code /webhooks/in/**}) is called by Twilio and authenticates each request by
 * its Twilio signature instead.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableWebFluxSecurity
class SecurityConfiguration {

	/**
	 * No observation (span and timer) per security filter: the request already has one for the whole
	 * exchange, which is what an operator reads.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/**
	 * Spring Security's strict firewall refuses encoded slashes, dots, control characters and methods
	 * such as TRACE before anything else runs; this turns its refusal into a problem detail.
	 */
	@Bean
	ServerExchangeRejectedHandler problemDetailRejections() {
		return (exchange, rejected) -> {
			String method = exchange.getRequest().getMethod().name();
			return write(exchange, FirewallRejection.of(method, rejected.getMessage()));
		};
	}

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, Mode mode) {
		http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.headers(headers -> headers.cache(ServerHttpSecurity.HeaderSpec.CacheSpec::disable));
		if (!mode.isShared()) {
			return http.authorizeExchange(exchanges -> exchanges.anyExchange().permitAll()).build();
		}
		ServerAuthenticationEntryPoint unauthenticated = (exchange, ex) -> write(exchange,
				AccessDeniedException.unauthenticated(ex.getMessage()));
		ServerAccessDeniedHandler forbidden = (exchange, ex) -> write(exchange, AccessDeniedException.forbidden());
		ServerBearerTokenAuthenticationConverter bearer = new ServerBearerTokenAuthenticationConverter();
		bearer.setBearerTokenHeaderName(CallerAccess.TOKEN_HEADER);
		return http
			.authorizeExchange(exchanges -> exchanges.pathMatchers("/actuator/health", "/actuator/health/**")
				.permitAll()
				.pathMatchers("/actuator/prometheus", "/admin/v1/**", "/webhooks/in/**")
				.permitAll()
				.pathMatchers(HttpMethod.GET, "/admin/ui", "/admin/ui/**")
				.permitAll()
				.anyExchange()
				.authenticated())
			.oauth2ResourceServer(server -> server.bearerTokenConverter(bearer)
				.jwt(jwt -> {
				})
				.authenticationEntryPoint(unauthenticated)
				.accessDeniedHandler(forbidden))
			.exceptionHandling(handling -> handling
				.authenticationEntryPoint(unauthenticated)
				.accessDeniedHandler(forbidden))
			.build();
	}

	private static Mono<Void> write(ServerWebExchange exchange, SidecarException failure) {
		return ProblemDetails.write(exchange, failure);
	}

}

package io.github.twiliovaultsidecar.security;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import io.github.twiliovaultsidecar.audit.AuditLog;

/** The audit log and the caller rules, used by the web service and the CLI alike. */
@Configuration(proxyBeanMethods = false)
class AccessConfiguration {

	@Bean
	AuditLog auditLog(ObjectProvider<MeterRegistry> registry) {
		return new AuditLog(registry.getIfAvailable());
	}

	@Bean
	CallerAccess callerAccess(Mode mode, SecurityProperties properties, AuditLog audit,
			ObjectProvider<ReactiveJwtDecoder> tokens) {
		return new CallerAccess(mode, properties, audit, mode.isShared() ? tokens.getIfAvailable() : null);
	}

}

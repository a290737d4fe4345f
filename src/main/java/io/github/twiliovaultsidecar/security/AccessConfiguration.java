package io.github.twiliovaultsidecar.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The audit log and the caller rules, used by the web service and the CLI alike. */
@Configuration(proxyBeanMethods = false)
class AccessConfiguration {

	@Bean
	AuditLog auditLog() {
		return new AuditLog();
	}

	@Bean
	CallerAccess callerAccess(Mode mode, SecurityProperties properties, AuditLog audit) {
		return new CallerAccess(mode, properties, audit);
	}

}

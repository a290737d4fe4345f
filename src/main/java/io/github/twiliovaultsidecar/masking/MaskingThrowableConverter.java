package io.github.twiliovaultsidecar.masking;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Logback's stack traces ({@code %wEx}, {@code %ex}) with {@link SecretMasking} applied. */
public final class MaskingThrowableConverter extends ExtendedThrowableProxyConverter {

	@Override
	public String convert(ILoggingEvent event) {
		return SecretMasking.mask(super.convert(event));
	}

}

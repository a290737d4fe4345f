package io.github.twiliovaultsidecar.masking;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Logback's {@code %m} with {@link SecretMasking} applied. Registered by {@link MaskedLoggingSystem}. */
public final class MaskingMessageConverter extends MessageConverter {

	@Override
	public String convert(ILoggingEvent event) {
		return SecretMasking.mask(super.convert(event));
	}

}

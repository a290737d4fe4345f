package io.github.twiliovaultsidecar.masking;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.pattern.DynamicConverter;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

import org.springframework.boot.logging.LogFile;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.LoggingSystemFactory;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.ClassUtils;

import io.github.twiliovaultsidecar.audit.AuditLog;
import io.github.twiliovaultsidecar.audit.AuditWriter;

/**
 * Spring Boot's Logback set-up (its console pattern, and its file appender when
 * {@code logging.file.name} is set, with every {@code logging.*} property), with every message and
 * stack trace passed through {@link SecretMasking}, and the audit trail ({@link AuditLog}) on its own
 * appender. Built in code rather than read from a {@code logback-spring.xml}: Logback's XML
 * configuration loads an XML parser and Joran, about 400 classes that would stay in memory and in
 * the AOT cache for one file read at start-up.
 *
 * <p>A Logback file of the operator's own ({@code logback.xml}, or {@code logging.config}) replaces
 * all of this, as with any Spring Boot service; it can register the masking converters itself
 * ({@link MaskingMessageConverter}, {@link MaskingThrowableConverter}).
 */
public class MaskedLoggingSystem extends LogbackLoggingSystem {

	/** The audit trail's appender: JSON lines as they are, still masked. */
	private static final String AUDIT_APPENDER = "AUDIT";

	/** Spring Boot's pattern words for the message and for stack traces, all masked. */
	private static final Map<String, Supplier<DynamicConverter<?>>> MASKED_WORDS = Map.of("m",
			MaskingMessageConverter::new, "msg", MaskingMessageConverter::new, "message", MaskingMessageConverter::new,
			"wEx", MaskingThrowableConverter::new, "ex", MaskingThrowableConverter::new, "exception",
			MaskingThrowableConverter::new);

	public MaskedLoggingSystem(ClassLoader classLoader) {
		super(classLoader);
	}

	@Override
	protected void loadDefaults(LoggingInitializationContext initializationContext, @Nullable LogFile logFile) {
		super.loadDefaults(initializationContext, logFile);
		mask((LoggerContext) LoggerFactory.getILoggerFactory());
	}

	/**
	 * Masks every pattern appender of the root logger and adds the audit logger. Call after the
	 * context has its appenders; the appenders' encoders are started again with the masking words.
	 * @param context a started Logback context
	 */
	private static void mask(LoggerContext context) {
		registerMaskedWords(context);
		Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
		for (Iterator<Appender<ILoggingEvent>> appenders = root.iteratorForAppenders(); appenders.hasNext();) {
			if (appenders.next() instanceof OutputStreamAppender<ILoggingEvent> appender
					&& appender.getEncoder() instanceof PatternLayoutEncoder encoder) {
				encoder.stop();
				encoder.start();
			}
		}
		Logger audit = context.getLogger(AuditLog.LOGGER);
		audit.setLevel(Level.INFO);
		audit.setAdditive(false);
		audit.addAppender(auditAppender(context));
	}

	@SuppressWarnings("unchecked")
	private static void registerMaskedWords(LoggerContext context) {
		Map<String, Supplier<DynamicConverter<?>>> registry = (Map<String, Supplier<DynamicConverter<?>>>) context
			.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
		if (registry == null) {
			registry = new HashMap<>();
			context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, registry);
		}
		registry.putAll(MASKED_WORDS);
	}

	private static Appender<ILoggingEvent> auditAppender(LoggerContext context) {
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(context);
		encoder.setPattern("%m%n");
		encoder.setCharset(StandardCharsets.UTF_8);
		encoder.start();
		AuditWriter appender = new AuditWriter();
		appender.setContext(context);
		appender.setName(AUDIT_APPENDER);
		appender.setEncoder(encoder);
		appender.start();
		return appender;
	}

	/** Chosen ahead of Spring Boot's own Logback factory whenever Logback is present. */
	@Order(Ordered.HIGHEST_PRECEDENCE + 1000)
	public static final class Factory implements LoggingSystemFactory {

		private static final boolean LOGBACK = ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext",
				Factory.class.getClassLoader());

		@Override
		public @Nullable LoggingSystem getLoggingSystem(ClassLoader classLoader) {
			return LOGBACK ? new MaskedLoggingSystem(classLoader) : null;
		}

	}

}

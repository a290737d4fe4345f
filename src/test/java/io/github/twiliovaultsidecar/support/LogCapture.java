package io.github.twiliovaultsidecar.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

import io.github.twiliovaultsidecar.audit.AuditLog;

/**
 * Keeps every log line as it would really be written: an appender on the root logger that formats
 * events with the same pattern as the configured console appender, in the same Logback context, so
 * the secret-masking conversion rules of {@code logback-test.xml} (the same as the service's
 * {@link io.github.twiliovaultsidecar.masking.MaskedLoggingSystem}) apply. The audit logger, which
 * writes only to its own appender, is captured too, with that appender's pattern. Attach it after the Spring context started: Spring Boot
 * resets logging while it starts.
 */
public final class LogCapture implements AutoCloseable {

	private static final String NAME = "leak-capture";

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final OutputStreamAppender<ILoggingEvent> appender;

	private final OutputStreamAppender<ILoggingEvent> auditAppender;

	private final String pattern;

	private LogCapture() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		Logger audit = context.getLogger(AuditLog.LOGGER);
		this.pattern = consolePattern(root);
		this.appender = appender(context, this.pattern);
		root.addAppender(this.appender);
		this.auditAppender = audit.isAdditive() ? null : appender(context, consolePattern(audit));
		if (this.auditAppender != null) {
			audit.addAppender(this.auditAppender);
		}
	}

	private OutputStreamAppender<ILoggingEvent> appender(LoggerContext context, String pattern) {
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(context);
		encoder.setPattern(pattern);
		encoder.setCharset(StandardCharsets.UTF_8);
		encoder.start();
		OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
		appender.setName(NAME);
		appender.setContext(context);
		appender.setEncoder(encoder);
		appender.setOutputStream(this.out);
		appender.setImmediateFlush(true);
		appender.start();
		return appender;
	}

	/** @return a capture attached to the root logger */
	public static LogCapture attach() {
		return new LogCapture();
	}

	/** @return whether this capture is still attached (Spring Boot may have reset logging since) */
	public boolean attached() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		return context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(NAME) == this.appender;
	}

	/** @return the pattern lines are formatted with: the console appender's */
	public String pattern() {
		return this.pattern;
	}

	/** @return everything written so far, formatted */
	public String text() {
		synchronized (this.out) {
			return this.out.toString(StandardCharsets.UTF_8);
		}
	}

	/** @return the pattern of the logger's console appender, else of its first appender with a pattern */
	private static String consolePattern(Logger logger) {
		String fallback = null;
		for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext();) {
			Appender<ILoggingEvent> candidate = it.next();
			if (!NAME.equals(candidate.getName()) && candidate instanceof OutputStreamAppender<ILoggingEvent> stream
					&& stream.getEncoder() instanceof PatternLayoutEncoder layout) {
				if ("CONSOLE".equals(candidate.getName())) {
					return layout.getPattern();
				}
				fallback = (fallback != null) ? fallback : layout.getPattern();
			}
		}
		if (fallback == null) {
			throw new IllegalStateException("no appender with a pattern on the logger '" + logger.getName()
					+ "'; the log configuration changed and this capture must follow it");
		}
		return fallback;
	}

	@Override
	public void close() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this.appender);
		this.appender.stop();
		if (this.auditAppender != null) {
			context.getLogger(AuditLog.LOGGER).detachAppender(this.auditAppender);
			this.auditAppender.stop();
		}
	}

}

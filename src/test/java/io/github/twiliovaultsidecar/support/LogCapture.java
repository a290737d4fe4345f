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

/**
 * Keeps every log line as it would really be written: an appender on the root logger that formats
 * events with the same pattern as the configured console appender, in the same Logback context, so
 * the secret-masking conversion rules of {@code logback-test.xml} (the same as
 * {@code logback-spring.xml}) apply. Attach it after the Spring context started: Spring Boot resets
 * logging while it starts.
 */
public final class LogCapture implements AutoCloseable {

	private static final String NAME = "leak-capture";

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();

	private final String pattern;

	private LogCapture() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		this.pattern = consolePattern(root);
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(context);
		encoder.setPattern(this.pattern);
		encoder.setCharset(StandardCharsets.UTF_8);
		encoder.start();
		this.appender.setName(NAME);
		this.appender.setContext(context);
		this.appender.setEncoder(encoder);
		this.appender.setOutputStream(this.out);
		this.appender.setImmediateFlush(true);
		this.appender.start();
		root.addAppender(this.appender);
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

	private static String consolePattern(Logger root) {
		String fallback = null;
		for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext();) {
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
			throw new IllegalStateException("no appender with a pattern on the root logger; the log configuration "
					+ "changed and this capture must follow it");
		}
		return fallback;
	}

	@Override
	public void close() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this.appender);
		this.appender.stop();
	}

}

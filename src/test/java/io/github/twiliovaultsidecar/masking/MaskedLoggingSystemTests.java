package io.github.twiliovaultsidecar.masking;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.core.env.StandardEnvironment;

import io.github.twiliovaultsidecar.audit.AuditLog;
import io.github.twiliovaultsidecar.support.TestSids;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's own logging set-up, as it runs without a Logback file of the operator's: Spring
 * Boot's console lines with every message and stack trace masked, and the audit trail on its own
 * appender, once per event and without the console prefix.
 */
class MaskedLoggingSystemTests {

	@Test
	void springBootPicksTheMaskedLoggingSystemOverItsOwnLogbackOne() {
		assertThat(LoggingSystem.get(getClass().getClassLoader())).isInstanceOf(MaskedLoggingSystem.class);
	}

	@Test
	void messagesAndStackTracesAreMaskedAndAuditLinesAreWrittenAsTheyAreOnlyOnce() throws Exception {
		String account = TestSids.accountSid();
		String token = TestSids.authToken();
		SecretMasking.register(token, account);
		String audit = "{\"time\":\"2026-11-28T16:41:10.789Z\",\"event\":\"admin\",\"who\":\"token-" + token + "\"}";
		List<String> lines = linesWrittenWithTheServicesLogging(() -> {
			LoggerFactory.getLogger("io.github.twiliovaultsidecar.seeding").info("seeding with {}", token);
			LoggerFactory.getLogger("io.github.twiliovaultsidecar.store")
				.warn("Vault read failed", new IllegalStateException("bad token " + token));
			LoggerFactory.getLogger(AuditLog.LOGGER).info(audit);
		});

		assertThat(String.join("\n", lines)).doesNotContain(token);
		assertThat(lines).filteredOn(line -> line.contains("seeding with"))
			.as("the console line, with Spring Boot's prefix")
			.singleElement()
			.satisfies(line -> assertThat(line).contains(" INFO ").endsWith("seeding with " + SecretMasking.MASK));
		assertThat(lines).as("the stack trace goes through the mask too")
			.contains("java.lang.IllegalStateException: bad token " + SecretMasking.MASK);
		assertThat(lines).filteredOn(line -> line.contains("\"event\":\"admin\""))
			.as("the audit line as it is, masked, not repeated on the console appender")
			.containsExactly(audit.replace(token, SecretMasking.MASK));
	}

	/** Runs {@code logging} with the service's logging set-up, then puts the tests' own back. */
	private static List<String> linesWrittenWithTheServicesLogging(Runnable logging) throws Exception {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		PrintStream stdout = System.out;
		System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
		try {
			new MaskedLoggingSystem(MaskedLoggingSystemTests.class.getClassLoader())
				.loadDefaults(new LoggingInitializationContext(new StandardEnvironment()), null);
			assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE")).isNotNull();
			logging.run();
		}
		finally {
			System.setOut(stdout);
			context.reset();
			JoranConfigurator configurator = new JoranConfigurator();
			configurator.setContext(context);
			configurator.doConfigure(MaskedLoggingSystemTests.class.getResource("/logback-test.xml"));
		}
		return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\\R"));
	}

}

package io.github.twiliovaultsidecar.audit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit writer against a standard output that records every write and can be held: lines come out
 * whole, in order and batched; a full queue drops lines, counts them and says so once.
 */
class AuditWriterTests {

	private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

	private final Output output = new Output();

	private PrintStream stdout;

	private AuditWriter writer;

	@BeforeEach
	void start() {
		this.stdout = System.out;
		System.setOut(new PrintStream(this.output, false, StandardCharsets.UTF_8));
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(this.context);
		encoder.setPattern("%m%n");
		encoder.setCharset(StandardCharsets.UTF_8);
		encoder.start();
		this.writer = new AuditWriter();
		this.writer.setContext(this.context);
		this.writer.setName("audit-under-test");
		this.writer.setEncoder(encoder);
		this.writer.start();
	}

	@AfterEach
	void stop() {
		this.output.release();
		this.writer.stop();
		System.setOut(this.stdout);
	}

	@Test
	void linesComeOutWholeInOrderAndManyPerWriteOfAtMostPipeBuf() throws Exception {
		this.output.hold();
		List<String> lines = IntStream.range(0, 2000).mapToObj(AuditWriterTests::line).toList();
		this.writer.doAppend(event(lines.get(0)));
		this.output.awaitHeld();
		lines.stream().skip(1).forEach(line -> this.writer.doAppend(event(line)));
		this.output.release();
		this.writer.stop();

		assertThat(this.output.text()).isEqualTo(lines.stream().map(line -> line + System.lineSeparator())
			.collect(Collectors.joining()));
		assertThat(this.output.writes()).allSatisfy(write -> {
			assertThat(write.length).isLessThanOrEqualTo(AuditWriter.BATCH_BYTES);
			assertThat(new String(write, StandardCharsets.UTF_8)).endsWith(System.lineSeparator());
		});
		assertThat(this.output.writes()).as("lines queued meanwhile go out many per write")
			.hasSizeLessThan(lines.size() / 10);
	}

	@Test
	void aFullQueueDropsTheLineCountsItAndSaysSoOnce() throws Exception {
		Logger warnings = this.context.getLogger(AuditWriter.class);
		ListAppender<ILoggingEvent> said = new ListAppender<>();
		said.start();
		warnings.addAppender(said);
		long droppedBefore = AuditWriter.dropped();
		try {
			this.output.hold();
			this.writer.doAppend(event(line(0)));
			this.output.awaitHeld();
			int extra = 5;
			for (int i = 1; i <= AuditWriter.CAPACITY + extra; i++) {
				this.writer.doAppend(event(line(i)));
			}
			assertThat(AuditWriter.dropped() - droppedBefore).isEqualTo(extra);
			this.output.release();
			this.writer.stop();
			assertThat(this.output.text().lines().filter(line -> line.startsWith("{"))).hasSize(AuditWriter.CAPACITY + 1)
				.startsWith(line(0), line(1))
				.endsWith(line(AuditWriter.CAPACITY));
			assertThat(said.list).filteredOn(event -> event.getLevel() == Level.WARN)
				.singleElement()
				.satisfies(event -> assertThat(event.getFormattedMessage()).contains(AuditLog.DROPPED));
		}
		finally {
			warnings.detachAppender(said);
		}
	}

	private static String line(int i) {
		return "{\"event\":\"proxy\",\"n\":" + i + ",\"path\":\"/2010-04-01/Accounts/{AC}/Messages.json\"}";
	}

	private ILoggingEvent event(String message) {
		LoggingEvent event = new LoggingEvent();
		event.setLoggerContext(this.context);
		event.setLoggerName(AuditLog.LOGGER);
		event.setLevel(Level.INFO);
		event.setMessage(message);
		event.setTimeStamp(System.currentTimeMillis());
		return event;
	}

	/** Standard output that records each write and, when held, blocks the first write until released. */
	private static final class Output extends OutputStream {

		private final ByteArrayOutputStream all = new ByteArrayOutputStream();

		private final List<byte[]> writes = new ArrayList<>();

		private volatile CountDownLatch held = new CountDownLatch(0);

		private final CountDownLatch entered = new CountDownLatch(1);

		void hold() {
			this.held = new CountDownLatch(1);
		}

		void awaitHeld() throws InterruptedException {
			assertThat(this.entered.await(10, TimeUnit.SECONDS)).as("the writer started writing").isTrue();
		}

		void release() {
			this.held.countDown();
		}

		@Override
		public void write(int b) {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			this.entered.countDown();
			try {
				this.held.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			synchronized (this) {
				this.all.write(bytes, offset, length);
				byte[] copy = new byte[length];
				System.arraycopy(bytes, offset, copy, 0, length);
				this.writes.add(copy);
			}
		}

		synchronized String text() {
			return this.all.toString(StandardCharsets.UTF_8);
		}

		synchronized List<byte[]> writes() {
			return List.copyOf(this.writes);
		}

	}

}

package io.github.twiliovaultsidecar.audit;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's appender on standard output: a bounded asynchronous writer, so that no request
 * waits for the audit line to be written. Each line is encoded on the thread that logs it (with the
 * encoder's masking) and queued with the standard output of that moment (the CLI points it at
 * standard error while a command runs); one daemon thread writes what is queued in batches of whole
 * lines, at most {@value #BATCH_BYTES} bytes per write so that a pipe never puts another writer's
 * bytes inside a line. A batch is taken {@link #LINGER} after its first line was queued, so at a steady
 * rate the thread wakes and writes once per batch rather than once per line, and a line is written
 * at most that long (plus the write) after it was logged. Stopping the appender (the logging
 * system's reset or shutdown) writes every line still queued.
 * <p>
 * A line that finds the queue full ({@value #CAPACITY} lines: standard output blocked or far too
 * slow) is dropped rather than holding the request up; drops are counted ({@link #dropped}, the meter
 * {@value AuditLog#DROPPED}) and the first one is logged on the service's console log, by the writer's
 * thread: the thread that found the queue full does not wait for a standard output that does not drain.
 */
public final class AuditWriter extends UnsynchronizedAppenderBase<ILoggingEvent> {

	/** Lines the queue holds at most. */
	public static final int CAPACITY = 8192;

	/** Bytes per write at most: POSIX's {@code PIPE_BUF}, what a pipe writes without interleaving. */
	static final int BATCH_BYTES = 4096;

	/** How long the writer waits after a batch's first line for more to queue. */
	static final Duration LINGER = Duration.ofMillis(10);

	private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);

	private static final AtomicLong DROPPED = new AtomicLong();

	private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(CAPACITY);

	private Encoder<ILoggingEvent> encoder;

	private Thread writer;

	private volatile boolean stopping;

	/** Whether this writer dropped a line; read by the writer's thread, which says so once. */
	private volatile boolean droppedOne;

	private boolean saidSo;

	/** One encoded line and where it goes. */
	private record Line(PrintStream out, byte[] bytes) {
	}

	/** @return audit lines dropped by every writer of this process since it started */
	public static long dropped() {
		return DROPPED.get();
	}

	public void setEncoder(Encoder<ILoggingEvent> encoder) {
		this.encoder = encoder;
	}

	@Override
	public void start() {
		if (this.encoder == null) {
			addError("No encoder set for the audit writer named [" + this.name + "]");
			return;
		}
		this.stopping = false;
		this.writer = new Thread(this::writeUntilStopped, "sidecar-audit-writer");
		this.writer.setDaemon(true);
		this.writer.start();
		super.start();
	}

	@Override
	protected void append(ILoggingEvent event) {
		if (!this.queue.offer(new Line(System.out, this.encoder.encode(event)))) {
			DROPPED.incrementAndGet();
			this.droppedOne = true;
		}
	}

	@Override
	public void stop() {
		if (!isStarted()) {
			return;
		}
		super.stop();
		this.stopping = true;
		try {
			this.writer.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		write(drain(new ArrayList<>()));
		sayDropsOnce();
	}

	/** Called by the thread that writes, after a write. */
	private void sayDropsOnce() {
		if (this.droppedOne && !this.saidSo) {
			this.saidSo = true;
			log.warn("The audit queue ({} lines) was full: audit lines were dropped; {} counts them", CAPACITY,
					AuditLog.DROPPED);
		}
	}

	private void writeUntilStopped() {
		List<Line> batch = new ArrayList<>();
		try {
			while (!this.stopping) {
				Line first = this.queue.poll(100, TimeUnit.MILLISECONDS);
				if (first != null) {
					batch.add(first);
					Thread.sleep(LINGER.toMillis());
					write(drain(batch));
					batch.clear();
					sayDropsOnce();
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private List<Line> drain(List<Line> batch) {
		this.queue.drainTo(batch);
		return batch;
	}

	/** Writes the lines in order, whole lines per write, each write to one stream and of at most {@value #BATCH_BYTES} bytes. */
	private static void write(List<Line> lines) {
		byte[] buffer = new byte[BATCH_BYTES];
		int filled = 0;
		PrintStream target = null;
		for (Line line : lines) {
			boolean fits = line.out() == target && filled + line.bytes().length <= BATCH_BYTES;
			if (!fits && filled > 0) {
				flush(target, buffer, filled);
				filled = 0;
			}
			target = line.out();
			if (line.bytes().length > BATCH_BYTES) {
				flush(target, line.bytes(), line.bytes().length);
			}
			else {
				System.arraycopy(line.bytes(), 0, buffer, filled, line.bytes().length);
				filled += line.bytes().length;
			}
		}
		if (filled > 0) {
			flush(target, buffer, filled);
		}
	}

	private static void flush(PrintStream out, byte[] bytes, int length) {
		out.write(bytes, 0, length);
		out.flush();
	}

}

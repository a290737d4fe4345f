package io.github.twiliovaultsidecar.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import io.github.twiliovaultsidecar.store.RegionalCredential;
import io.github.twiliovaultsidecar.store.TestCredentials;
import io.github.twiliovaultsidecar.support.TestSids;

/**
 * What redaction costs per answer, for {@code make bench}: nanoseconds per 1.6 KB answer through
 * {@link Redaction} with 20 credentials held, against the JSON field check alone (what every answer
 * paid before values were looked for). Prints one JSON object.
 */
public final class RedactionCost {

	private static final DefaultDataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

	private RedactionCost() {
	}

	public static void main(String[] args) {
		List<RegionalCredential> held = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			held.add(TestCredentials.authToken(TestSids.accountSid(), "ie1", TestSids.authToken()));
		}
		RegionalCredential signing = held.get(0);
		Redaction redaction = new Redaction(() -> held, () -> 1L, CredentialResources.shipped(), new SimpleMeterRegistry());
		byte[] page = messagesPage(1600);
		byte[] xml = ("<TwilioResponse>" + new String(page, StandardCharsets.UTF_8).replace('{', '<').replace('}', '>')
				+ "</TwilioResponse>").substring(0, page.length).getBytes(StandardCharsets.UTF_8);
		double fieldCheck = nanosPer(() -> {
			DataBuffer body = BUFFERS.wrap(page);
			return JsonRedactor.mayNameAField(body) ? 1 : 0;
		});
		double whole = nanosPer(() -> {
			DataBuffer body = BUFFERS.wrap(page);
			return redaction.answer(signing, "GET", "/x", Optional.empty()).whole(body, true, BUFFERS).readableByteCount();
		});
		double streamed = nanosPer(() -> {
			byte[] half = Arrays.copyOf(xml, xml.length / 2);
			byte[] rest = Arrays.copyOfRange(xml, xml.length / 2, xml.length);
			long bytes = 0;
			for (DataBuffer out : redaction.answer(signing, "GET", "/x", Optional.empty())
				.streamed(Flux.just(BUFFERS.wrap(half), BUFFERS.wrap(rest)), false, BUFFERS)
				.toIterable()) {
				bytes += out.readableByteCount();
				DataBufferUtils.release(out);
			}
			return bytes;
		});
		System.out.printf("{\"answer_bytes\": %d, \"credentials_held\": %d, \"field_check_ns\": %.0f, "
				+ "\"whole_json_ns\": %.0f, \"streamed_two_chunks_ns\": %.0f}%n", page.length, held.size(), fieldCheck,
				whole, streamed);
	}

	/** @return the median over 5 one-second batches, after 2 s of warm-up, of nanoseconds per call */
	private static double nanosPer(LongSupplier call) {
		long sink = 0;
		long warm = System.nanoTime() + 2_000_000_000L;
		while (System.nanoTime() < warm) {
			sink += call.getAsLong();
		}
		double[] batches = new double[5];
		for (int b = 0; b < batches.length; b++) {
			long calls = 0;
			long start = System.nanoTime();
			long end = start + 1_000_000_000L;
			long now;
			do {
				for (int i = 0; i < 100; i++) {
					sink += call.getAsLong();
				}
				calls += 100;
				now = System.nanoTime();
			}
			while (now < end);
			batches[b] = (double) (now - start) / calls;
		}
		if (sink == 42) {
			System.err.println();
		}
		Arrays.sort(batches);
		return batches[batches.length / 2];
	}

	private static byte[] messagesPage(int size) {
		StringBuilder json = new StringBuilder("{\"messages\":[");
		while (json.length() < size - 80) {
			json.append("{\"sid\":\"SM").append(TestSids.hex(32)).append("\",\"status\":\"delivered\",\"body\":\"Hello\"},");
		}
		json.setLength(json.length() - 1);
		json.append("],\"page\":0,\"page_size\":2,\"next_page_uri\":null}");
		return json.toString().getBytes(StandardCharsets.UTF_8);
	}

}

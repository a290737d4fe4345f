package io.github.twiliovaultsidecar.webhook;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny app on 127.0.0.1 that records every request it receives and answers with TwiML, standing in
 * for an app behind the front door.
 */
final class StubApp implements AutoCloseable {

	static final String ANSWER = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>ok</Message></Response>";

	private final HttpServer server;

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private StubApp(HttpServer server) {
		this.server = server;
	}

	static StubApp start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			StubApp app = new StubApp(server);
			server.createContext("/", app::handle);
			server.start();
			return app;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot start the stub app on 127.0.0.1", ex);
		}
	}

	/** @return the base URL, e.g. {@code http://127.0.0.1:41234} */
	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/** @return every request received so far */
	List<Received> received() {
		return List.copyOf(this.received);
	}

	void clear() {
		this.received.clear();
	}

	private void handle(HttpExchange exchange) throws IOException {
		byte[] body = exchange.getRequestBody().readAllBytes();
		Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
		this.received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
				exchange.getRequestURI().getRawQuery(), headers, body));
		byte[] answer = ANSWER.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "text/xml");
		exchange.getResponseHeaders().set("X-App", "stub");
		exchange.sendResponseHeaders(201, answer.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(answer);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/** One request as the app saw it. */
	record Received(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

		String header(String name) {
			List<String> values = this.headers.get(name);
			return (values == null) ? null : String.join(",", values);
		}

		String bodyText() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

}

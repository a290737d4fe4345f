package io.github.twiliovaultsidecar.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends bytes exactly as written over a plain socket, for requests the JDK and Netty clients refuse
 * to send (conflicting {@code Content-Length} and {@code Transfer-Encoding}, bare CR or LF in a
 * header, a backslash or raw UTF-8 in the path, {@code CONNECT}), and reads one HTTP/1.1 answer.
 */
public final class RawHttp {

	private final int port;

	/** @param port the server's port on 127.0.0.1 */
	public RawHttp(int port) {
		this.port = port;
	}

	/**
	 * One answer. A server that closed the connection without answering gives status 0.
	 *
	 * @param status the status code, 0 when there was no answer
	 * @param headers the headers, names lower-cased (last value wins)
	 * @param body the body as text
	 */
	public record Answer(int status, Map<String, String> headers, String body) {

		/** @return the {@code Content-Type}, or an empty string */
		public String contentType() {
			return this.headers.getOrDefault("content-type", "");
		}

	}

	/**
	 * @param request the whole request, e.g. {@code "GET / HTTP/1.1\r\nHost: x\r\n\r\n"}; sent as UTF-8
	 * @return the answer; the connection is closed afterwards
	 */
	public Answer send(String request) {
		return send(request.getBytes(StandardCharsets.UTF_8));
	}

	/** @see #send(String) */
	public Answer send(byte[] request) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			try {
				out.write(request);
				out.flush();
			}
			catch (IOException ex) {
				// the server may answer and close before it read everything (oversized input)
			}
			return read(socket.getInputStream());
		}
		catch (IOException ex) {
			throw new IllegalStateException("raw request to 127.0.0.1:" + this.port + " failed", ex);
		}
	}

	private static Answer read(InputStream in) throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		int headEnd = -1;
		long contentLength = -1;
		boolean chunked = false;
		try {
			int n;
			while ((n = in.read(buffer)) > 0) {
				received.write(buffer, 0, n);
				byte[] bytes = received.toByteArray();
				if (headEnd < 0) {
					headEnd = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
					if (headEnd >= 0) {
						Map<String, String> headers = headers(new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1));
						contentLength = Long.parseLong(headers.getOrDefault("content-length", "-1").strip());
						chunked = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
					}
				}
				if (headEnd >= 0) {
					int bodyLength = bytes.length - headEnd - 4;
					if ((contentLength >= 0 && bodyLength >= contentLength)
							|| (chunked && new String(bytes, StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n"))) {
						break;
					}
				}
			}
		}
		catch (SocketTimeoutException | java.net.SocketException ex) {
			// treat a stalled or reset connection as the end of the answer
		}
		byte[] bytes = received.toByteArray();
		if (bytes.length == 0) {
			return new Answer(0, Map.of(), "");
		}
		String text = new String(bytes, StandardCharsets.UTF_8);
		int end = text.indexOf("\r\n\r\n");
		String head = (end < 0) ? text : text.substring(0, end);
		String body = (end < 0) ? "" : text.substring(end + 4);
		String statusLine = head.split("\r\n", 2)[0];
		String[] parts = statusLine.split(" ", 3);
		int status = (parts.length >= 2 && parts[1].matches("[0-9]{3}")) ? Integer.parseInt(parts[1]) : 0;
		Map<String, String> headers = headers(head);
		if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
			body = unchunk(body);
		}
		return new Answer(status, headers, body);
	}

	private static Map<String, String> headers(String head) {
		Map<String, String> headers = new LinkedHashMap<>();
		String[] lines = head.split("\r\n");
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
			}
		}
		return headers;
	}

	private static String unchunk(String chunked) {
		StringBuilder body = new StringBuilder();
		int at = 0;
		while (at < chunked.length()) {
			int lineEnd = chunked.indexOf("\r\n", at);
			if (lineEnd < 0) {
				break;
			}
			int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
			if (size == 0) {
				break;
			}
			body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
			at = lineEnd + 2 + size + 2;
		}
		return body.toString();
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}

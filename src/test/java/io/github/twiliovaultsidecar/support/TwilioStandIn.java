package io.github.twiliovaultsidecar.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import io.github.twiliovaultsidecar.twilio.TwilioHost;

/**
 * A local stand-in for Twilio's regional REST API, on 127.0.0.1, for the resources the tests use:
 * Accounts fetch and list (with subaccounts and paging), Messages create/fetch/list, Calls create,
 * plus two test-only resources that stream large bodies. It authenticates like Twilio: HTTP Basic
 * checked against the credential registered for the region named by the {@code Host} header, so a
 * US1 token sent to an ie1 host gets Twilio's 401 (code 20003). Every request is recorded.
 */
public final class TwilioStandIn implements AutoCloseable {

	private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.RFC_1123_DATE_TIME;

	private static final Pattern ACCOUNT = Pattern.compile("/2010-04-01/Accounts/(AC[0-9a-f]{32})\\.json");

	private static final Pattern ACCOUNTS = Pattern.compile("/2010-04-01/Accounts\\.json");

	private static final Pattern MESSAGES = Pattern.compile("/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\\.json");

	private static final Pattern MESSAGE = Pattern
		.compile("/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages/(SM[0-9a-f]{32})\\.json");

	private static final Pattern CALLS = Pattern.compile("/2010-04-01/Accounts/(AC[0-9a-f]{32})/Calls\\.json");

	private static final Pattern DOWNLOAD = Pattern.compile("/test-only/(AC[0-9a-f]{32})/download/(\\d+)\\.bin");

	private static final Pattern UPLOAD = Pattern.compile("/test-only/(AC[0-9a-f]{32})/upload");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	/** region → user name (Account SID or API key SID) → secret. */
	private final Map<String, Map<String, String>> credentials = new ConcurrentHashMap<>();

	/** API key SID → the account it belongs to. */
	private final Map<String, String> apiKeyAccounts = new ConcurrentHashMap<>();

	private final Map<String, Account> accounts = new ConcurrentHashMap<>();

	private final Map<String, Map<String, Object>> messages = new ConcurrentHashMap<>();

	private final List<Recorded> requests = new CopyOnWriteArrayList<>();

	private final Map<String, Fault> faults = new ConcurrentHashMap<>();

	/** Path → a hostile answer given instead of the stand-in's own (see {@link #hostile}). */
	private final Map<String, Hostile> hostile = new ConcurrentHashMap<>();

	/** The in-flight count the current exchange is still part of (exchanges are handled one per thread). */
	private static final ThreadLocal<java.util.concurrent.atomic.AtomicInteger> COUNTED_IN = new ThreadLocal<>();

	private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

	private final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();

	private TwilioStandIn(HttpServer server) {
		this.server = server;
	}

	/** @return a started stand-in on a free 127.0.0.1 port */
	public static TwilioStandIn start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
			TwilioStandIn standIn = new TwilioStandIn(server);
			server.setExecutor(standIn.executor);
			server.createContext("/", standIn::handle);
			server.createContext(RECORDED_PATH, standIn::recordedAsJson);
			server.start();
			return standIn;
		}
		catch (IOException ex) {
			throw new IllegalStateException("could not start the Twilio stand-in", ex);
		}
	}

	/** @return the base URL, e.g. {@code http://127.0.0.1:40123}, for {@code TWILIO_UPSTREAM_OVERRIDE} */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/** Registers (or replaces) an account's Auth Token for a region. */
	public TwilioStandIn authToken(String accountSid, String region, String token) {
		this.accounts.computeIfAbsent(accountSid, sid -> new Account(sid, sid, "active"));
		this.credentials.computeIfAbsent(region, r -> new ConcurrentHashMap<>()).put(accountSid, token);
		return this;
	}

	/** Registers an API key (SK…) of an account for a region. */
	public TwilioStandIn apiKey(String accountSid, String region, String keySid, String secret) {
		this.accounts.computeIfAbsent(accountSid, sid -> new Account(sid, sid, "active"));
		this.apiKeyAccounts.put(keySid, accountSid);
		this.credentials.computeIfAbsent(region, r -> new ConcurrentHashMap<>()).put(keySid, secret);
		return this;
	}

	/** Registers a subaccount of {@code parentSid} with its own token for a region. */
	public TwilioStandIn subaccount(String parentSid, String subSid, String region, String token, String status) {
		this.accounts.put(subSid, new Account(subSid, parentSid, status));
		this.credentials.computeIfAbsent(region, r -> new ConcurrentHashMap<>()).put(subSid, token);
		return this;
	}

	/** Revokes a credential in a region: it gets 401 from then on. */
	public TwilioStandIn revoke(String username, String region) {
		Optional.ofNullable(this.credentials.get(region)).ifPresent(map -> map.remove(username));
		return this;
	}

	/** @return every request received so far, oldest first */
	public List<Recorded> requests() {
		return List.copyOf(this.requests);
	}

	/** @return the recorded requests that match */
	public List<Recorded> requests(Predicate<Recorded> filter) {
		return this.requests.stream().filter(filter).toList();
	}

	/**
	 * Path on the stand-in's own address (not a Twilio host) that answers every recorded request as a
	 * JSON array of {@code method, host, path, query, user, secret, body}, for tests in other languages.
	 * Reading it is not recorded.
	 */
	public static final String RECORDED_PATH = "/test-only/recorded";

	private void recordedAsJson(HttpExchange exchange) throws IOException {
		try (exchange) {
			List<Map<String, Object>> all = new ArrayList<>();
			for (Recorded request : this.requests) {
				List<String> basic = request.basicAuth();
				Map<String, Object> each = new LinkedHashMap<>();
				each.put("method", request.method());
				each.put("host", Optional.ofNullable(request.host()).orElse(""));
				each.put("path", request.path());
				each.put("query", request.query());
				each.put("user", basic.isEmpty() ? null : basic.get(0));
				each.put("secret", (basic.size() < 2) ? null : basic.get(1));
				each.put("body", new String(request.body(), StandardCharsets.UTF_8));
				all.add(each);
			}
			json(exchange, 200, all);
		}
	}

	/** Forgets the recorded requests and the highest concurrency seen. */
	public void clearRequests() {
		this.requests.clear();
		this.maxInFlight.set(0);
	}

	/** Makes requests for {@code host} fail (or slow down) as {@code fault} says, until cleared. */
	public TwilioStandIn fault(String host, Fault fault) {
		this.faults.put(host, fault);
		return this;
	}

	/**
	 * Answers an authenticated request for {@code path} (on any host) with {@code answer} instead of
	 * the stand-in's own, until {@link #clearHostile()}: an upstream that quotes credentials where
	 * no Twilio answer should.
	 */
	public TwilioStandIn hostile(String path, Hostile answer) {
		this.hostile.put(path, answer);
		return this;
	}

	/** Forgets every hostile answer. */
	public TwilioStandIn clearHostile() {
		this.hostile.clear();
		return this;
	}

	/** Requests for every host behave normally again. */
	public TwilioStandIn clearFaults() {
		this.faults.clear();
		return this;
	}

	/** @return the most requests the stand-in was handling at once since the last {@link #clearRequests()} */
	public int maxInFlight() {
		return this.maxInFlight.get();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getRawPath();
			String query = exchange.getRequestURI().getRawQuery();
			Map<String, List<String>> headers = new LinkedHashMap<>();
			exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
			String host = exchange.getRequestHeaders().getFirst("Host");
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			boolean upload = UPLOAD.matcher(path).matches();
			byte[] body = upload ? new byte[0] : exchange.getRequestBody().readAllBytes();
			long bodyLength = upload ? drain(exchange.getRequestBody()) : body.length;
			Recorded recorded = new Recorded(method, host, path, query, headers, body, bodyLength, Instant.now());
			this.requests.add(recorded);
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			COUNTED_IN.set(this.inFlight);
			try {
				Fault fault = (host != null) ? this.faults.get(host) : null;
				if (fault != null && fault.apply(exchange)) {
					return;
				}
				answer(exchange, recorded, host, authorization);
			}
			finally {
				leaveFlight();
			}
		}
		catch (ResetRequested ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			ex.printStackTrace();
			throw ex;
		}
	}

	private void answer(HttpExchange exchange, Recorded recorded, String host, String authorization)
			throws IOException {
		{
			Optional<String> region = region(host);
			if (region.isEmpty()) {
				json(exchange, 404, error(20404, "The requested host is not a Twilio API host", 404));
				return;
			}
			Optional<String> user = authenticate(region.get(), authorization);
			if (user.isEmpty()) {
				json(exchange, 401, error(20003, "Authenticate", 401));
				return;
			}
			Hostile canned = this.hostile.get(recorded.path());
			if (canned != null) {
				canned.write(exchange);
				return;
			}
			route(exchange, recorded, region.get(), accountOf(user.get()));
		}
	}

	private void route(HttpExchange exchange, Recorded request, String region, String caller) throws IOException {
		String path = request.path();
		Matcher m;
		if ("GET".equals(request.method()) && (m = ACCOUNT.matcher(path)).matches()) {
			Account account = this.accounts.get(m.group(1));
			if (account == null || !(account.sid.equals(caller) || account.parent.equals(caller))) {
				json(exchange, 404, error(20404, "The requested resource was not found", 404));
				return;
			}
			json(exchange, 200, accountJson(account, region));
		}
		else if ("GET".equals(request.method()) && ACCOUNTS.matcher(path).matches()) {
			listAccounts(exchange, request, region, caller);
		}
		else if ("POST".equals(request.method()) && (m = MESSAGES.matcher(path)).matches() && owns(caller, m.group(1), exchange)) {
			Map<String, String> form = form(request.body());
			String sid = "SM" + TestSids.hex(32);
			Map<String, Object> message = messageJson(m.group(1), sid, form);
			this.messages.put(sid, message);
			json(exchange, 201, message);
		}
		else if ("GET".equals(request.method()) && (m = MESSAGE.matcher(path)).matches() && owns(caller, m.group(1), exchange)) {
			Map<String, Object> message = this.messages.get(m.group(2));
			if (message == null) {
				json(exchange, 404, error(20404, "The requested resource was not found", 404));
			}
			else {
				json(exchange, 200, message);
			}
		}
		else if ("GET".equals(request.method()) && (m = MESSAGES.matcher(path)).matches() && owns(caller, m.group(1), exchange)) {
			String account = m.group(1);
			List<Object> page = new ArrayList<>(this.messages.values()
				.stream()
				.filter(message -> account.equals(message.get("account_sid")))
				.toList());
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("messages", page);
			body.put("page", 0);
			body.put("page_size", 50);
			body.put("next_page_uri", null);
			body.put("uri", path);
			json(exchange, 200, body);
		}
		else if ("POST".equals(request.method()) && (m = CALLS.matcher(path)).matches() && owns(caller, m.group(1), exchange)) {
			Map<String, String> form = form(request.body());
			Map<String, Object> call = new LinkedHashMap<>();
			call.put("sid", "CA" + TestSids.hex(32));
			call.put("account_sid", m.group(1));
			call.put("to", form.get("To"));
			call.put("from", form.get("From"));
			call.put("status", "queued");
			call.put("date_created", now());
			json(exchange, 201, call);
		}
		else if ("GET".equals(request.method()) && (m = DOWNLOAD.matcher(path)).matches() && owns(caller, m.group(1), exchange)) {
			stream(exchange, Long.parseLong(m.group(2)));
		}
		else if ("POST".equals(request.method()) && (m = UPLOAD.matcher(path)).matches() && owns(caller, m.group(1), exchange)) {
			json(exchange, 201, Map.of("received", request.bodyLength()));
		}
		else {
			json(exchange, 404, error(20404, "The requested resource " + path + " was not found", 404));
		}
	}

	private boolean owns(String caller, String account, HttpExchange exchange) throws IOException {
		Account target = this.accounts.get(account);
		if (target != null && (target.sid.equals(caller) || target.parent.equals(caller))) {
			return true;
		}
		json(exchange, 404, error(20404, "The requested resource was not found", 404));
		return false;
	}

	private void listAccounts(HttpExchange exchange, Recorded request, String region, String caller)
			throws IOException {
		Map<String, String> query = form((request.query() != null) ? request.query().getBytes(StandardCharsets.UTF_8)
				: new byte[0]);
		int pageSize = Integer.parseInt(query.getOrDefault("PageSize", "50"));
		int page = Integer.parseInt(query.getOrDefault("Page", "0"));
		List<Account> visible = this.accounts.values()
			.stream()
			.filter(account -> account.sid.equals(caller) || account.parent.equals(caller))
			.sorted((a, b) -> a.sid.equals(caller) ? -1 : b.sid.equals(caller) ? 1 : a.sid.compareTo(b.sid))
			.toList();
		int from = Math.min(page * pageSize, visible.size());
		int to = Math.min(from + pageSize, visible.size());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("accounts", visible.subList(from, to).stream().map(account -> accountJson(account, region)).toList());
		body.put("page", page);
		body.put("page_size", pageSize);
		body.put("first_page_uri", "/2010-04-01/Accounts.json?PageSize=" + pageSize + "&Page=0");
		body.put("next_page_uri",
				(to < visible.size()) ? "/2010-04-01/Accounts.json?PageSize=" + pageSize + "&Page=" + (page + 1) : null);
		body.put("uri", "/2010-04-01/Accounts.json?PageSize=" + pageSize + "&Page=" + page);
		json(exchange, 200, body);
	}

	private Map<String, Object> accountJson(Account account, String region) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("sid", account.sid);
		json.put("owner_account_sid", account.parent);
		json.put("friendly_name", "Account " + account.sid.substring(0, 8));
		json.put("status", account.status);
		json.put("type", "Full");
		json.put("auth_token", Optional.ofNullable(this.credentials.get(region)).map(m -> m.get(account.sid)).orElse(null));
		json.put("date_created", now());
		json.put("date_updated", now());
		json.put("uri", "/2010-04-01/Accounts/" + account.sid + ".json");
		json.put("subresource_uris", Map.of("messages", "/2010-04-01/Accounts/" + account.sid + "/Messages.json"));
		return json;
	}

	private static Map<String, Object> messageJson(String account, String sid, Map<String, String> form) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("sid", sid);
		json.put("account_sid", account);
		json.put("to", form.get("To"));
		json.put("from", form.get("From"));
		json.put("body", form.get("Body"));
		json.put("status", "queued");
		json.put("direction", "outbound-api");
		json.put("num_segments", "1");
		json.put("num_media", "0");
		json.put("api_version", "2010-04-01");
		json.put("date_created", now());
		json.put("date_updated", now());
		json.put("uri", "/2010-04-01/Accounts/" + account + "/Messages/" + sid + ".json");
		return json;
	}

	private Optional<String> region(String host) {
		try {
			return Optional.of(TwilioHost.parse(host, TwilioHost.KNOWN_PRODUCTS).region().code());
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	private Optional<String> authenticate(String region, String authorization) {
		if (authorization == null || !authorization.startsWith("Basic ")) {
			return Optional.empty();
		}
		String decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
		int colon = decoded.indexOf(':');
		if (colon < 0) {
			return Optional.empty();
		}
		String user = decoded.substring(0, colon);
		String secret = decoded.substring(colon + 1);
		String expected = Optional.ofNullable(this.credentials.get(region)).map(m -> m.get(user)).orElse(null);
		return (expected != null && expected.equals(secret)) ? Optional.of(user) : Optional.empty();
	}

	private String accountOf(String user) {
		return this.apiKeyAccounts.getOrDefault(user, user);
	}

	private static Map<String, Object> error(int code, String message, int status) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("code", code);
		json.put("message", message);
		json.put("more_info", "https://www.twilio.com/docs/errors/" + code);
		json.put("status", status);
		return json;
	}

	/**
	 * Stops counting the exchange as in flight. Called just before an answer's first byte is sent:
	 * from then on the sidecar may, correctly, send the next request, which must not overlap this one.
	 */
	private static void leaveFlight() {
		java.util.concurrent.atomic.AtomicInteger counted = COUNTED_IN.get();
		if (counted != null) {
			COUNTED_IN.remove();
			counted.decrementAndGet();
		}
	}

	private static void json(HttpExchange exchange, int status, Object body) throws IOException {
		byte[] bytes = JSON.writeValueAsBytes(body);
		leaveFlight();
		exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
		exchange.getResponseHeaders().set("Twilio-Request-Id", "RQ" + TestSids.hex(32));
		exchange.getResponseHeaders().set("Twilio-Concurrent-Requests", "1");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	private static void stream(HttpExchange exchange, long size) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
		leaveFlight();
		exchange.sendResponseHeaders(200, size);
		byte[] chunk = new byte[64 * 1024];
		for (int i = 0; i < chunk.length; i++) {
			chunk[i] = (byte) (i % 251);
		}
		OutputStream out = exchange.getResponseBody();
		long left = size;
		while (left > 0) {
			int n = (int) Math.min(chunk.length, left);
			out.write(chunk, 0, n);
			left -= n;
		}
	}

	private static long drain(InputStream in) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		long total = 0;
		int n;
		while ((n = in.read(buffer)) > 0) {
			total += n;
		}
		return total;
	}

	private static Map<String, String> form(byte[] body) {
		Map<String, String> form = new LinkedHashMap<>();
		String text = new String(body, StandardCharsets.UTF_8);
		if (text.isEmpty()) {
			return form;
		}
		for (String pair : text.split("&")) {
			int eq = pair.indexOf('=');
			String name = URLDecoder.decode((eq < 0) ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
			String value = (eq < 0) ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
			form.put(name, value);
		}
		return form;
	}

	private static String now() {
		return ZonedDateTime.now(ZoneOffset.UTC).format(RFC_2822);
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	/**
	 * One request as the stand-in received it.
	 *
	 * @param method HTTP method
	 * @param host the {@code Host} header
	 * @param path raw path
	 * @param query raw query, may be {@code null}
	 * @param headers every request header
	 * @param body the body (empty for test-only uploads, which are only counted)
	 * @param bodyLength body length in bytes
	 * @param receivedAt when the stand-in read the request
	 */
	public record Recorded(String method, String host, String path, String query, Map<String, List<String>> headers,
			byte[] body, long bodyLength, Instant receivedAt) {

		/** @return the first value of a header, case-insensitively, or {@code null} */
		public String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter(entry -> entry.getKey().equalsIgnoreCase(name))
				.map(entry -> entry.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

		/** @return the user name and password of the Basic {@code Authorization} header, or an empty list */
		public List<String> basicAuth() {
			String value = header("Authorization");
			if (value == null || !value.startsWith("Basic ")) {
				return Collections.emptyList();
			}
			String decoded = new String(Base64.getDecoder().decode(value.substring(6)), StandardCharsets.UTF_8);
			return List.of(decoded.split(":", 2));
		}

	}

	private record Account(String sid, String parent, String status) {
	}

	/**
	 * How the stand-in misbehaves for one host.
	 *
	 * @param delayMillis how long each response is held first
	 * @param status the error status to answer with, 0 to answer normally after the delay
	 * @param code Twilio's error code in the body
	 * @param retryAfter the {@code Retry-After} header, or {@code null}
	 * @param reset close the connection after reading the request, answering nothing
	 * @param times how many requests it applies to, -1 for all
	 */
	/**
	 * A canned answer: status, headers, and a body sent as the given chunks (chunked encoding, each
	 * flushed and followed by a short pause, so they reach the proxy as separate reads), or with a
	 * {@code Content-Length} when {@code chunked} is false.
	 */
	public record Hostile(int status, Map<String, String> headers, List<byte[]> chunks, boolean chunked) {

		/** @return an answer of {@code contentType} holding {@code body} whole, with its length */
		public static Hostile whole(int status, String contentType, String body) {
			return new Hostile(status, Map.of("Content-Type", contentType), List.of(body.getBytes(StandardCharsets.UTF_8)),
					false);
		}

		/** @return an answer of {@code contentType} streamed as {@code parts}, one chunk each */
		public static Hostile chunked(String contentType, String... parts) {
			return new Hostile(200, Map.of("Content-Type", contentType),
					java.util.Arrays.stream(parts).map(part -> part.getBytes(StandardCharsets.UTF_8)).toList(), true);
		}

		/** @return this answer with one more header */
		public Hostile withHeader(String name, String value) {
			Map<String, String> all = new LinkedHashMap<>(this.headers);
			all.put(name, value);
			return new Hostile(this.status, all, this.chunks, this.chunked);
		}

		void write(HttpExchange exchange) throws IOException {
			this.headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
			long length = this.chunks.stream().mapToLong(chunk -> chunk.length).sum();
			exchange.sendResponseHeaders(this.status, this.chunked ? 0 : (length == 0 ? -1 : length));
			OutputStream out = exchange.getResponseBody();
			for (byte[] chunk : this.chunks) {
				out.write(chunk);
				out.flush();
				if (this.chunked) {
					try {
						Thread.sleep(20);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			}
			out.close();
		}

	}

	public record Fault(long delayMillis, int status, int code, String retryAfter, boolean reset,
			java.util.concurrent.atomic.AtomicInteger times) {

		/** @return a fault answering every request with {@code status} */
		public static Fault failWith(int status) {
			return new Fault(0, status, 20500 + status % 100, null, false, new java.util.concurrent.atomic.AtomicInteger(-1));
		}

		/** @return Twilio's concurrency-limit answer (429, code 20429) with a {@code Retry-After}, {@code times} times */
		public static Fault concurrencyLimit(String retryAfter, int times) {
			return new Fault(0, 429, 20429, retryAfter, false, new java.util.concurrent.atomic.AtomicInteger(times));
		}

		/** @return a fault that closes the connection after the request was read */
		public static Fault resetConnection() {
			return new Fault(0, 0, 0, null, true, new java.util.concurrent.atomic.AtomicInteger(-1));
		}

		/** @return a fault that holds each response, then answers normally */
		public static Fault delay(long millis) {
			return new Fault(millis, 0, 0, null, false, new java.util.concurrent.atomic.AtomicInteger(-1));
		}

		/** @return whether it answered (or dropped) the request itself */
		boolean apply(HttpExchange exchange) throws IOException {
			if (this.times.get() == 0) {
				return false;
			}
			if (this.times.get() > 0) {
				this.times.decrementAndGet();
			}
			if (this.delayMillis > 0) {
				try {
					Thread.sleep(this.delayMillis);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return true;
				}
			}
			if (this.reset) {
				throw new ResetRequested();
			}
			if (this.status == 0) {
				return false;
			}
			if (this.retryAfter != null) {
				exchange.getResponseHeaders().set("Retry-After", this.retryAfter);
			}
			json(exchange, this.status, error(this.code, "Fault injected by the test", this.status));
			return true;
		}

	}

	/** Thrown to make the JDK server drop the connection without answering. */
	private static final class ResetRequested extends RuntimeException {

		ResetRequested() {
			super("connection reset by the test", null, false, false);
		}

	}

	/** Names every header the stand-in sets itself, so tests can check they pass through. */
	public static final Set<String> TWILIO_RESPONSE_HEADERS = Set.of("Twilio-Request-Id", "Twilio-Concurrent-Requests");

}

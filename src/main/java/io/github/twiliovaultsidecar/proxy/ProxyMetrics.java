package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;

import io.github.twiliovaultsidecar.twilio.InvalidTwilioInputException;
import io.github.twiliovaultsidecar.twilio.Region;
import io.github.twiliovaultsidecar.twilio.TwilioHost;

/**
 * The proxy's meters and its {@value ProxyTiming#OVERHEAD_HEADER} response header. Tags are bounded
 * on purpose: region (known regions, else {@code other}), product, method and status class; never an
 * account, a path or a host name. Meters are looked up once per tag combination and then reused.
 */
final class ProxyMetrics {

	/** Timer of every proxied request, to its response headers. */
	static final String REQUESTS = "sidecar.proxy.requests";

	/** Timer of Twilio's part: request sent upstream to response headers received. */
	static final String UPSTREAM = "sidecar.proxy.upstream";

	/** Timer of the sidecar's own part: {@link #REQUESTS} minus {@link #UPSTREAM}. */
	static final String OVERHEAD = "sidecar.proxy.overhead";

	/** Distribution of Twilio's {@code Twilio-Concurrent-Requests} answers, by region. */
	static final String TWILIO_CONCURRENCY = "sidecar.twilio.concurrent.requests";

	/** Counter of requests refused with 429 because their account stayed at its concurrency limit. */
	static final String ACCOUNT_LIMITED = "sidecar.proxy.account.limited";

	/** Tag value when a request failed before a Twilio host was known. */
	static final String NONE = "none";

	private static final Set<String> KNOWN_REGIONS = Set.of(Region.US1.code(), Region.IE1.code(), Region.AU1.code(),
			Region.JP1.code());

	private static final int MAX_CACHED_HOSTS = 512;

	private final MeterRegistry registry;

	private final Set<String> products;

	private final Map<String, Target> targets = new ConcurrentHashMap<>();

	private final Map<Key, Timer> requests = new ConcurrentHashMap<>();

	private final Map<Target, Timer[]> parts = new ConcurrentHashMap<>();

	private final Map<String, DistributionSummary> concurrency = new ConcurrentHashMap<>();

	private final Counter accountLimited;

	ProxyMetrics(MeterRegistry registry, Set<String> products) {
		this.registry = registry;
		this.products = products;
		this.accountLimited = Counter.builder(ACCOUNT_LIMITED)
			.description("Requests refused with 429 account-concurrency-limit: the account stayed at its concurrency limit for the queue timeout")
			.register(registry);
	}

	/** Counts one request refused because its account stayed at its concurrency limit. */
	void accountLimited() {
		this.accountLimited.increment();
	}

	/**
	 * Starts timing a proxied request: at commit the response gets the overhead header, whatever
	 * wrote the response (the proxy or a problem detail), and the meters are recorded once the
	 * response was sent ({@link ProxyTiming#responded}).
	 * @return the timing to put in the Reactor context
	 */
	ProxyTiming start(HttpMethod requestMethod, ServerHttpResponse response) {
		ProxyTiming timing = new ProxyTiming(System.nanoTime());
		String method = SigningProxy.METHODS.contains(requestMethod) ? requestMethod.name() : "other";
		response.beforeCommit(() -> {
			long now = System.nanoTime();
			long overhead = timing.overheadNanos(now);
			response.getHeaders().set(ProxyTiming.OVERHEAD_HEADER, ProxyTiming.millis(overhead));
			HttpStatusCode status = response.getStatusCode();
			timing.afterResponse(() -> record(timing, method, status, overhead, now));
			return Mono.empty();
		});
		return timing;
	}

	private void record(ProxyTiming timing, String method, HttpStatusCode status, long overhead, long now) {
		Target target = target(timing.upstreamHost());
		int code = (status != null) ? status.value() : 200;
		Key key = new Key(target, method, (code / 100) + "xx");
		this.requests.computeIfAbsent(key, this::requestTimer)
			.record(overhead + timing.upstreamNanos(), TimeUnit.NANOSECONDS);
		Timer[] partTimers = this.parts.computeIfAbsent(target, this::partTimers);
		partTimers[1].record(overhead, TimeUnit.NANOSECONDS);
		if (timing.upstreamHost() != null) {
			partTimers[0].record(timing.upstreamNanos(), TimeUnit.NANOSECONDS);
		}
		if (timing.twilioConcurrentRequests() >= 0) {
			this.concurrency.computeIfAbsent(target.region, this::concurrencySummary)
				.record(timing.twilioConcurrentRequests());
		}
	}

	private DistributionSummary concurrencySummary(String region) {
		return DistributionSummary.builder(TWILIO_CONCURRENCY)
			.description("Twilio-Concurrent-Requests as Twilio reported it: the account's requests in progress there")
			.tag("region", region)
			.register(this.registry);
	}

	private Target target(String host) {
		if (host == null) {
			return Target.UNKNOWN;
		}
		Target cached = this.targets.get(host);
		if (cached != null) {
			return cached;
		}
		Target target;
		try {
			TwilioHost parsed = TwilioHost.parse(host, this.products);
			String region = parsed.region().code();
			target = new Target(KNOWN_REGIONS.contains(region) ? region : "other", parsed.product());
		}
		catch (InvalidTwilioInputException ex) {
			target = Target.UNKNOWN;
		}
		if (this.targets.size() < MAX_CACHED_HOSTS) {
			this.targets.put(host, target);
		}
		return target;
	}

	private Timer requestTimer(Key key) {
		return Timer.builder(REQUESTS)
			.description("Proxied requests, until the response headers were sent")
			.tag("region", key.target.region)
			.tag("product", key.target.product)
			.tag("method", key.method)
			.tag("status", key.status)
			.register(this.registry);
	}

	private Timer[] partTimers(Target target) {
		Timer upstream = Timer.builder(UPSTREAM)
			.description("Time Twilio took: request sent until response headers received")
			.tag("region", target.region)
			.tag("product", target.product)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(1))
			.maximumExpectedValue(Duration.ofSeconds(30))
			.register(this.registry);
		Timer overhead = Timer.builder(OVERHEAD)
			.description("Time spent in the sidecar itself (excluding Twilio), also sent as "
					+ ProxyTiming.OVERHEAD_HEADER)
			.tag("region", target.region)
			.tag("product", target.product)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofNanos(50_000))
			.maximumExpectedValue(Duration.ofSeconds(1))
			.register(this.registry);
		return new Timer[] { upstream, overhead };
	}

	private record Target(String region, String product) {

		static final Target UNKNOWN = new Target(NONE, NONE);

	}

	private record Key(Target target, String method, String status) {
	}

}

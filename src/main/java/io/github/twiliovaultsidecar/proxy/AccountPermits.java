package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import io.github.twiliovaultsidecar.twilio.AccountSid;

/**
 * Limits concurrent requests per account to the account's Twilio concurrency limit, so the sidecar
 * smooths a burst instead of turning it into Twilio 20429 errors. A request over the limit waits
 * briefly, without blocking a thread, for a slot; past the queue timeout it fails with a 429
 * problem. (Resilience4j's Reactor bulkhead never waits, and its waiting bulkhead blocks a thread,
 * hence this small non-blocking one.)
 */
final class AccountPermits {

	private final ResilienceProperties.Accounts settings;

	private final Map<AccountSid, Permits> byAccount = new ConcurrentHashMap<>();

	private final Runnable limited;

	AccountPermits(ResilienceProperties.Accounts settings) {
		this(settings, () -> {
		});
	}

	/** @param limited called once for every request refused because its account stayed at its limit */
	AccountPermits(ResilienceProperties.Accounts settings, Runnable limited) {
		this.settings = settings;
		this.limited = limited;
	}

	/**
	 * @return a Mono that emits a permit once the account has a free slot; release it exactly once
	 * when the request ends. Fails with a 429 {@link ProxyException} after the queue timeout.
	 */
	Mono<Runnable> acquire(AccountSid account) {
		Permits permits = permits(account);
		Runnable free = permits.tryAcquire();
		if (free != null) {
			return Mono.just(free).doOnDiscard(Runnable.class, Runnable::run);
		}
		return Mono.<Runnable>create(sink -> permits.acquire(sink))
			.timeout(this.settings.queueTimeout(), Mono.error(() -> {
				this.limited.run();
				return ProxyException.accountBusy(account, permits.limit);
			}))
			// a permit granted to a request that already timed out or went away is handed back
			.doOnDiscard(Runnable.class, Runnable::run);
	}

	/**
	 * @return a permit when the account has a free slot now, else {@code null} (then {@link #acquire}
	 * waits for one); release it exactly once when the request ends. Taking it without a Mono keeps
	 * the Reactor chain of a request that does not wait shorter.
	 */
	Runnable tryAcquire(AccountSid account) {
		return permits(account).tryAcquire();
	}

	private Permits permits(AccountSid account) {
		return this.byAccount.computeIfAbsent(account, sid -> new Permits(this.settings.limitFor(sid)));
	}

	/** @return requests in flight for the account */
	int inFlight(AccountSid account) {
		Permits permits = this.byAccount.get(account);
		return (permits != null) ? permits.inFlight() : 0;
	}

	private static final class Permits {

		private final int limit;

		private final Queue<MonoSink<Runnable>> waiting = new ArrayDeque<>();

		private int used;

		Permits(int limit) {
			this.limit = limit;
		}

		/** @return a permit when a slot is free and nobody waits, else {@code null}; no timer, no sink */
		Runnable tryAcquire() {
			synchronized (this) {
				if (this.used >= this.limit || !this.waiting.isEmpty()) {
					return null;
				}
				this.used++;
			}
			return releaser();
		}

		/** Grants at once when a slot is free, else queues; never calls the sink while holding the lock. */
		void acquire(MonoSink<Runnable> sink) {
			boolean granted;
			synchronized (this) {
				granted = this.used < this.limit;
				if (granted) {
					this.used++;
				}
				else {
					this.waiting.add(sink);
				}
			}
			if (granted) {
				sink.success(releaser());
			}
			else {
				sink.onDispose(() -> forget(sink));
			}
		}

		private synchronized void forget(MonoSink<Runnable> sink) {
			this.waiting.remove(sink);
		}

		/** @return a release action that hands the slot to the next waiter, or frees it; idempotent */
		private Runnable releaser() {
			AtomicBoolean released = new AtomicBoolean();
			return () -> {
				if (!released.compareAndSet(false, true)) {
					return;
				}
				MonoSink<Runnable> next;
				synchronized (this) {
					next = this.waiting.poll();
					if (next == null) {
						this.used--;
					}
				}
				if (next != null) {
					next.success(releaser());
				}
			};
		}

		synchronized int inFlight() {
			return this.used;
		}

	}

}

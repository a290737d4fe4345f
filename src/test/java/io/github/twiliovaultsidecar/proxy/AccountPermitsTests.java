package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.twilio.AccountSid;

import static org.assertj.core.api.Assertions.assertThat;

class AccountPermitsTests {

	private final AccountSid account = AccountSid.parse(TestSids.accountSid());

	private final AccountPermits permits = new AccountPermits(new ResilienceProperties.Accounts(100,
			Map.of(this.account.value(), 2), Duration.ofMillis(200)));

	@Test
	void grantsUpToTheLimitThenQueuesUntilOneIsReleased() {
		Runnable first = this.permits.acquire(this.account).block();
		Runnable second = this.permits.acquire(this.account).block();
		assertThat(this.permits.inFlight(this.account)).isEqualTo(2);
		StepVerifier.create(this.permits.acquire(this.account))
			.then(first)
			.expectNextCount(1)
			.verifyComplete();
		second.run();
		assertThat(this.permits.inFlight(this.account)).isEqualTo(1);
	}

	@Test
	void tryAcquireGivesAPermitOnlyWhileASlotIsFreeAndNeverQueues() {
		Runnable first = this.permits.tryAcquire(this.account);
		Runnable second = this.permits.tryAcquire(this.account);
		assertThat(first).isNotNull();
		assertThat(second).isNotNull();
		assertThat(this.permits.tryAcquire(this.account)).isNull();
		assertThat(this.permits.inFlight(this.account)).isEqualTo(2);
		first.run();
		assertThat(this.permits.tryAcquire(this.account)).isNotNull();
		assertThat(this.permits.inFlight(this.account)).isEqualTo(2);
	}

	@Test
	void aQueuedRequestGetsA429AfterTheQueueTimeout() {
		this.permits.acquire(this.account).block();
		this.permits.acquire(this.account).block();
		StepVerifier.create(this.permits.acquire(this.account))
			.expectErrorSatisfies(ex -> assertThat(ex).isInstanceOfSatisfying(ProxyException.class,
					problem -> assertThat(problem.status()).isEqualTo(429)))
			.verify(Duration.ofSeconds(2));
		assertThat(this.permits.inFlight(this.account)).isEqualTo(2);
	}

	@Test
	void releasingTwiceFreesOneSlotOnly() {
		Runnable permit = this.permits.acquire(this.account).block();
		permit.run();
		permit.run();
		assertThat(this.permits.inFlight(this.account)).isZero();
	}

	@Test
	void otherAccountsUseTheDefaultLimit() {
		AccountSid other = AccountSid.parse(TestSids.accountSid());
		for (int i = 0; i < 100; i++) {
			this.permits.acquire(other).block();
		}
		assertThat(this.permits.inFlight(other)).isEqualTo(100);
	}

}

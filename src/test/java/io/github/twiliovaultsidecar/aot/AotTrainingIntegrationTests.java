package io.github.twiliovaultsidecar.aot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The training run that records the image's ahead-of-time cache goes through the real proxy path, with
 * no Vault and no network: every request is answered, reaches the Twilio stand-in signed with the
 * credential the Vault stand-in served, and the probes a kubelet and Prometheus send answer.
 */
class AotTrainingIntegrationTests {

	@Test
	void everyTrainingRequestIsProxiedAndSignedWithTheCredentialFromTheVaultStandIn() {
		AotTraining.Report report = AotTraining.run(40);

		assertThat(report.requests()).isEqualTo(40);
		assertThat(report.answered()).isEqualTo(40);
		assertThat(report.signedUpstream()).isEqualTo(40);
		assertThat(report.vaultReads()).as("the first burst shares one read").isEqualTo(1);
		assertThat(report.versionChecks()).as("the last request comes two refresh intervals after the others").isPositive();
		assertThat(report.probesAnswered()).isTrue();
		assertThat(report.allAnswered()).isTrue();
	}

	@Test
	void aRunWithARequestUnansweredIsNotAllAnswered() {
		assertThat(new AotTraining.Report(40, 39, true, 1, 1, 39).allAnswered()).isFalse();
		assertThat(new AotTraining.Report(40, 40, false, 1, 1, 40).allAnswered()).isFalse();
	}

	@Test
	void refusesARunOfNoRequests() {
		assertThatIllegalArgumentException().isThrownBy(() -> AotTraining.run(0)).withMessageContaining("got 0");
	}

}

package io.github.twiliovaultsidecar.upstream;

import java.net.ConnectException;

import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a transport failure says about whether Twilio could have acted on the request. */
class UpstreamFailureTests {

	private static UpstreamFailure failure(Throwable cause) {
		return UpstreamFailure.classify("api.twilio.com", cause);
	}

	@Test
	void classifiesTransportFailures() {
		assertThat(failure(new ConnectException("refused")).kind()).isEqualTo(UpstreamFailure.Kind.CONNECT);
		assertThat(failure(ReadTimeoutException.INSTANCE).kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT);
		assertThat(failure(new java.io.IOException("Connection prematurely closed BEFORE response")).kind()).isEqualTo(UpstreamFailure.Kind.BROKEN);
	}

}

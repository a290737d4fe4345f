package io.github.twiliovaultsidecar.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/** Which requests have a body length that cannot be determined reliably. */
class MessageFramingTests {

	@Test
	void noTransferEncodingIsUnambiguous() {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentLength(6);
		assertThat(MessageFraming.ambiguity(headers)).isEmpty();
		assertThat(MessageFraming.ambiguity(new HttpHeaders())).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "chunked", "Chunked", "gzip, chunked", " chunked " })
	void aFinalChunkedCodingIsUnambiguous(String encoding) {
		HttpHeaders headers = new HttpHeaders();
		headers.add(HttpHeaders.TRANSFER_ENCODING, encoding);
		assertThat(MessageFraming.ambiguity(headers)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "xchunked", "chunked, gzip", "identity", "gzip", "" })
	void aFinalCodingOtherThanChunkedIsAmbiguous(String encoding) {
		HttpHeaders headers = new HttpHeaders();
		headers.add(HttpHeaders.TRANSFER_ENCODING, encoding);
		assertThat(MessageFraming.ambiguity(headers)).hasValueSatisfying(reason -> assertThat(reason).contains("chunked"));
	}

	@Test
	void transferEncodingWithContentLengthIsAmbiguous() {
		HttpHeaders headers = new HttpHeaders();
		headers.add(HttpHeaders.TRANSFER_ENCODING, "chunked");
		headers.setContentLength(6);
		assertThat(MessageFraming.ambiguity(headers)).hasValueSatisfying(reason -> assertThat(reason).contains("Content-Length"));
	}

	@Test
	void aRequestMayHaveABodyOnlyWithAPositiveLengthOrATransferEncoding() {
		HttpHeaders none = new HttpHeaders();
		HttpHeaders empty = new HttpHeaders();
		empty.setContentLength(0);
		HttpHeaders sized = new HttpHeaders();
		sized.setContentLength(12);
		HttpHeaders chunked = new HttpHeaders();
		chunked.set(HttpHeaders.TRANSFER_ENCODING, "chunked");
		assertThat(MessageFraming.mayHaveBody(none)).isFalse();
		assertThat(MessageFraming.mayHaveBody(empty)).isFalse();
		assertThat(MessageFraming.mayHaveBody(sized)).isTrue();
		assertThat(MessageFraming.mayHaveBody(chunked)).isTrue();
	}

}

package io.github.twiliovaultsidecar.web;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * The requests the service sends through its own proxy path where no caller is involved (the warm-up
 * before readiness, the ahead-of-time cache's training run): three in four list messages, one creates
 * one, as apps mostly do.
 */
public final class SampleTraffic {

	private SampleTraffic() {
	}

	/**
	 * @param client a client whose base URL is the service
	 * @param messages the proxied Messages resource, {@code /<twilio-host>/2010-04-01/Accounts/<AC>/Messages.json}
	 * @param i the request's number; it picks the kind and makes the request differ from the last
	 * @return the status the request was answered with, once its body was read
	 */
	public static Mono<Integer> send(HttpClient client, String messages, int i) {
		if (i % 4 == 3) {
			return client.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded"))
				.post()
				.uri(messages)
				.send(ByteBufFlux.fromString(Mono.just("To=%2B15005550006&From=%2B15005550001&Body=sample+" + i)))
				.responseSingle((response, body) -> body.then(Mono.just(response.status().code())));
		}
		return client.get()
			.uri(messages + "?PageSize=2&Page=" + (i % 50))
			.responseSingle((response, body) -> body.then(Mono.just(response.status().code())));
	}

}

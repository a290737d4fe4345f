import java.util.ArrayList;
import java.util.List;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * `make bench`'s floor: the least a proxy built on Reactor Netty, as the sidecar is, costs on the
 * machine of the run. No Spring, no Vault, no rules, meters, audit line or trace: every request goes
 * to the upstream with the caller's headers, the upstream's Host and a static Authorization header,
 * and the answer comes back as it is. Like the sidecar it has one event loop per CPU (at most 4)
 * and one upstream pool per loop, so a request stays on the loop it arrived on.
 *
 * <pre>java -cp 'lib/*' scripts/BareProxy.java PORT UPSTREAM_BASE_URL HOST AUTHORIZATION</pre>
 *
 * Listens on 127.0.0.1 only, until it is stopped; on a port the system picks when PORT is 0, and
 * prints {@code listening on <port>} once it listens.
 */
public final class BareProxy {

	private BareProxy() {
	}

	public static void main(String[] args) {
		int port = Integer.parseInt(args[0]);
		String upstream = args[1];
		String host = args[2];
		String authorization = args[3];
		int loopCount = Math.min(4, Runtime.getRuntime().availableProcessors());
		LoopResources loops = LoopResources.create("floor", loopCount, true);
		List<EventLoop> laneLoops = new ArrayList<>();
		List<HttpClient> lanes = new ArrayList<>();
		for (EventExecutor executor : loops.onServer(true)) {
			EventLoop loop = (EventLoop) executor;
			laneLoops.add(loop);
			lanes.add(HttpClient.create(ConnectionProvider.builder("floor-" + lanes.size()).maxConnections(512).build())
				.runOn(loop)
				.baseUrl(upstream));
		}
		DisposableServer server = HttpServer.create().host("127.0.0.1").port(port).runOn(loops).handle((request, response) -> {
			HttpClient client = lanes.get(0);
			for (int i = 0; i < laneLoops.size(); i++) {
				if (laneLoops.get(i).inEventLoop()) {
					client = lanes.get(i);
				}
			}
			return client
				.headers(headers -> headers.set(request.requestHeaders()).set("Host", host).set("Authorization", authorization))
				.request(request.method())
				.uri(request.uri())
				.send(request.receive().retain())
				.response((answer, body) -> response.status(answer.status())
					.headers(answer.responseHeaders())
					.send(body.retain()))
				.then(Mono.<Void>empty());
		}).bindNow();
		System.out.println("listening on " + server.port());
		server.onDispose().block();
	}

}

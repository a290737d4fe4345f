import java.net.InetSocketAddress;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * `make bench`'s second floor: the least a proxy on the JVM costs on the machine of the run, written
 * on Netty alone, without Reactor Netty's operators and pools. Each caller connection gets its own
 * upstream connection on the same event loop, and the HTTP messages are passed across as Netty
 * decodes them, the request with the upstream's Host and a static Authorization header. Nothing
 * else: no pool, no timeouts, no checks, so it shows what the JVM and Netty cost here, not a design
 * the sidecar could ship as it is.
 *
 * <pre>java -cp 'lib/*' scripts/NettyProxy.java PORT UPSTREAM_HOST UPSTREAM_PORT HOST AUTHORIZATION</pre>
 *
 * One event loop per CPU (at most 4), like the sidecar. Listens on 127.0.0.1 only, until it is stopped;
 * on a port the system picks when PORT is 0, and prints {@code listening on <port>} once it listens.
 */
public final class NettyProxy {

	private NettyProxy() {
	}

	public static void main(String[] args) throws InterruptedException {
		int port = Integer.parseInt(args[0]);
		String upstreamHost = args[1];
		int upstreamPort = Integer.parseInt(args[2]);
		String host = args[3];
		String authorization = args[4];
		boolean epoll = Epoll.isAvailable();
		IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
		Class<? extends Channel> clientChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
		EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Math.min(4, Runtime.getRuntime().availableProcessors()), io);
		Bootstrap upstream = new Bootstrap().channel(clientChannel)
			.option(ChannelOption.TCP_NODELAY, true)
			.remoteAddress(upstreamHost, upstreamPort);
		Channel server = new ServerBootstrap().group(loops)
			.channel(serverChannel)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel caller) {
					caller.pipeline()
						.addLast(new HttpServerCodec(), new Caller(upstream, host, authorization));
				}
			})
			.bind("127.0.0.1", port)
			.sync()
			.channel();
		System.out.println("listening on " + ((InetSocketAddress) server.localAddress()).getPort());
		server.closeFuture().sync();
	}

	/** A caller's connection: its messages go to its own upstream connection, and the answers back. */
	private static final class Caller extends ChannelInboundHandlerAdapter {

		/** Where each caller connection's own upstream connection goes. */
		private final Bootstrap upstream;

		private final String host;

		private final String authorization;

		private Channel twilio;

		Caller(Bootstrap upstream, String host, String authorization) {
			this.upstream = upstream;
			this.host = host;
			this.authorization = authorization;
		}

		@Override
		public void channelActive(ChannelHandlerContext context) {
			Channel caller = context.channel();
			caller.config().setAutoRead(false);
			ChannelFuture connected = this.upstream.clone(caller.eventLoop()).handler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline().addLast(new HttpClientCodec(), new ChannelInboundHandlerAdapter() {
						@Override
						public void channelRead(ChannelHandlerContext upstreamContext, Object message) {
							caller.write(message);
						}

						@Override
						public void channelReadComplete(ChannelHandlerContext upstreamContext) {
							caller.flush();
						}

						@Override
						public void channelInactive(ChannelHandlerContext upstreamContext) {
							caller.close();
						}
					});
				}
			}).connect();
			this.twilio = connected.channel();
			connected.addListener(done -> {
				if (done.isSuccess()) {
					caller.config().setAutoRead(true);
				}
				else {
					caller.close();
				}
			});
		}

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) {
			if (message instanceof HttpRequest request) {
				request.headers().set(HttpHeaderNames.HOST, this.host).set(HttpHeaderNames.AUTHORIZATION, this.authorization);
			}
			this.twilio.write(message);
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext context) {
			this.twilio.flush();
		}

		@Override
		public void channelInactive(ChannelHandlerContext context) {
			if (this.twilio != null) {
				this.twilio.close();
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext context, Throwable failure) {
			context.close();
		}

	}

}

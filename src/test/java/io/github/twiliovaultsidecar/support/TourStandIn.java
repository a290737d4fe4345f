package io.github.twiliovaultsidecar.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Twilio stand-in of {@code make tour}: {@link TwilioStandIn} on a free 127.0.0.1 port, with one
 * demo account whose ie1 Auth Token plays the one a person would copy from the Console. It writes its
 * base URL to the file named by its only argument (for {@code TWILIO_UPSTREAM_OVERRIDE}) and prints
 * every request it receives, with the credential it was signed with, until it is stopped.
 */
public final class TourStandIn {

	/** The tour's account. */
	public static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";

	/** Its ie1 Auth Token, as the Console would show it (a demo value, valid only at this stand-in). */
	public static final String IE1_TOKEN = "5f4dcc3b5aa765d61d8327deb882cf99";

	/** Its us1 Auth Token: another value, because every region has its own token. */
	public static final String US1_TOKEN = "e99a18c428cb38d5f260853678922e03";

	private static final Pattern REGION = Pattern.compile("\\.([a-z]{2}[0-9])\\.twilio\\.com$");

	private TourStandIn() {
	}

	public static void main(String[] args) throws IOException, InterruptedException {
		if (args.length != 1) {
			throw new IllegalArgumentException("usage: TourStandIn <file to write the base URL to>");
		}
		TwilioStandIn twilio = TwilioStandIn.start()
			.authToken(ACCOUNT, "ie1", IE1_TOKEN)
			.authToken(ACCOUNT, "us1", US1_TOKEN);
		Runtime.getRuntime().addShutdownHook(new Thread(twilio::close));
		Files.writeString(Path.of(args[0]), twilio.baseUrl());
		System.out.println("twilio stand-in: every Twilio host answers at " + twilio.baseUrl());
		System.out.println("twilio stand-in: account " + ACCOUNT + ", ie1 Auth Token " + IE1_TOKEN);
		Map<String, String> tokens = Map.of("ie1", IE1_TOKEN, "us1", US1_TOKEN);
		int printed = 0;
		while (true) {
			List<TwilioStandIn.Recorded> requests = twilio.requests();
			for (; printed < requests.size(); printed++) {
				System.out.println(describe(requests.get(printed), tokens));
			}
			Thread.sleep(100);
		}
	}

	private static String describe(TwilioStandIn.Recorded request, Map<String, String> tokens) {
		Matcher regional = REGION.matcher(request.host());
		String region = regional.find() ? regional.group(1) : "us1";
		List<String> basic = request.basicAuth();
		String signed;
		if (basic.size() != 2) {
			signed = "no Basic auth";
		}
		else if (basic.get(1).equals(tokens.get(region))) {
			signed = "Basic auth " + basic.get(0) + ":" + basic.get(1).substring(0, 4) + "… = the " + region
					+ " Auth Token";
		}
		else {
			signed = "Basic auth " + basic.get(0) + " with a credential that is not the " + region
					+ " Auth Token (Twilio answers 401)";
		}
		String query = (request.query() == null || request.query().isEmpty()) ? "" : "?" + request.query();
		return "twilio stand-in: " + request.method() + " https://" + request.host() + request.path() + query
				+ "\n                  " + signed;
	}

}

package io.github.twiliovaultsidecar.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds canary secrets in captured text (responses sent to callers, formatted log lines). For each
 * canary it looks for the secret itself, the Basic-auth base64 form {@code base64(username:secret)},
 * and every window of {@value #WINDOW} characters of either, so a truncated, split or partly masked
 * secret is still found. Windows of the base64 form that are derived only from the public user name
 * (an Account or API key SID, which is not secret) are skipped.
 * <p>
 * {@link #findings} is a pure function: the same canaries and texts always give the same findings.
 */
public final class LeakDetector {

	/** The shortest piece of a secret that counts as a leak. */
	public static final int WINDOW = 16;

	private final Map<String, Canary> canaries = new LinkedHashMap<>();

	/**
	 * A secret to look for.
	 *
	 * @param label names it in findings (never the secret itself), e.g. {@code ie1 auth token}
	 * @param username the Basic-auth user name it pairs with (Account SID or API key SID), may be
	 * {@code null}
	 * @param secret the secret, at least {@value #WINDOW} characters
	 */
	public record Canary(String label, String username, String secret) {

		public Canary {
			if (secret == null || secret.length() < WINDOW) {
				throw new IllegalArgumentException("a canary needs at least " + WINDOW + " characters: " + label);
			}
		}

		/** @return the base64 of {@code username:secret}, or {@code null} without a user name */
		public String basicForm() {
			return (this.username == null) ? null
					: Base64.getEncoder()
						.encodeToString((this.username + ":" + this.secret).getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public String toString() {
			return "Canary[" + this.label + "]";
		}

	}

	/**
	 * One leak.
	 *
	 * @param canary the label of the canary found
	 * @param form {@code secret}, {@code basic} (the base64 form), {@code secret-window} or
	 * {@code basic-window}
	 * @param source where it was found, e.g. {@code response GET /actuator/health} or {@code log}
	 * @param excerpt the captured text around the finding, with the finding shown as {@code <<…>>}
	 */
	public record Finding(String canary, String form, String source, String excerpt) {
	}

	/** Adds a canary to look for; returns this detector. */
	public LeakDetector add(Canary canary) {
		this.canaries.putIfAbsent(canary.secret(), canary);
		return this;
	}

	/** Adds a canary to look for; returns this detector. */
	public LeakDetector add(String label, String username, String secret) {
		return add(new Canary(label, username, secret));
	}

	/** @return the canaries added so far */
	public List<Canary> canaries() {
		return List.copyOf(this.canaries.values());
	}

	/** @return the findings in {@code sources} (source name to captured text) for the canaries added */
	public List<Finding> findings(Map<String, String> sources) {
		return findings(this.canaries.values(), sources);
	}

	/**
	 * @param canaries what to look for
	 * @param sources source name to captured text
	 * @return every leak, at most one per canary, form and source (the longest form wins: a whole
	 * secret is not also reported as its windows); empty when nothing leaked
	 */
	public static List<Finding> findings(Collection<Canary> canaries, Map<String, String> sources) {
		List<Finding> findings = new ArrayList<>();
		for (Canary canary : canaries) {
			String basic = canary.basicForm();
			Set<String> secretWindows = windows(canary.secret(), 0);
			Set<String> basicWindows = (basic != null) ? windows(basic, firstSecretChar(canary.username())) : Set.of();
			for (Map.Entry<String, String> source : sources.entrySet()) {
				String text = source.getValue();
				if (text == null || text.isEmpty()) {
					continue;
				}
				if (find(findings, canary, "basic", source.getKey(), text, (basic != null) ? Set.of(basic) : Set.of())
						|| find(findings, canary, "secret", source.getKey(), text, Set.of(canary.secret()))) {
					continue;
				}
				if (!find(findings, canary, "basic-window", source.getKey(), text, basicWindows)) {
					find(findings, canary, "secret-window", source.getKey(), text, secretWindows);
				}
			}
		}
		return findings;
	}

	private static boolean find(List<Finding> findings, Canary canary, String form, String source, String text,
			Set<String> needles) {
		for (String needle : needles) {
			int at = text.indexOf(needle);
			if (at >= 0) {
				int from = Math.max(0, at - 40);
				int to = Math.min(text.length(), at + needle.length() + 40);
				String excerpt = text.substring(from, at) + "<<" + needle + ">>" + text.substring(at + needle.length(), to);
				findings.add(new Finding(canary.label(), form, source, excerpt.replace('\n', ' ')));
				return true;
			}
		}
		return false;
	}

	/**
	 * @return every {@value #WINDOW}-character window of {@code text} that holds a whole secret byte: it
	 * ends two characters past {@code firstSecret} (a base64 character carries 6 bits, so the first one
	 * touching the secret may share only a few bits with it, which a placeholder password can match)
	 */
	private static Set<String> windows(String text, int firstSecret) {
		Set<String> windows = new LinkedHashSet<>();
		int lastNeeded = (firstSecret == 0) ? 0 : firstSecret + 2;
		for (int start = 0; start + WINDOW <= text.length(); start++) {
			if (start + WINDOW - 1 >= lastNeeded) {
				windows.add(text.substring(start, start + WINDOW));
			}
		}
		return windows;
	}

	/**
	 * @return the index of the first base64 character of {@code base64(username:secret)} that depends
	 * on a byte of the secret; characters before it encode only the public user name and colon
	 */
	static int firstSecretChar(String username) {
		int firstSecretByte = (username + ":").getBytes(StandardCharsets.UTF_8).length;
		// base64 character i carries bits 6i .. 6i+5, i.e. bytes (6i)/8 .. (6i+5)/8
		int i = 0;
		while ((6 * i + 5) / 8 < firstSecretByte) {
			i++;
		}
		return i;
	}

}

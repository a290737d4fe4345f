package io.github.twiliovaultsidecar.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.twiliovaultsidecar.store.RegionalCredential;

/**
 * The credentials the sidecar holds, as byte patterns to find in anything Twilio answers: each
 * secret and its HTTP Basic form ({@code base64(username:secret)}). A match is replaced in place by
 * {@link #mask} of the same length ({@code [redacted]} followed by {@code *}), so a body keeps its
 * length and its {@code Content-Length}. Matching ignores ASCII case, so an upper-cased token is
 * found too.
 * <p>
 * One pass over the bytes with a rolling hash of the shortest pattern's length: a position costs a
 * multiply, an add and a bit test unless its window hashes like a pattern's start, which is then
 * compared whole. Immutable and thread-safe; {@link #toString()} names only how many patterns it
 * holds.
 */
final class KnownValues {

	/** Secrets shorter than this are not looked for: they would match ordinary text. */
	static final int MIN_SECRET_LENGTH = 12;

	/** What replaces a match, padded with {@code *} to the match's length. */
	static final String MASK = "[redacted]";

	private static final long BASE = 1_000_003L;

	private static final int FILTER_BITS = 4096;

	private static final byte[] LOWER = new byte[256];

	static {
		for (int i = 0; i < 256; i++) {
			LOWER[i] = (byte) ((i >= 'A' && i <= 'Z') ? i + 32 : i);
		}
	}

	static final KnownValues NONE = new KnownValues(List.of(), Set.of());

	/** Patterns, lower-cased, longest first, so an overlapping shorter match never wins over a longer one. */
	private final byte[][] patterns;

	private final Set<RegionalCredential> covered;

	private final int window;

	private final int longest;

	/** BASE^(window-1), to take a byte out of the rolling hash. */
	private final long outFactor;

	/** Hash of each pattern's first {@link #window} bytes, by pattern index. */
	private final long[] startHashes;

	/** Bit set over the start hashes: a clear bit means no pattern starts with that window. */
	private final long[] filter = new long[FILTER_BITS / 64];

	/** Whether some pattern starts with the byte, lower-cased. */
	private final boolean[] firstBytes = new boolean[256];

	private KnownValues(List<byte[]> patterns, Set<RegionalCredential> covered) {
		List<byte[]> sorted = new ArrayList<>(patterns);
		sorted.sort((a, b) -> Integer.compare(b.length, a.length));
		this.patterns = sorted.toArray(byte[][]::new);
		this.covered = covered;
		this.longest = sorted.isEmpty() ? 0 : sorted.get(0).length;
		this.window = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1).length;
		long factor = 1;
		for (int i = 1; i < this.window; i++) {
			factor *= BASE;
		}
		this.outFactor = factor;
		this.startHashes = new long[this.patterns.length];
		for (int p = 0; p < this.patterns.length; p++) {
			long hash = 0;
			for (int i = 0; i < this.window; i++) {
				hash = hash * BASE + this.patterns[p][i];
			}
			this.startHashes[p] = hash;
			int bit = bit(hash);
			this.filter[bit >>> 6] |= 1L << bit;
			this.firstBytes[this.patterns[p][0] & 0xff] = true;
		}
	}

	/**
	 * @param credentials the credentials to look for; secrets shorter than {@value #MIN_SECRET_LENGTH}
	 * characters are left out
	 * @return their patterns
	 */
	static KnownValues of(Collection<RegionalCredential> credentials) {
		Set<String> seen = new LinkedHashSet<>();
		List<byte[]> patterns = new ArrayList<>();
		Set<RegionalCredential> covered = Collections.newSetFromMap(new IdentityHashMap<>());
		for (RegionalCredential credential : credentials) {
			covered.add(credential);
			String secret = credential.secret().reveal();
			if (secret.length() < MIN_SECRET_LENGTH) {
				continue;
			}
			String basic = credential.basicAuthorization().substring("Basic ".length());
			for (String pattern : new String[] { secret, basic }) {
				byte[] bytes = lower(pattern.getBytes(StandardCharsets.UTF_8));
				if (seen.add(new String(bytes, StandardCharsets.ISO_8859_1))) {
					patterns.add(bytes);
				}
			}
		}
		return new KnownValues(patterns, covered);
	}

	/** @return these patterns and {@code extra}'s, unless this already holds {@code extra} */
	KnownValues with(RegionalCredential extra, Collection<RegionalCredential> others) {
		if (this.covered.contains(extra)) {
			return this;
		}
		List<RegionalCredential> all = new ArrayList<>(others);
		all.add(extra);
		return of(all);
	}

	/** @return whether {@code credential} (this very instance) is among the patterns' sources */
	boolean covers(RegionalCredential credential) {
		return this.covered.contains(credential);
	}

	/** @return whether there is nothing to look for */
	boolean isEmpty() {
		return this.patterns.length == 0;
	}

	/** @return the longest pattern's length: a match never spans more bytes */
	int longest() {
		return this.longest;
	}

	/**
	 * Replaces every match in {@code bytes[from, to)} by {@link #mask} of its length, in place.
	 * @return how many matches were replaced
	 */
	int scrub(byte[] bytes, int from, int to) {
		int window = this.window;
		if (window == 0 || to - from < window) {
			return 0;
		}
		int hits = 0;
		long hash = 0;
		for (int i = from; i < from + window; i++) {
			hash = hash * BASE + LOWER[bytes[i] & 0xff];
		}
		int start = from;
		while (true) {
			int bit = bit(hash);
			if ((this.filter[bit >>> 6] & (1L << bit)) != 0) {
				int length = matchAt(bytes, start, to, hash);
				if (length > 0) {
					mask(bytes, start, length);
					hits++;
					int next = start + length;
					if (next + window > to) {
						return hits;
					}
					start = next;
					hash = 0;
					for (int i = start; i < start + window; i++) {
						hash = hash * BASE + LOWER[bytes[i] & 0xff];
					}
					continue;
				}
			}
			int end = start + window;
			if (end >= to) {
				return hits;
			}
			hash = (hash - LOWER[bytes[start] & 0xff] * this.outFactor) * BASE + LOWER[bytes[end] & 0xff];
			start++;
		}
	}

	/** @return {@code value} with every match masked, or {@code value} itself when there is none */
	String scrub(String value) {
		if (this.window == 0 || value.length() < this.window) {
			return value;
		}
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		return (scrub(bytes, 0, bytes.length) == 0) ? value : new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * @return the length of the longest suffix of {@code bytes[from, to)} that is a proper prefix of
	 * a pattern (shorter than {@link #longest()}): the bytes that must wait for the next chunk, since
	 * a match may go on there
	 */
	int pendingSuffix(byte[] bytes, int from, int to) {
		int most = Math.min(this.longest - 1, to - from);
		for (int length = most; length > 0; length--) {
			int at = to - length;
			if (!this.firstBytes[LOWER[bytes[at] & 0xff] & 0xff]) {
				continue;
			}
			for (byte[] pattern : this.patterns) {
				if (pattern.length > length && equalsLower(bytes, at, pattern, length)) {
					return length;
				}
			}
		}
		return 0;
	}

	private int matchAt(byte[] bytes, int start, int to, long hash) {
		for (int p = 0; p < this.patterns.length; p++) {
			byte[] pattern = this.patterns[p];
			if (this.startHashes[p] == hash && start + pattern.length <= to && equalsLower(bytes, start, pattern, pattern.length)) {
				return pattern.length;
			}
		}
		return 0;
	}

	private static boolean equalsLower(byte[] bytes, int at, byte[] pattern, int length) {
		for (int i = 0; i < length; i++) {
			if (LOWER[bytes[at + i] & 0xff] != pattern[i]) {
				return false;
			}
		}
		return true;
	}

	/** Writes {@link #MASK} padded with {@code *} over {@code bytes[at, at + length)}. */
	static void mask(byte[] bytes, int at, int length) {
		Arrays.fill(bytes, at, at + length, (byte) '*');
		if (length >= MASK.length()) {
			for (int i = 0; i < MASK.length(); i++) {
				bytes[at + i] = (byte) MASK.charAt(i);
			}
		}
	}

	private static int bit(long hash) {
		return (int) (hash ^ (hash >>> 29)) & (FILTER_BITS - 1);
	}

	private static byte[] lower(byte[] bytes) {
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = LOWER[bytes[i] & 0xff];
		}
		return bytes;
	}

	@Override
	public String toString() {
		return "KnownValues[" + this.patterns.length + " patterns]";
	}

}

package io.github.twiliovaultsidecar.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Twilio resources whose answers carry a credential (an Auth Token, a key's secret, a stored
 * password), read from {@value #TABLE}, which {@code scripts/credential-resources.py} derives from
 * the official Python SDK's generated models. Such a resource is forwarded only in the
 * representation its table row names (JSON: {@code .json} on the 2010 API, no extension on the
 * product APIs); a request for another one ({@code .xml}, {@code .csv}, {@code .html}, none) is
 * refused before anything is sent. Its credential fields join {@link JsonRedactor#ALWAYS} as the
 * fields redacted from its JSON answers. Pure functions over an immutable table; thread-safe.
 */
final class CredentialResources {

	/** The table on the class path: product, path template, fields, SDK module, tab-separated. */
	static final String TABLE = "credential-resources.tsv";

	private static final CredentialResources LOADED = load();

	private final List<Resource> resources;

	CredentialResources(List<Resource> resources) {
		this.resources = List.copyOf(resources);
	}

	/** @return the table shipped with the service */
	static CredentialResources shipped() {
		return LOADED;
	}

	/** @return every resource in the table */
	List<Resource> resources() {
		return this.resources;
	}

	/**
	 * @param product the host's product ({@code api}, {@code accounts}…)
	 * @param path the raw request path, starting with {@code /}
	 * @return the credential-bearing resource the path names, whatever representation it asks for
	 * (literal segments compared without regard to case, a trailing slash ignored); empty when the
	 * path names none
	 */
	Optional<Resource> match(String product, String path) {
		Path request = Path.of(path);
		for (Resource resource : this.resources) {
			if (resource.product.equals(product) && resource.path.sameResource(request)) {
				return Optional.of(resource);
			}
		}
		return Optional.empty();
	}

	/**
	 * @param product the host's product
	 * @param path the raw request path
	 * @param query the raw query, or {@code null}
	 * @return the resource the path names, when it asks for the resource's own representation
	 * @throws ProxyException a 400 naming the path to use when a credential-bearing resource is asked
	 * for in another representation
	 */
	Optional<Resource> checkRepresentation(String product, String path, String query) {
		Optional<Resource> resource = match(product, path);
		resource.ifPresent(found -> {
			Path request = Path.of(path);
			if (!request.representation.equals(found.path.representation)) {
				String use = request.withRepresentation(found.path.representation) + ((query != null) ? "?" + query : "");
				throw ProxyException.representationRefused(path, request.representation, use);
			}
		});
		return resource;
	}

	private static CredentialResources load() {
		try (InputStream in = CredentialResources.class.getResourceAsStream(TABLE)) {
			if (in == null) {
				throw new IllegalStateException(TABLE + " is missing from the class path");
			}
			return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * @param lines the table's lines; {@code #} starts a comment line
	 * @return the table
	 * @throws IllegalArgumentException for a row that is not product, path, fields, module
	 */
	static CredentialResources parse(List<String> lines) {
		List<Resource> resources = new ArrayList<>();
		for (String line : lines) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			String[] columns = line.split("\t");
			if (columns.length != 4 || !columns[1].startsWith("/") || columns[2].isBlank()) {
				throw new IllegalArgumentException("not a row of product, path, fields, module: " + line);
			}
			Set<String> fields = new LinkedHashSet<>(JsonRedactor.ALWAYS.names());
			fields.addAll(List.of(columns[2].split(",")));
			resources.add(new Resource(columns[0], Path.of(columns[1]), new JsonRedactor.Fields(fields)));
		}
		return new CredentialResources(resources);
	}

	/**
	 * One credential-bearing resource.
	 * @param product the host's product
	 * @param path its path template, as the SDK names it ({@code /2010-04-01/Accounts/{sid}.json})
	 * @param fields the fields redacted from its JSON answers: its credential fields and {@link JsonRedactor#ALWAYS}
	 */
	record Resource(String product, Path path, JsonRedactor.Fields fields) {

		@Override
		public String toString() {
			return this.product + " " + this.path;
		}

	}

	/**
	 * A path split into segments, the last one's representation ({@code json} of
	 * {@code Accounts.json}, everything after its first dot) apart. A template's segment in braces
	 * stands for any one segment.
	 */
	record Path(List<String> segments, String representation) {

		static Path of(String path) {
			String trimmed = (path.length() > 1 && path.endsWith("/")) ? path.substring(0, path.length() - 1) : path;
			List<String> segments = new ArrayList<>(List.of(trimmed.substring(1).split("/", -1)));
			String last = segments.get(segments.size() - 1);
			int dot = last.indexOf('.');
			String representation = "";
			if (dot >= 0) {
				representation = last.substring(dot + 1).toLowerCase(Locale.ROOT);
				segments.set(segments.size() - 1, last.substring(0, dot));
			}
			return new Path(List.copyOf(segments), representation);
		}

		/** @return whether {@code request} names this template's resource, in any representation */
		boolean sameResource(Path request) {
			if (request.segments.size() != this.segments.size()) {
				return false;
			}
			for (int i = 0; i < this.segments.size(); i++) {
				String template = this.segments.get(i);
				String segment = request.segments.get(i);
				boolean any = template.startsWith("{") && template.endsWith("}");
				if (any ? segment.isEmpty() : !template.equalsIgnoreCase(segment)) {
					return false;
				}
			}
			return true;
		}

		String withRepresentation(String representation) {
			return "/" + String.join("/", this.segments) + (representation.isEmpty() ? "" : "." + representation);
		}

		@Override
		public String toString() {
			return withRepresentation(this.representation);
		}

	}

}

package io.github.twiliovaultsidecar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.twiliovaultsidecar.problem.SidecarException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs are the one description of what the code does: every problem {@code type} the code can make
 * has its entry (and anchor) in docs/calling-twilio.md, and every settings table in README.md and docs/
 * agrees with the configuration metadata the build generates. No server is started.
 */
class DocumentationTests {

	private static final Path MAIN_SOURCES = Path.of("src/main/java");

	private static final Path CALLING_TWILIO = Path.of("docs/calling-twilio.md");

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	/** Fewer problem names than this means the scan below no longer sees how problems are made. */
	private static final int FEWEST_PROBLEMS = 35;

	/** Fewer documented settings than this means the table rows are no longer recognised. */
	private static final int FEWEST_SETTINGS = 35;

	private static final Pattern SUBCLASS = Pattern.compile("class\\s+(\\w+)\\s+extends\\s+(\\w+)");

	private static final Pattern CLASS = Pattern.compile("\\bclass\\s+\\w+");

	private static final Pattern PROBLEM_NAME = Pattern.compile("\"([a-z]+(?:-[a-z]+)+)\"");

	private static final Pattern PROBLEM_HEADING = Pattern.compile("(?m)^### ([a-z]+(?:-[a-z]+)+)$");

	/** The header row of a settings table; other tables (meters, for one) name settings-like meters. */
	private static final String SETTINGS_HEADER = "| setting | default |";

	private static final Pattern SETTING_ROW = Pattern.compile("^\\| `(sidecar\\.[a-z0-9.-]+)` \\| ([^|]*) \\|");

	@Test
	void everyProblemTypeTheCodeCanMakeHasItsEntryInCallingTwilio() {
		Set<String> made = problemNamesMadeBy(MAIN_SOURCES);
		Set<String> documented = documentedProblems(read(CALLING_TWILIO));

		assertThat(made).as("problem names found in the factories of SidecarException's subclasses")
			.hasSizeGreaterThanOrEqualTo(FEWEST_PROBLEMS)
			.contains("credential-not-found", "short-regional-host", "caller-not-allowed", "method-not-allowed");
		assertThat(documented).as("'### <name>' headings in " + CALLING_TWILIO).containsAll(made);
		assertThat(made).as("every documented problem is one the code still makes").containsAll(documented);
	}

	@Test
	void theProblemScanFindsAProblemMadeInATernaryInsideSuperAndIgnoresOtherStrings() {
		Map<String, String> sources = Map.of("A.java", """
				class Base extends SidecarException {
					Base(boolean b) { super(b ? "first-problem" : "second-problem", 400, "t", "not-this-one", Map.of(), null); }
				}
				""", "B.java", """
				final class Leaf extends Base {
					static Leaf of() { return new Leaf("third-problem", call("also-not-this")); }
				}
				class Other extends RuntimeException {
					Other() { super("other-thing"); }
				}
				""");

		assertThat(problemNames(sources)).containsExactlyInAnyOrder("first-problem", "second-problem", "third-problem");
	}

	@Test
	void everyProblemHeadingIsItsOwnAnchorOnce() {
		String text = read(CALLING_TWILIO);
		List<String> headings = new ArrayList<>();
		PROBLEM_HEADING.matcher(text).results().forEach(result -> headings.add(result.group(1)));

		assertThat(headings).doesNotHaveDuplicates();
		assertThat(text).as("the section the problem entries live in").contains("\n## Problem types\n");
		assertThat(text).as("the placeholder the SDK adapters replace").contains("\n## SDK adapters\n");
	}

	@Test
	void theSettingsTablesAgreeWithTheConfigurationMetadata() {
		Map<String, JsonNode> metadata = sidecarProperties();
		Map<String, List<String>> documented = documentedSettings();

		assertThat(metadata).as("sidecar.* properties in " + METADATA).hasSizeGreaterThanOrEqualTo(FEWEST_SETTINGS);
		assertThat(documented).as("sidecar.* rows in the settings tables").hasSizeGreaterThanOrEqualTo(FEWEST_SETTINGS);
		assertThat(documented.keySet()).as("documented settings that exist").isSubsetOf(metadata.keySet());
		assertThat(documented.keySet()).as("every property is in a settings table").containsAll(metadata.keySet());
		metadata.forEach((name, property) -> assertThat(property.path("description").asString(""))
			.as("the description an IDE shows for " + name)
			.isNotBlank());
		documented.forEach((name, defaults) -> {
			for (String cell : defaults) {
				assertThat(documentedDefault(cell)).as("default of " + name + " in the docs")
					.isEqualTo(metadataDefault(metadata.get(name)));
			}
		});
	}

	/** @return problem names passed first to the constructors of SidecarException and its subclasses */
	static Set<String> problemNamesMadeBy(Path root) {
		Map<String, String> sources = new LinkedHashMap<>();
		try (Stream<Path> files = Files.walk(root)) {
			files.filter(file -> file.toString().endsWith(".java")).forEach(file -> sources.put(file.toString(), read(file)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return problemNames(sources);
	}

	/**
	 * The subclasses of {@code SidecarException} (transitively, by name), then in every source the
	 * first argument of {@code new Subclass(…)}, and of {@code super(…)} in a file declaring a subclass:
	 * every kebab-case string literal in it is a problem name.
	 */
	static Set<String> problemNames(Map<String, String> sources) {
		Map<String, String> parents = new HashMap<>();
		Map<String, String> declaredIn = new HashMap<>();
		sources.forEach((file, text) -> SUBCLASS.matcher(text).results().forEach(result -> {
			parents.put(result.group(1), result.group(2));
			declaredIn.put(result.group(1), file);
		}));
		Set<String> subclasses = new TreeSet<>();
		for (String name : parents.keySet()) {
			String at = name;
			for (int hops = 0; at != null && hops < parents.size(); hops++, at = parents.get(at)) {
				if ("SidecarException".equals(parents.get(at))) {
					subclasses.add(name);
					break;
				}
			}
		}
		Set<String> names = new TreeSet<>();
		sources.forEach((file, text) -> {
			for (String subclass : subclasses) {
				firstArguments(text, "new " + subclass + "(").forEach(argument -> names.addAll(literals(argument)));
				if (file.equals(declaredIn.get(subclass))) {
					firstArguments(declarationOf(text, subclass), "super(").forEach(argument -> names.addAll(literals(argument)));
				}
			}
		});
		return names;
	}

	/** @return the text from {@code class name extends} up to the next class declaration of the file */
	private static String declarationOf(String text, String name) {
		Matcher declaration = SUBCLASS.matcher(text);
		while (declaration.find()) {
			if (declaration.group(1).equals(name)) {
				int start = declaration.start();
				Matcher next = CLASS.matcher(text);
				return text.substring(start, next.find(declaration.end()) ? next.start() : text.length());
			}
		}
		return "";
	}

	private static List<String> firstArguments(String text, String call) {
		List<String> arguments = new ArrayList<>();
		for (int at = text.indexOf(call); at >= 0; at = text.indexOf(call, at + 1)) {
			if (at > 0 && Character.isJavaIdentifierPart(text.charAt(at - 1))) {
				continue;
			}
			int start = at + call.length();
			int depth = 0;
			boolean quoted = false;
			int end = start;
			for (; end < text.length(); end++) {
				char c = text.charAt(end);
				if (quoted) {
					if (c == '\\') {
						end++;
					}
					else if (c == '"') {
						quoted = false;
					}
				}
				else if (c == '"') {
					quoted = true;
				}
				else if (c == '(') {
					depth++;
				}
				else if ((c == ',' || c == ')') && depth == 0) {
					break;
				}
				else if (c == ')') {
					depth--;
				}
			}
			arguments.add(text.substring(start, end));
		}
		return arguments;
	}

	private static Set<String> literals(String expression) {
		Set<String> found = new TreeSet<>();
		Matcher matcher = PROBLEM_NAME.matcher(expression);
		while (matcher.find()) {
			found.add(matcher.group(1));
		}
		return found;
	}

	static Set<String> documentedProblems(String text) {
		String section = text.substring(Math.max(0, text.indexOf("\n## Problem types\n")));
		Set<String> names = new TreeSet<>();
		PROBLEM_HEADING.matcher(section).results().forEach(result -> names.add(result.group(1)));
		return names;
	}

	/** @return each {@code sidecar.*} row of the settings tables ({@value #SETTINGS_HEADER} …) in README.md and docs/, with its default cells */
	private static Map<String, List<String>> documentedSettings() {
		List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
		try (Stream<Path> docs = Files.list(Path.of("docs"))) {
			docs.filter(file -> file.toString().endsWith(".md")).sorted().forEach(files::add);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, List<String>> settings = new LinkedHashMap<>();
		for (Path file : files) {
			boolean inSettingsTable = false;
			for (String line : read(file).split("\n")) {
				if (!line.startsWith("|")) {
					inSettingsTable = false;
				}
				else if (line.startsWith(SETTINGS_HEADER)) {
					inSettingsTable = true;
				}
				Matcher row = SETTING_ROW.matcher(line);
				if (inSettingsTable && row.find()) {
					settings.computeIfAbsent(row.group(1), name -> new ArrayList<>()).add(row.group(2).trim());
				}
			}
		}
		return settings;
	}

	/** @return the default a table cell states: {@code `30s`} is 30s, "empty" is "", "none" is no default */
	private static String documentedDefault(String cell) {
		if (cell.startsWith("`") && cell.endsWith("`") && cell.length() > 1) {
			return cell.substring(1, cell.length() - 1);
		}
		if ("empty".equals(cell)) {
			return "";
		}
		assertThat(cell).as("a default cell is a `value`, 'empty' or 'none'").isEqualTo("none");
		return null;
	}

	private static String metadataDefault(JsonNode property) {
		JsonNode value = property.get("defaultValue");
		if (value == null || value.isNull()) {
			return null;
		}
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach(item -> items.add(item.asString()));
			return String.join(", ", items);
		}
		return value.isString() ? value.asString() : value.toString();
	}

	private static Map<String, JsonNode> sidecarProperties() {
		assertThat(METADATA).as("generated by spring-boot-configuration-processor at compile time").exists();
		JsonNode root = JsonMapper.builder().build().readTree(read(METADATA));
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		root.path("properties").forEach(property -> {
			String name = property.path("name").asString();
			if (name.startsWith("sidecar.")) {
				properties.put(name, property);
			}
		});
		return properties;
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

package io.github.twiliovaultsidecar;

import java.util.Map;
import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package structure as a contract: the packages form no circle, and each feature is reached
 * from the others only through the types it names as its ways in ({@link #WAYS_IN}). A type that is
 * public for the compiler but missing there is an internal: using it from another package fails here.
 */
class ArchitectureTests {

	private static final String BASE = "io.github.twiliovaultsidecar";

	/** The service's own classes: no tests, and not the client adapter jar that shares the base package. */
	private static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
		.importPackages(BASE);

	/** Packages every feature may use whole: the Twilio domain and the exception root. */
	private static final Set<String> SHARED = Set.of("twilio", "problem");

	/**
	 * Per feature package (relative to {@value #BASE}), the top-level types other packages may use;
	 * their nested types come with them. Everything else in the package is its own business.
	 */
	static final Map<String, Set<String>> WAYS_IN = Map.ofEntries(
			Map.entry("store", Set.of("CredentialReader", "CredentialWriter", "CredentialStore", "CredentialCache",
					"CacheObserver", "CredentialKey", "RegionalCredential", "CredentialKind", "CredentialStoreException",
					"CredentialFields", "CredentialEntries", "EntryMetadata", "SeedMetadata", "StoredPath",
					"StoreProperties", "VaultLayout", "VaultLease", "VerificationMarks")),
			Map.entry("upstream", Set.of("UpstreamClient", "UpstreamFailure", "UpstreamObserver")),
			Map.entry("proxy", Set.of("RegionBreakers")),
			Map.entry("seeding", Set.of("SeedingCli")),
			Map.entry("security", Set.of("CallerAccess")),
			Map.entry("audit", Set.of("AuditLog", "AuditWriter")),
			Map.entry("masking", Set.of("SecretMasking")),
			Map.entry("observability", Set.of()),
			Map.entry("webhook", Set.of()),
			Map.entry("web", Set.of("ProblemDetails", "MessageFraming", "HopByHop", "SampleTraffic")),
			Map.entry("aot", Set.of()),
			Map.entry("", Set.of("SidecarApplication")));

	/** Each package is a slice of its own, the application's root package included. */
	private static final SliceAssignment PACKAGES = new SliceAssignment() {

		@Override
		public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
			return javaClass.getPackageName().startsWith(BASE) ? SliceIdentifier.of(relative(javaClass))
					: SliceIdentifier.ignore();
		}

		@Override
		public String getDescription() {
			return "packages of " + BASE;
		}

	};

	@Test
	void thePackagesFormNoCircle() {
		slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(MAIN);
	}

	@Test
	void everyPackageIsListedWithItsWaysIn() {
		classes().that(inBase()).should(new ArchCondition<JavaClass>("be in a package "
				+ "listed in WAYS_IN or SHARED") {

			@Override
			public void check(JavaClass item, ConditionEvents events) {
				String pkg = relative(item);
				if (!WAYS_IN.containsKey(pkg) && !SHARED.contains(pkg)) {
					events.add(SimpleConditionEvent.violated(item,
							item.getName() + " is in package '" + pkg + "', which WAYS_IN does not list"));
				}
			}

		}).check(MAIN);
	}

	@Test
	void aFeatureIsReachedFromOtherPackagesOnlyThroughItsWaysIn() {
		for (Map.Entry<String, Set<String>> feature : WAYS_IN.entrySet()) {
			String pkg = feature.getKey().isEmpty() ? BASE : BASE + "." + feature.getKey();
			ArchRule rule = classes().that()
				.resideInAPackage(pkg)
				.and(DescribedPredicate.not(wayIn(feature.getValue())))
				.should()
				.onlyHaveDependentClassesThat()
				.resideInAPackage(pkg)
				.allowEmptyShould(true)
				.because("other packages reach '" + feature.getKey() + "' only through " + feature.getValue());
			rule.check(MAIN);
		}
	}

	/** @return whether a class is one of {@code names} or nested in one */
	private static DescribedPredicate<JavaClass> wayIn(Set<String> names) {
		return DescribedPredicate.describe("a way in " + names, javaClass -> {
			String simple = javaClass.getName().substring(javaClass.getPackageName().length() + 1);
			int nested = simple.indexOf('$');
			return names.contains((nested < 0) ? simple : simple.substring(0, nested));
		});
	}

	private static DescribedPredicate<JavaClass> inBase() {
		return DescribedPredicate.describe("in " + BASE,
				javaClass -> javaClass.getPackageName().equals(BASE) || javaClass.getPackageName().startsWith(BASE + "."));
	}

	/** @return the package of {@code javaClass} relative to {@value #BASE}, empty for the root */
	private static String relative(JavaClass javaClass) {
		String name = javaClass.getPackageName();
		return name.equals(BASE) ? "" : name.substring(BASE.length() + 1);
	}

}

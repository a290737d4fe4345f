package io.github.twiliovaultsidecar.seeding;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.twiliovaultsidecar.audit.AuditLog;
import io.github.twiliovaultsidecar.problem.SidecarException;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Region;

/**
 * The seeding CLI in the service jar: {@code seed}, {@code verify}, {@code inventory} and
 * {@code sync-subaccounts}, run as a non-web Spring application that shares {@link SeedingService}
 * with the admin API. It acts with {@code VAULT_TOKEN} at {@code VAULT_ADDR}. Results go to standard
 * output; logs (including the audit line) go to standard error. Exit codes: 0 done,
 * {@value SeedingException#EXIT_INVALID_INPUT} invalid input, {@value SeedingException#EXIT_VERIFICATION_FAILED}
 * Twilio refused the credential, {@value SeedingException#EXIT_VAULT_DENIED} Vault refused the token,
 * {@value SeedingException#EXIT_CONFLICT} check-and-set conflict, {@value SeedingException#EXIT_OTHER} anything
 * else (or a sync with failed subaccounts).
 */
public final class SeedingCli {

	/** The first arguments that select the CLI instead of the service. */
	public static final Set<String> COMMANDS = Set.of("seed", "verify", "inventory", "sync-subaccounts");

	/** Arguments of the form {@code --some.property=value} are Spring properties, not CLI options. */
	private static final Pattern SPRING_PROPERTY = Pattern.compile("--[a-zA-Z][\\w-]*(\\.[\\w\\[\\]-]+)+=.*",
			Pattern.DOTALL);

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final Class<?> application;

	private final PrintStream out;

	private final PrintStream err;

	private final InputStream in;

	private final Map<String, String> env;

	private final List<String> springArgs;

	private ConfigurableApplicationContext context;

	private SeedingCli(Class<?> application, PrintStream out, PrintStream err, InputStream in, Map<String, String> env,
			List<String> springArgs) {
		this.application = application;
		this.out = out;
		this.err = err;
		this.in = in;
		this.env = env;
		this.springArgs = springArgs;
	}

	/** @return whether {@code args} start with one of {@link #COMMANDS} */
	public static boolean handles(String[] args) {
		return args.length > 0 && COMMANDS.contains(args[0]);
	}

	/**
	 * Runs one CLI command. Standard output is kept for results; everything else printed while the
	 * command runs (Spring's and the audit log's lines) goes to standard error.
	 * @param args the command line, starting with one of {@link #COMMANDS}
	 * @param application the Spring Boot application class to start (without a web server)
	 * @return the exit code
	 */
	public static int run(String[] args, Class<?> application) {
		PrintStream results = System.out;
		System.setOut(System.err);
		try {
			return run(args, application, results, System.err, System.in, System.getenv());
		}
		finally {
			System.setOut(results);
		}
	}

	static int run(String[] args, Class<?> application, PrintStream out, PrintStream err, InputStream in,
			Map<String, String> env) {
		List<String> cliArgs = new ArrayList<>();
		List<String> springArgs = new ArrayList<>();
		for (String arg : args) {
			(SPRING_PROPERTY.matcher(arg).matches() ? springArgs : cliArgs).add(arg);
		}
		SeedingCli cli = new SeedingCli(application, out, err, in, env, springArgs);
		try {
			CommandLine command = new CommandLine(new Root())
				.addSubcommand(cli.new Seed())
				.addSubcommand(cli.new Verify())
				.addSubcommand(cli.new InventoryCommand())
				.addSubcommand(cli.new SyncSubaccounts());
			command.setOut(new PrintWriter(out, true));
			command.setErr(new PrintWriter(err, true));
			command.setExecutionExceptionHandler((failure, line, parsed) -> {
				err.println("error: " + describe(failure));
				return SeedingException.exitCode(failure);
			});
			return command.execute(cliArgs.toArray(String[]::new));
		}
		finally {
			if (cli.context != null) {
				cli.context.close();
			}
		}
	}

	private static String describe(Exception failure) {
		if (failure instanceof SidecarException sidecar) {
			return sidecar.getMessage();
		}
		return failure.getClass().getSimpleName() + ((failure.getMessage() != null) ? ": " + failure.getMessage() : "");
	}

	/** @return the caller's Vault token from {@code VAULT_TOKEN} */
	private String vaultToken() {
		String token = this.env.get("VAULT_TOKEN");
		if (token == null || token.isBlank()) {
			throw SeedingException.missingVaultTokenForCli();
		}
		return token;
	}

	/** Starts the application without a web server, once, and hands out the seeding service. */
	private SeedingService service() {
		if (this.context == null) {
			this.context = new SpringApplicationBuilder(this.application).web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.properties("logging.level.root=WARN", "logging.level." + AuditLog.LOGGER + "=INFO")
				.run(this.springArgs.toArray(String[]::new));
		}
		return this.context.getBean(SeedingService.class);
	}

	/** Reads one secret: from the console without echo, or one line of standard input when piped. */
	private String readSecret(String prompt) {
		Console console = System.console();
		char[] value;
		if (console != null) {
			value = console.readPassword("%s", prompt);
		}
		else {
			try {
				BufferedReader reader = new BufferedReader(new InputStreamReader(this.in, StandardCharsets.UTF_8));
				String line = reader.readLine();
				value = (line != null) ? line.toCharArray() : null;
			}
			catch (IOException ex) {
				throw SeedingException.invalidRequest("Could not read the secret from standard input");
			}
		}
		if (value == null) {
			throw SeedingException.invalidCredential("No secret was given on standard input");
		}
		String secret = new String(value);
		Arrays.fill(value, '\0');
		return secret;
	}

	/** {@code --account} and {@code --region}, both required: the entry a command acts on. */
	static final class EntryOptions {

		@Option(names = "--account", required = true, description = "Account SID (AC…)")
		String account;

		@Option(names = "--region", required = true, description = "Region code: us1, ie1, au1…")
		String region;

		CredentialKey key() {
			return CredentialKey.of(this.account, this.region);
		}

	}

	/** {@code --json}, and how every command prints its result on standard output. */
	final class Output {

		@Option(names = "--json", description = "Print the result as JSON")
		boolean json;

		/**
		 * @param human what is printed without {@code --json}
		 * @return 0, the exit code of a command that printed its result
		 */
		int print(Object result, String human) {
			SeedingCli.this.out.print(this.json ? JSON.writeValueAsString(result) + System.lineSeparator() : human);
			SeedingCli.this.out.flush();
			return 0;
		}

	}

	@Command(name = "twilio-vault-sidecar", mixinStandardHelpOptions = true,
			description = "Seeds regional Twilio credentials into Vault with your own VAULT_TOKEN.")
	static final class Root {

	}

	@Command(name = "seed", mixinStandardHelpOptions = true,
			description = "Verify a regional Auth Token (or API key) against the regional API and store it. "
					+ "The secret is read from the console without echo, or from standard input when piped.")
	final class Seed implements Callable<Integer> {

		@Mixin
		EntryOptions entry;

		@Mixin
		Output output = new Output();

		@Option(names = "--edge", description = "Edge to store (default: the region's default edge)")
		String edge;

		@Option(names = "--api-key-sid", description = "Store an API key (SK…) instead of the Auth Token; "
				+ "the key secret is read like the token")
		String apiKeySid;

		@Option(names = "--cas", description = "Write only when this is the current version (0: create only)")
		Long cas;

		@Option(names = "--no-verify", description = "Store without checking against Twilio (recorded as verified=false)")
		boolean noVerify;

		@Override
		public Integer call() {
			CredentialKey key = this.entry.key();
			if (this.cas != null && this.cas < 0) {
				throw SeedingException.invalidRequest("--cas must be 0 or a KV version");
			}
			String token = vaultToken();
			String what = (this.apiKeySid != null) ? "API key secret" : "Auth Token";
			String secret = readSecret(what + " for " + key.account() + " in " + key.region() + ": ");
			CredentialInput input = (this.apiKeySid != null)
					? CredentialInput.of(key.account(), null, this.apiKeySid, secret, this.edge)
					: CredentialInput.of(key.account(), secret, null, null, this.edge);
			SeedResult result = service()
				.seed(token, key, input, !this.noVerify,
						(this.cas != null) ? OptionalLong.of(this.cas) : OptionalLong.empty(), SeedingService.Source.CLI)
				.block();
			return this.output.print(result, result.summary("Stored"));
		}

	}

	@Command(name = "verify", mixinStandardHelpOptions = true,
			description = "Check the stored credential against the regional API and record verified_at.")
	final class Verify implements Callable<Integer> {

		@Mixin
		EntryOptions entry;

		@Mixin
		Output output = new Output();

		@Override
		public Integer call() {
			SeedResult result = service().verifyStored(vaultToken(), this.entry.key()).block();
			return this.output.print(result, result.summary("Verified"));
		}

	}

	@Command(name = "inventory", mixinStandardHelpOptions = true,
			description = "List every stored credential with its metadata and problems (never a secret).")
	final class InventoryCommand implements Callable<Integer> {

		@Option(names = "--account", description = "Only this account folder")
		String account;

		@Option(names = "--region", description = "Only this region folder")
		String region;

		@Mixin
		Output output = new Output();

		@Override
		public Integer call() {
			Inventory inventory = service()
				.inventory(vaultToken(), Optional.ofNullable(this.account), Optional.ofNullable(this.region))
				.block();
			return this.output.print(inventory, inventory.table());
		}

	}

	@Command(name = "sync-subaccounts", mixinStandardHelpOptions = true,
			description = "Fetch the regional Auth Tokens of a parent's subaccounts with the parent's stored "
					+ "regional credential and store them.")
	final class SyncSubaccounts implements Callable<Integer> {

		@Option(names = "--parent", required = true, description = "Parent Account SID (AC…)")
		String parent;

		@Option(names = "--region", required = true, description = "Region code: us1, ie1, au1…")
		String region;

		@Option(names = "--subaccount", description = "Only this subaccount")
		String subaccount;

		@Mixin
		Output output = new Output();

		@Override
		public Integer call() {
			AccountSid parentSid = AccountSid.parse(this.parent);
			Region parsedRegion = Region.parse(this.region);
			Optional<AccountSid> only = Optional.ofNullable(this.subaccount).map(AccountSid::parse);
			SyncReport report = service().syncSubaccounts(vaultToken(), parentSid, parsedRegion, only).block();
			this.output.print(report, report.summary());
			return (report.counts().getOrDefault(SyncReport.FAILED, 0) > 0) ? SeedingException.EXIT_OTHER : 0;
		}

	}

}

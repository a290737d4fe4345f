package io.github.twiliovaultsidecar.seeding;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.support.AdminSession;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inventory page in a real browser (Debian's headless Chromium, driven through its chromedriver)
 * against a real Vault and the Twilio stand-in: what the grid shows, the re-verify and sync buttons, the
 * 403 message for a token without the policy, and that the person's Vault token is in no page, storage
 * or cookie. With no Chromium the tests fail: {@code make chromium} (a step of {@code make test})
 * installs it.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InventoryPageIntegrationTests {

	static final String PREFIX = "page-" + TestSids.hex(8) + "/";

	static final Path SCREENSHOT = Path.of("target", "inventory-page.png");

	static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	static final AdminSession session = new AdminSession();

	static final TwilioStandIn twilio = session.twilio();

	static ChromeDriver browser;

	@LocalServerPort
	int port;

	VaultServer vault;

	VerificationApi api;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		registry.add("sidecar.vault.prefix", () -> PREFIX);
		registry.add("sidecar.verification.interval", () -> "0");
	}

	@BeforeAll
	static void startBrowser(@TempDir Path profile) {
		Path chromium = executable("sidecar.test.chromium", "/usr/bin/chromium");
		Path driver = executable("sidecar.test.chromedriver", "/usr/bin/chromedriver");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1600,1100", "--user-data-dir=" + profile);
		LoggingPreferences logs = new LoggingPreferences();
		logs.enable(LogType.BROWSER, Level.ALL);
		options.setCapability("goog:loggingPrefs", logs);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
	}

	/** @return the executable the system property names, else {@code fallback}; fails when it is not there */
	private static Path executable(String property, String fallback) {
		Path path = Path.of(System.getProperty(property, fallback));
		assertThat(Files.isExecutable(path)).as(path + " is needed for the browser tests: run 'make chromium' "
				+ "(Debian's chromium and chromium-driver), or set -D" + property + "=...").isTrue();
		return path;
	}

	@BeforeEach
	void setUp(VaultServer server) {
		this.vault = server;
		this.api = new VerificationApi(session.caller(), server, PREFIX);
		// A file of the page's origin that runs no script: storage is cleared before the page can use it.
		browser.get(base() + "inventory.css");
		script("sessionStorage.clear(); localStorage.clear();");
		browser.manage().deleteAllCookies();
		browser.get(base());
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	void showsEachEntryInItsGridCellAndReVerifiesItOnClick() throws IOException {
		String good = TestSids.accountSid();
		String goodToken = secret();
		twilio.authToken(good, "ie1", goodToken);
		this.api.writeRaw(good + "/ie1", Map.of("auth_token", goodToken, "edge", "dublin"));
		String stale = secret();
		twilio.authToken(good, "au1", secret());
		this.api.writeRaw(good + "/au1", Map.of("auth_token", stale, "edge", "sydney"));
		String misnamed = TestSids.accountSid();
		this.api.writeRaw(misnamed + "/ie1", Map.of("Auth_Token", secret(), "edge", "dublin"));
		this.api.writeRaw(misnamed + "/au1", Map.of("auth_token", "", "edge", "sydney"));
		String badKey = TestSids.accountSid();
		this.api.writeRaw(badKey + "/jp1", Map.of("api_key_sid", "SK123", "api_key_secret", secret(), "edge", "tokyo"));
		String keyed = TestSids.accountSid();
		String keySid = TestSids.apiKeySid();
		this.api.writeRaw(keyed + "/ie1", Map.of("api_key_sid", keySid, "api_key_secret", secret()));
		String notASid = "AC" + TestSids.hex(8);
		this.api.writeRaw(notASid + "/ie1", Map.of("auth_token", secret(), "edge", "dublin"));

		String seeder = seederToken("page-operator");
		signIn(seeder);
		WebElement goodCell = cell(good, "ie1");
		assertThat(field(goodCell, "kind")).isEqualTo("auth_token");
		assertThat(field(goodCell, "edge")).isEqualTo("dublin");
		assertThat(field(goodCell, "version")).isEqualTo("1");
		assertThat(field(goodCell, "outcome")).isEqualTo("none yet");
		assertThat(field(goodCell, "verified-at")).isEqualTo("never");
		assertThat(goodCell.findElement(By.className("healthy")).getText()).isEqualTo("no problems");
		assertThat(problems(cell(misnamed, "ie1")))
			.contains("key 'Auth_Token' is not read; name it 'auth_token' (lower case, with underscores)");
		assertThat(field(cell(misnamed, "ie1"), "kind")).isEqualTo("unknown");
		assertThat(problems(cell(misnamed, "au1"))).contains("'auth_token' is empty");
		assertThat(problems(cell(badKey, "jp1")))
			.contains("'api_key_sid' is not an API key SID (SK followed by 32 hex digits)");
		assertThat(field(cell(keyed, "ie1"), "kind")).isEqualTo("api_key");
		assertThat(field(cell(keyed, "ie1"), "edge")).isEqualTo("region default");
		assertThat(problems(cell(keyed, "ie1"))).anyMatch(p -> p.startsWith("no 'edge' for region ie1"));
		assertThat(problems(cell(notASid, "ie1")))
			.contains("folder '" + notASid + "' is not an Account SID (AC followed by 32 hex digits)");
		assertThat(browser.findElement(By.id("mount")).getText()).isEqualTo("twilio/" + PREFIX);
		assertThat(cell(good, "jp1").getText()).isEqualTo("nothing stored");
		assertThat(twilio.requests(r -> r.path().contains(good))).isEmpty();

		reVerify(good, "ie1");
		waitFor(() -> field(cell(good, "ie1"), "outcome").equals("verified"));
		assertThat(field(cell(good, "ie1"), "detail")).contains("api.dublin.ie1.twilio.com");
		assertThat(field(cell(good, "ie1"), "verified-at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(\\d+ s ago\\)");
		waitFor(() -> message().startsWith("Re-verified twilio/" + PREFIX + good + "/ie1: verified"));

		twilio.revoke(good, "ie1");
		reVerify(good, "ie1");
		waitFor(() -> field(cell(good, "ie1"), "outcome").equals("rejected"));
		assertThat(field(cell(good, "ie1"), "detail")).contains("401").contains("api.dublin.ie1.twilio.com");
		waitFor(() -> message().startsWith("Re-verified twilio/" + PREFIX + good + "/ie1: rejected"));

		reVerify(good, "au1");
		waitFor(() -> field(cell(good, "au1"), "outcome").equals("rejected"));
		assertThat(twilio.requests(r -> r.path().contains(good))).hasSize(3);
		assertThat(this.api.inventoryEntry(good).path("verification").path("outcome").asString()).isEqualTo("rejected");

		screenshot();
		assertNoTokenInThePage(seeder);
		assertThat(browserLog()).noneMatch(line -> line.contains("Content Security Policy"));
	}

	@Test
	void syncsTheSubaccountsOfOneParentInOneRegion() {
		String parent = TestSids.accountSid();
		String parentToken = secret();
		twilio.authToken(parent, "ie1", parentToken);
		this.api.writeRaw(parent + "/ie1", Map.of("auth_token", parentToken, "edge", "dublin"));
		String active = TestSids.accountSid();
		String suspended = TestSids.accountSid();
		twilio.subaccount(parent, active, "ie1", secret(), "active");
		twilio.subaccount(parent, suspended, "ie1", secret(), "suspended");

		String seeder = seederToken("page-sync-operator");
		signIn(seeder);
		cell(parent, "ie1").findElement(By.className("sync")).click();
		waitFor(() -> browser.findElement(By.id("sync")).isDisplayed());
		assertThat(browser.findElement(By.id("sync-title")).getText()).isEqualTo("Subaccounts of " + parent + " in ie1");
		assertThat(browser.findElement(By.id("sync-counts")).getText()).contains("1 created").contains("0 failed");
		List<String> rows = browser.findElements(By.cssSelector("#sync-outcomes tbody tr"))
			.stream()
			.map(WebElement::getText)
			.toList();
		assertThat(rows).containsExactlyInAnyOrder(active + " created version 1",
				suspended + " skipped-suspended the subaccount is suspended");
		assertThat(field(cell(active, "ie1"), "kind")).isEqualTo("auth_token");
		assertThat(field(cell(active, "ie1"), "edge")).isEqualTo("dublin");
		assertThat(browser.findElements(By.cssSelector("td[data-account='" + suspended + "']"))).isEmpty();
		assertNoTokenInThePage(seeder);
	}

	@Test
	void aTokenWithoutThePolicySeesWhyAndIsNotKept() {
		String entry = TestSids.accountSid();
		this.api.writeRaw(entry + "/ie1", Map.of("auth_token", secret(), "edge", "dublin"));
		String token = new SeedingVault(this.vault).token("page-no-policy",
				VerificationEndpointIntegrationTests.NO_ENTRY_POLICY, "page-no-policy");
		session.secrets().add(token);

		signIn(token);
		waitFor(() -> browser.findElement(By.id("message")).isDisplayed());
		assertThat(message()).startsWith("Vault refused your token (403 permission denied)")
			.contains("list the credentials")
			.contains("twilio-seeder policy")
			.doesNotContain(token);
		assertThat(browser.findElement(By.id("login")).isDisplayed()).isTrue();
		assertThat(browser.findElement(By.id("inventory")).isDisplayed()).isFalse();
		assertThat(browser.findElements(By.cssSelector("td[data-account]"))).isEmpty();
		assertThat(script("return sessionStorage.length")).isEqualTo(0L);
		assertThat(browser.getPageSource()).doesNotContain(token);
		assertThat(twilio.requests(r -> r.path().contains(entry))).isEmpty();
	}

	@Test
	void logoutLeavesTheTokenInNoPageStorageOrCookie() {
		String entry = TestSids.accountSid();
		this.api.writeRaw(entry + "/ie1", Map.of("auth_token", secret(), "edge", "dublin"));
		String seeder = seederToken("page-logout-operator");
		signIn(seeder);
		cell(entry, "ie1");
		assertNoTokenInThePage(seeder);
		assertThat(script("return sessionStorage.length")).isEqualTo(1L);

		browser.navigate().refresh();
		assertThat(cell(entry, "ie1").isDisplayed()).as("the tab keeps the sign-in across a reload").isTrue();

		browser.findElement(By.id("logout")).click();
		waitFor(() -> browser.findElement(By.id("login")).isDisplayed());
		assertThat(browser.findElements(By.cssSelector("td[data-account]"))).isEmpty();
		assertThat(script("return sessionStorage.length")).isEqualTo(0L);
		assertThat(script("return localStorage.length")).isEqualTo(0L);
		assertThat(browser.manage().getCookies()).isEmpty();
		assertThat(script("return document.cookie")).isEqualTo("");
		assertNoTokenInThePage(seeder);
		assertThat(message()).isEqualTo("Logged out: the token is gone from this tab.");

		browser.navigate().refresh();
		waitFor(() -> browser.findElement(By.id("login")).isDisplayed());
		assertThat(browser.findElement(By.id("inventory")).isDisplayed()).isFalse();
	}

	@Test
	void servesThePageWithAStrictPolicyAndNoInlineCodeAndNeverLetsAnAnswerBeCached() {
		HttpResponse<String> page = session.caller().send("GET", "/admin/ui/", null);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
		assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(AdminHeaders.CONTENT_SECURITY_POLICY);
		assertThat(page.headers().allValues("X-Content-Type-Options")).containsExactly("nosniff");
		assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(page.body()).contains("<script src=\"/admin/ui/inventory.js\" defer></script>")
			.doesNotContainPattern("<script(?![^>]*\\ssrc=)")
			.doesNotContainPattern("(?i)<style|\\sstyle=|\\son[a-z]+=|javascript:");
		assertThat(session.caller().send("GET", "/admin/ui", null).body()).isEqualTo(page.body());

		HttpResponse<String> js = session.caller().send("GET", "/admin/ui/inventory.js", null);
		assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript;charset=UTF-8");
		assertThat(js.body()).doesNotContainPattern("innerHTML|outerHTML|insertAdjacentHTML|document\\.write|eval\\(|"
				+ "new Function|localStorage|document\\.cookie");
		assertThat(session.caller().send("GET", "/admin/ui/inventory.css", null).headers().firstValue("Content-Type"))
			.hasValue("text/css;charset=UTF-8");

		HttpResponse<String> inventory = session.caller().send("GET", "/admin/v1/credentials", null, "X-Vault-Token",
				this.vault.rootToken());
		assertThat(inventory.statusCode()).isEqualTo(200);
		assertThat(inventory.headers().firstValue("Cache-Control")).hasValue("no-store");
		HttpResponse<String> refused = session.caller().send("GET", "/admin/v1/credentials", null);
		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(refused.headers().firstValue("Cache-Control")).hasValue("no-store");
	}

	@Test
	void answersOnlyItsOwnFilesAndOnlyToGet() {
		int before = twilio.requests().size();
		assertThat(session.caller().send("GET", "/admin/ui/application.properties", null).statusCode()).isEqualTo(404);
		assertThat(session.caller().send("GET", "/admin/ui/../ui/inventory.js", null).statusCode()).isBetween(400, 404);
		assertThat(session.caller().send("GET", "/admin/ui/%2e%2e/v1/credentials", null).statusCode()).isBetween(400, 404);
		HttpResponse<String> post = session.caller().send("POST", "/admin/ui/", "x", "Content-Type", "text/plain");
		assertThat(post.statusCode()).isIn(404, 405);
		assertThat(post.body()).doesNotContain("<html");
		assertThat(twilio.requests()).hasSize(before);
	}

	private String base() {
		return "http://127.0.0.1:" + this.port + InventoryPage.PAGE;
	}

	private void signIn(String token) {
		WebElement input = new WebDriverWait(browser, WAIT).until(d -> {
			WebElement field = d.findElement(By.id("token"));
			return field.isDisplayed() ? field : null;
		});
		input.sendKeys(token);
		browser.findElement(By.id("sign-in")).click();
	}

	/** @return the grid cell of an account and region (an entry's, or the empty one), once the grid shows it */
	private static WebElement cell(String account, String region) {
		By selector = By.cssSelector("#accounts td[data-account='" + account + "'][data-region='" + region + "']");
		return new WebDriverWait(browser, WAIT).until(d -> d.findElements(selector).stream().findFirst().orElse(null));
	}

	private static String field(WebElement cell, String name) {
		return cell.findElement(By.cssSelector("dd." + name)).getText();
	}

	private static List<String> problems(WebElement cell) {
		return cell.findElements(By.cssSelector(".problems li")).stream().map(WebElement::getText).toList();
	}

	private static void reVerify(String account, String region) {
		cell(account, region).findElement(By.className("reverify")).click();
	}

	private static String message() {
		return browser.findElement(By.id("message")).getText();
	}

	private static void waitFor(java.util.function.BooleanSupplier condition) {
		new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.ignoring(org.openqa.selenium.NoSuchElementException.class)
			.until(d -> condition.getAsBoolean());
	}

	/** Neither the Vault token nor any stored secret is in the DOM, the text, an input or the title. */
	private static void assertNoTokenInThePage(String token) {
		String dom = browser.getPageSource();
		Object inputs = script("return Array.from(document.querySelectorAll('input')).map(i => i.value).join('|')");
		Object text = script("return document.documentElement.innerText + '|' + document.title");
		for (String secret : session.secrets()) {
			assertThat(dom).doesNotContain(secret);
			assertThat(String.valueOf(text)).doesNotContain(secret);
		}
		assertThat(dom).doesNotContain(token);
		assertThat(String.valueOf(inputs)).doesNotContain(token);
		assertThat(String.valueOf(text)).doesNotContain(token);
	}

	/** Saves the whole page, from the top, as {@link #SCREENSHOT}. */
	private static void screenshot() throws IOException {
		script("window.scrollTo(0, 0)");
		Number height = (Number) script("return document.documentElement.scrollHeight");
		Dimension before = browser.manage().window().getSize();
		browser.manage().window().setSize(new Dimension(before.getWidth(), Math.min(height.intValue() + 150, 6000)));
		Files.createDirectories(SCREENSHOT.getParent());
		Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
		browser.manage().window().setSize(before);
		assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
	}

	private static Object script(String code) {
		return ((JavascriptExecutor) browser).executeScript(code);
	}

	private static List<String> browserLog() {
		return browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
	}

	/** @return a token with the seeding policy shipped in vault-policies/, rendered for this test's prefix */
	private String seederToken(String name) {
		String policy;
		try {
			policy = Files.readString(Path.of("vault-policies", "twilio-seeder.hcl"));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		String rendered = policy.replaceAll("(?m)^path \"twilio/(data|metadata)/", "path \"twilio/$1/" + PREFIX);
		String token = new SeedingVault(this.vault).token(name, rendered, name);
		session.secrets().add(token);
		return token;
	}

	private static String secret() {
		return session.token();
	}

}

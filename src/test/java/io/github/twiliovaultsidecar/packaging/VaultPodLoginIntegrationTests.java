package io.github.twiliovaultsidecar.packaging;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.twiliovaultsidecar.support.LocalJwks;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.SidecarProcess;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TokenReviewStandIn;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a pod of the chart logs in to Vault, without a cluster: a real Vault's {@code kubernetes} auth
 * method (checking tokens with a local TokenReview stand-in) and its {@code jwt} auth method (checking
 * them against a local JWKS, the "cluster's service-account issuer"), each set up exactly as
 * docs/kubernetes.md ("Vault set-up for pods") tells an operator, with the role bound to
 * vault-policies/twilio-signing-proxy.hcl. The sidecar runs in its own JVM with the environment of
 * the sidecar container the chart renders for examples/shared.yaml; only what points outside the
 * machine is replaced (Vault's and the JWKS's addresses), and the projected token volume the chart
 * asks the kubelet for is played by a file holding a token minted for that volume's audience and the
 * pod's service account. Token TTLs are short (10 s), so renewal and re-login happen within the test.
 */
@RealVault
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VaultPodLoginIntegrationTests {

	/** The release and namespace docs/kubernetes.md and vault-policies/README.md use. */
	static final String RELEASE = "twilio-sidecar";

	static final String NAMESPACE = "twilio";

	/** The service account the chart creates for that release. */
	static final String SERVICE_ACCOUNT = "twilio-sidecar-twilio-vault-sidecar";

	/** The operator's Vault set-up (docs/kubernetes.md). */
	static final String ROLE = "twilio-signing-proxy";

	static final String POLICY = "twilio-signing-proxy";

	static final String AUDIENCE = "vault";

	/** Short, so that the sidecar renews its token (5 s before expiry) during the test. */
	private static final String TOKEN_TTL = "10s";

	private static final Path CHART = Paths.get("helm", "twilio-vault-sidecar");

	private static final String CALLER = "system:serviceaccount:orders:orders";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private VaultServer vault;

	private LocalJwks jwks;

	private TokenReviewStandIn tokenReview;

	private TwilioStandIn twilio;

	private final List<SidecarProcess> sidecars = new ArrayList<>();

	@BeforeAll
	void start(VaultServer vault) throws Exception {
		this.vault = vault;
		this.jwks = LocalJwks.start();
		this.tokenReview = TokenReviewStandIn.start(this.jwks);
		this.twilio = TwilioStandIn.start();
		vault.enableKv2("twilio");
		vault.rootTemplate()
			.write("sys/policies/acl/" + POLICY,
					Map.of("policy", Files.readString(Paths.get("vault-policies", POLICY + ".hcl"))));
	}

	@AfterAll
	void stop() throws Exception {
		for (SidecarProcess sidecar : this.sidecars) {
			sidecar.close();
		}
		SidecarProcess.closeAll(this.twilio, this.tokenReview, this.jwks);
	}

	@ParameterizedTest(name = "{0} auth")
	@ValueSource(strings = { "kubernetes", "jwt" })
	void aPodLogsInServesRenewsItsTokenAndLogsInAgainAfterARevocation(String method, @TempDir Path kubelet)
			throws Exception {
		String mount = enableAuth(method);
		String account = TestSids.accountSid();
		String first = TestSids.authToken();
		storeToken(account, first);

		Pod pod = Pod.render(method, mount);
		assertThat(pod.serviceAccount()).isEqualTo(SERVICE_ACCOUNT);
		assertThat(pod.tokenAudience()).as("the projected token's audience, which the Vault role checks")
			.isEqualTo(AUDIENCE);
		String uid = UUID.randomUUID().toString();
		Path tokenFile = pod.mountToken(kubelet,
				this.jwks.serviceAccountToken(NAMESPACE, pod.serviceAccount(), uid, pod.tokenAudience()));

		SidecarProcess sidecar = startSidecar(pod, kubelet);
		Login login = awaitLogin(mount, null);
		assertThat(login.policies()).contains(POLICY);
		assertThat(login.ttlSeconds()).isLessThanOrEqualTo(10);
		if (method.equals("kubernetes")) {
			assertThat(this.tokenReview.reviews()).anySatisfy(review -> {
				assertThat(review.token()).isEqualTo(Files.readString(tokenFile));
				assertThat(review.audiences()).containsExactly(AUDIENCE);
				assertThat(review.authenticated()).isTrue();
			});
		}

		HttpResponse<String> sent = sendSms(sidecar, account);
		assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
		assertThat(lastBasicAuth(account)).containsExactly(account, first);

		// Renewal: Spring Cloud Vault renews 5 s before the 10 s TTL ends; the same token then outlives
		// its first expiry and keeps serving.
		poll(Duration.ofSeconds(20), "the sidecar renews its Vault token " + login.accessor(),
				() -> lookup(login.accessor()).map(l -> l.lastRenewal() != null).orElse(false));
		Thread.sleep(Math.max(0, Duration.between(java.time.Instant.now(), login.expiresAt()).toMillis() + 500));
		assertThat(lookup(login.accessor())).as("the renewed token is still valid after its first expiry")
			.isPresent();
		HttpResponse<String> afterRenewal = sendSms(sidecar, account);
		assertThat(afterRenewal.statusCode()).as(afterRenewal.body()).isEqualTo(201);

		// The kubelet rotates the projected token; then the Vault token is revoked and the credential
		// rotated in Vault. The sidecar logs in again (reading the token file anew) and signs with the
		// new credential.
		String rotatedJwt = this.jwks.serviceAccountToken(NAMESPACE, pod.serviceAccount(), uid, pod.tokenAudience());
		Files.writeString(tokenFile, rotatedJwt);
		assertThat(this.vault.http("POST", "auth/token/revoke-accessor",
				"{\"accessor\":\"" + login.accessor() + "\"}").statusCode()).isEqualTo(204);
		String second = TestSids.authToken();
		storeToken(account, second);
		this.twilio.authToken(account, "ie1", second);
		poll(Duration.ofSeconds(30), "the sidecar signs with the rotated credential after logging in again",
				() -> sendSms(sidecar, account).statusCode() == 201
						&& lastBasicAuth(account).equals(List.of(account, second)));
		Login again = awaitLogin(mount, login.accessor());
		assertThat(again.accessor()).isNotEqualTo(login.accessor());
		if (method.equals("kubernetes")) {
			assertThat(this.tokenReview.reviews()).anySatisfy(review -> {
				assertThat(review.token()).isEqualTo(rotatedJwt);
				assertThat(review.authenticated()).isTrue();
			});
		}
		assertThat(sidecar.log()).doesNotContain(first)
			.doesNotContain(second)
			.doesNotContain(rotatedJwt)
			.contains("Renewing token");
	}

	@ParameterizedTest(name = "{0} auth")
	@ValueSource(strings = { "kubernetes", "jwt" })
	void aTokenOfAnotherServiceAccountNamespaceOrAudienceGetsNoVaultToken(String method) throws Exception {
		String mount = enableAuth(method);
		String uid = UUID.randomUUID().toString();
		HttpResponse<String> control = login(mount, this.jwks.serviceAccountToken(NAMESPACE, SERVICE_ACCOUNT, uid, AUDIENCE));
		assertThat(control.statusCode()).as("the chart's own service account, as a control: " + control.body())
			.isEqualTo(200);

		Map<String, String> refused = new LinkedHashMap<>();
		refused.put("another service account",
				this.jwks.serviceAccountToken(NAMESPACE, "legacy-sms-twilio-vault-sidecar", uid, AUDIENCE));
		refused.put("another namespace", this.jwks.serviceAccountToken("orders", SERVICE_ACCOUNT, uid, AUDIENCE));
		refused.put("the API server's audience", this.jwks.serviceAccountToken(NAMESPACE, SERVICE_ACCOUNT, uid,
				TokenReviewStandIn.API_AUDIENCE));
		refused.put("a key the issuer does not publish",
				this.jwks.serviceAccountTokenSignedByAStranger(NAMESPACE, SERVICE_ACCOUNT, uid, AUDIENCE));
		for (Map.Entry<String, String> each : refused.entrySet()) {
			HttpResponse<String> response = login(mount, each.getValue());
			assertThat(response.statusCode()).as(each.getKey() + ": " + response.body()).isBetween(400, 403);
			assertThat(response.body()).as(each.getKey()).doesNotContain("client_token");
		}
	}

	// --- the operator's Vault set-up (docs/kubernetes.md, "Vault set-up for pods") ------------------

	/** @return the mount path of a new auth method of type {@code method}, set up as the docs say */
	private String enableAuth(String method) {
		String mount = method + "-" + TestSids.hex(8);
		this.vault.rootTemplate().write("sys/auth/" + mount, Map.of("type", method));
		String subject = "system:serviceaccount:" + NAMESPACE + ":" + SERVICE_ACCOUNT;
		if (method.equals("kubernetes")) {
			this.vault.rootTemplate()
				.write("auth/" + mount + "/config", Map.of("kubernetes_host", this.tokenReview.host(),
						"disable_local_ca_jwt", true, "token_reviewer_jwt", this.tokenReview.reviewerJwt()));
			this.vault.rootTemplate()
				.write("auth/" + mount + "/role/" + ROLE,
						Map.of("bound_service_account_names", SERVICE_ACCOUNT, "bound_service_account_namespaces",
								NAMESPACE, "audience", AUDIENCE, "token_policies", POLICY, "token_ttl", TOKEN_TTL,
								"token_max_ttl", "10m"));
		}
		else {
			this.vault.rootTemplate()
				.write("auth/" + mount + "/config",
						Map.of("jwks_url", this.jwks.jwkSetUri(), "bound_issuer", LocalJwks.ISSUER));
			this.vault.rootTemplate()
				.write("auth/" + mount + "/role/" + ROLE,
						Map.of("role_type", "jwt", "bound_audiences", AUDIENCE, "user_claim", "sub", "bound_subject",
								subject, "token_policies", POLICY, "token_ttl", TOKEN_TTL, "token_max_ttl", "10m"));
		}
		return mount;
	}

	// --- the pod ---------------------------------------------------------------------------------

	/** The sidecar container and pod spec the chart renders for examples/shared.yaml. */
	record Pod(PodSpec spec, Container sidecar) {

		static Pod render(String method, String mount) {
			RenderedChart chart = RenderedChart.parse(new Helm(CHART).template()
				.withName(RELEASE)
				.withNamespace(NAMESPACE)
				.withValuesFile(CHART.resolve("examples/shared.yaml"))
				.set("vault.auth.method", method)
				.set("vault.auth." + method + ".path", mount)
				.call());
			Deployment deployment = chart.one(Deployment.class);
			return new Pod(deployment.getSpec().getTemplate().getSpec(),
					RenderedChart.container(deployment, "twilio-vault-sidecar"));
		}

		String serviceAccount() {
			return this.spec.getServiceAccountName();
		}

		Map<String, String> env() {
			Map<String, String> env = new LinkedHashMap<>();
			for (EnvVar var : this.sidecar.getEnv()) {
				assertThat(var.getValueFrom()).as("%s comes from a Secret this test has no copy of", var.getName())
					.isNull();
				env.put(var.getName(), var.getValue());
			}
			return env;
		}

		String tokenFile() {
			return env().get("SPRING_CLOUD_VAULT_KUBERNETES_SERVICE_ACCOUNT_TOKEN_FILE");
		}

		/** @return the volume mount the token file is in */
		VolumeMount tokenMount() {
			String file = tokenFile();
			assertThat(file).as("the chart names the token file").isNotBlank();
			return this.sidecar.getVolumeMounts()
				.stream()
				.filter(m -> file.startsWith(m.getMountPath() + "/"))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no volume of the sidecar holds " + file));
		}

		ServiceAccountTokenProjection tokenProjection() {
			VolumeMount mount = tokenMount();
			Volume volume = this.spec.getVolumes()
				.stream()
				.filter(v -> v.getName().equals(mount.getName()))
				.findFirst()
				.orElseThrow();
			assertThat(volume.getProjected()).as("a projected service account token volume").isNotNull();
			return volume.getProjected()
				.getSources()
				.stream()
				.map(s -> s.getServiceAccountToken())
				.filter(java.util.Objects::nonNull)
				.filter(p -> tokenFile().equals(mount.getMountPath() + "/" + p.getPath()))
				.findFirst()
				.orElseThrow(() -> new AssertionError("the projected volume does not hold " + tokenFile()));
		}

		String tokenAudience() {
			return tokenProjection().getAudience();
		}

		/** Plays the kubelet: writes the projected token where the volume would be mounted. */
		Path mountToken(Path kubelet, String jwt) throws java.io.IOException {
			Path file = kubelet.resolve(tokenProjection().getPath());
			Files.writeString(file, jwt);
			return file;
		}

	}

	private SidecarProcess startSidecar(Pod pod, Path kubelet) throws Exception {
		Map<String, String> env = pod.env();
		// Only what points outside this machine changes.
		env.put("VAULT_ADDR", this.vault.address());
		env.put("SERVER_ADDRESS", "127.0.0.1");
		env.put("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI", this.jwks.jwkSetUri());
		env.put("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI", LocalJwks.ISSUER);
		env.put("SPRING_CLOUD_VAULT_KUBERNETES_SERVICE_ACCOUNT_TOKEN_FILE",
				kubelet.resolve(pod.tokenProjection().getPath()).toString());
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("sidecar.twilio.upstream-override", this.twilio.baseUrl());
		// Every request checks the credential's version in Vault, so each one needs a valid Vault token.
		properties.put("sidecar.vault.refresh-interval", "1s");
		properties.put("sidecar.security.callers[0].subject", CALLER);
		properties.put("sidecar.security.callers[0].accounts", "*");
		properties.put("sidecar.security.callers[0].regions", "*");
		properties.put("sidecar.security.callers[0].operations", "POST /2010-04-01/Accounts/*/Messages.json");
		SidecarProcess sidecar = SidecarProcess.start(List.of("-Xmx160m"), env, properties);
		this.sidecars.add(sidecar);
		return sidecar;
	}

	// --- Vault's view --------------------------------------------------------------------------

	/**
	 * A token Vault issued through an auth mount.
	 *
	 * @param accessor its accessor
	 * @param mount the auth mount it was issued through ({@code path} auth/&lt;mount&gt;/login)
	 * @param policies its policies
	 * @param ttlSeconds what was left of it when looked up
	 * @param expiresAt when it ends unless renewed
	 * @param lastRenewal when it was last renewed, or {@code null}
	 */
	record Login(String accessor, String mount, List<String> policies, long ttlSeconds, java.time.Instant expiresAt,
			Object lastRenewal) {

		@Override
		public String toString() {
			return "Login[" + this.accessor + "]";
		}

	}

	/** @return the (one) token issued through {@code auth/<mount>/login} other than {@code besides} */
	private Login awaitLogin(String mount, String besides) throws Exception {
		List<Login> found = new ArrayList<>();
		poll(Duration.ofSeconds(30), "a Vault token issued through auth/" + mount, () -> {
			found.clear();
			for (String accessor : this.vault.rootTemplate().list("auth/token/accessors")) {
				if (accessor.equals(besides)) {
					continue;
				}
				lookup(accessor).filter(l -> mount.equals(l.mount())).ifPresent(found::add);
			}
			return found.size() == 1;
		});
		return found.get(0);
	}

	@SuppressWarnings("unchecked")
	private Optional<Login> lookup(String accessor) {
		HttpResponse<String> response = this.vault.http("POST", "auth/token/lookup-accessor",
				"{\"accessor\":\"" + accessor + "\"}");
		if (response.statusCode() != 200) {
			return Optional.empty();
		}
		Map<String, Object> data = (Map<String, Object>) read(response.body()).get("data");
		String path = String.valueOf(data.get("path"));
		String mount = path.startsWith("auth/") && path.endsWith("/login")
				? path.substring("auth/".length(), path.length() - "/login".length()) : null;
		Object expire = data.get("expire_time");
		return Optional.of(new Login(accessor, mount, (List<String>) data.get("policies"),
				((Number) data.get("ttl")).longValue(),
				(expire == null) ? java.time.Instant.MAX : java.time.OffsetDateTime.parse(expire.toString()).toInstant(),
				data.get("last_renewal_time")));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> read(String json) {
		return tools.jackson.databind.json.JsonMapper.builder().build().readValue(json, Map.class);
	}

	private HttpResponse<String> login(String mount, String jwt) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(this.vault.address() + "/v1/auth/" + mount + "/login"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"" + ROLE + "\",\"jwt\":\"" + jwt + "\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	// --- helpers -----------------------------------------------------------------------------------

	private void storeToken(String account, String token) {
		HttpResponse<String> response = this.vault.http("POST", "twilio/data/" + account + "/ie1",
				"{\"data\":{\"auth_token\":\"" + token + "\",\"edge\":\"dublin\"}}");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		this.twilio.authToken(account, "ie1", token);
	}

	private HttpResponse<String> sendSms(SidecarProcess sidecar, String account) {
		// CapturingCaller writes Proxy-Authorization itself: the JDK client drops it without a proxy.
		return new io.github.twiliovaultsidecar.support.CapturingCaller(sidecar.baseUrl()).send("POST",
				"/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + account + "/Messages.json",
				"To=%2B15005550006&From=%2B15005550001&Body=hi", "Proxy-Authorization",
				"Bearer " + this.jwks.token(CALLER), "Content-Type", "application/x-www-form-urlencoded");
	}

	private List<String> lastBasicAuth(String account) {
		List<TwilioStandIn.Recorded> requests = this.twilio.requests(r -> r.path().contains(account));
		return requests.isEmpty() ? List.of() : requests.get(requests.size() - 1).basicAuth();
	}

	private static void poll(Duration timeout, String what, Supplier<Boolean> condition) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.get()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
			}
			Thread.sleep(250);
		}
	}

}

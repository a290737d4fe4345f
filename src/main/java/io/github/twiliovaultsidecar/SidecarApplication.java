package io.github.twiliovaultsidecar;

import io.netty.util.ResourceLeakDetector;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import io.github.twiliovaultsidecar.seeding.SeedingCli;

@SpringBootApplication
@ConfigurationPropertiesScan
public class SidecarApplication {

	/** Netty's property for its buffer leak detection ({@code disabled}, {@code simple}, {@code advanced}, {@code paranoid}). */
	static final String LEAK_DETECTION = "io.netty.leakDetection.level";

	/** The older spelling Netty still reads. */
	private static final String LEAK_DETECTION_LEGACY = "io.netty.leakDetectionLevel";

	/**
	 * Starts the service, or runs a seeding CLI command when the first argument names one
	 * ({@code seed}, {@code verify}, {@code inventory}, {@code sync-subaccounts}) and exits with its code.
	 */
	public static void main(String[] args) {
		leakDetectionOffUnlessSet();
		if (SeedingCli.handles(args)) {
			System.exit(SeedingCli.run(args, SidecarApplication.class));
		}
		SpringApplication.run(SidecarApplication.class, args);
	}

	/**
	 * Turns Netty's buffer leak detection off unless {@value #LEAK_DETECTION} is set: at Netty's
	 * default it records a stack trace for one buffer in 128, a cost every proxied request would pay
	 * in production. The tests run with it on, so a leak is still found there.
	 */
	static void leakDetectionOffUnlessSet() {
		if (System.getProperty(LEAK_DETECTION) == null && System.getProperty(LEAK_DETECTION_LEGACY) == null) {
			ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
		}
	}

}

package io.github.twiliovaultsidecar;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import io.github.twiliovaultsidecar.seeding.SeedingCli;

@SpringBootApplication
@ConfigurationPropertiesScan
public class SidecarApplication {

	/**
	 * Starts the service, or runs a seeding CLI command when the first argument names one
	 * ({@code seed}, {@code verify}, {@code inventory}, {@code sync-subaccounts}) and exits with its code.
	 */
	/** Reactor Netty's system property for the number of event loops. */
	private static final String IO_WORKERS = "reactor.netty.ioWorkerCount";

	public static void main(String[] args) {
		if (SeedingCli.handles(args)) {
			System.exit(SeedingCli.run(args, SidecarApplication.class));
		}
		if (System.getProperty(IO_WORKERS) == null) {
			// One event loop per available core (Reactor Netty's default is at least four): a sidecar
			// usually gets one or two cores, and extra loops only add thread switches per request.
			System.setProperty(IO_WORKERS, Integer.toString(Runtime.getRuntime().availableProcessors()));
		}
		SpringApplication.run(SidecarApplication.class, args);
	}

}

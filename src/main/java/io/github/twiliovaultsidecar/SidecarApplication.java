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
	public static void main(String[] args) {
		if (SeedingCli.handles(args)) {
			System.exit(SeedingCli.run(args, SidecarApplication.class));
		}
		SpringApplication.run(SidecarApplication.class, args);
	}

}

package io.github.twiliovaultsidecar.seeding;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sidecar.seeding.*}: how the inventory judges age and how subaccounts are listed.
 *
 * @param maxAge entries last written longer ago than this are reported by the inventory, default {@value #DEFAULT_MAX_AGE}
 * @param subaccountPageSize {@code PageSize} sent when listing subaccounts, 1 to 1000, default {@value #DEFAULT_PAGE_SIZE}
 */
@ConfigurationProperties("sidecar.seeding")
public record SeedingProperties(@DefaultValue(DEFAULT_MAX_AGE) Duration maxAge,
		@DefaultValue(DEFAULT_PAGE_SIZE) int subaccountPageSize) {

	public static final String DEFAULT_MAX_AGE = "90d";

	public static final String DEFAULT_PAGE_SIZE = "100";

	public SeedingProperties {
		if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
			throw new IllegalArgumentException("sidecar.seeding.max-age must be positive, got " + maxAge);
		}
		if (subaccountPageSize < 1 || subaccountPageSize > 1000) {
			throw new IllegalArgumentException(
					"sidecar.seeding.subaccount-page-size must be between 1 and 1000, got " + subaccountPageSize);
		}
	}

}

package io.github.twiliovaultsidecar.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class the run's shared real Vault ({@link VaultServer}), injectable as a
 * parameter. Without one, the tests fail under {@code CI=true} and are skipped elsewhere, both with
 * a message saying how to get one.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealVaultExtension.class)
public @interface RealVault {

}

package io.github.twiliovaultsidecar.support;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** The extension behind {@link RealVault}. */
final class RealVaultExtension implements BeforeAllCallback, ParameterResolver {

	@Override
	public void beforeAll(ExtensionContext context) {
		server();
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == VaultServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return server();
	}

	private static VaultServer server() {
		try {
			return VaultServer.shared();
		}
		catch (VaultServer.VaultUnavailableException ex) {
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				throw ex;
			}
			Assumptions.abort(ex.getMessage());
			throw ex;
		}
	}

}

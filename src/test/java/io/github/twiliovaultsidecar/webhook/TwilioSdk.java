package io.github.twiliovaultsidecar.webhook;

import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.util.Map;

import com.twilio.security.RequestValidator;

/**
 * The official Twilio Java SDK's {@link RequestValidator}, as the reference our validator is held
 * to. Its signing step is private, so it is reached by reflection: the signature it computes for a URL
 * and parameters is exactly what Twilio sends.
 */
final class TwilioSdk {

	private static final Method SIGN;

	static {
		try {
			SIGN = RequestValidator.class.getDeclaredMethod("getValidationSignature", String.class, Map.class);
			SIGN.setAccessible(true);
		}
		catch (NoSuchMethodException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private TwilioSdk() {
	}

	/** @return the SDK's signature of exactly this URL and these parameters */
	static String sign(String token, String url, Map<String, String> params) {
		try {
			return (String) SIGN.invoke(new RequestValidator(token), url, params);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** @return the SDK's verdict on a form webhook */
	static boolean validate(String token, String url, Map<String, String> params, String signature) {
		return new RequestValidator(token).validate(url, params, signature);
	}

	/** @return the SDK's verdict on a JSON webhook */
	static boolean validateBody(String token, String url, String body, String signature) {
		try {
			return new RequestValidator(token).validate(url, body, signature);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}

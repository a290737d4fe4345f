"use strict";
/**
 * An httpClient for the official Twilio Node.js SDK (twilio) that sends every request through
 * twilio-vault-sidecar. The SDK builds the regional URL as usual
 * (https://api.dublin.ie1.twilio.com/2010-04-01/…); this client sends it to
 * <sidecar>/api.dublin.ie1.twilio.com/2010-04-01/… instead, and the sidecar signs it with the regional
 * credential stored in Vault. The app never holds a token: the SDK is given PLACEHOLDER_TOKEN, which the
 * sidecar ignores and discards.
 *
 *   const twilio = require("twilio");
 *   const { SidecarRequestClient, PLACEHOLDER_TOKEN } = require("twilio-vault-sidecar-client");
 *   const client = twilio(accountSid, PLACEHOLDER_TOKEN, {
 *     region: "ie1", edge: "dublin",
 *     httpClient: new SidecarRequestClient(), // reads TWILIO_SIDECAR_URL
 *   });
 */
const { RequestClient } = require("twilio");

/** The environment variable naming the sidecar's base URL, e.g. http://127.0.0.1:8080. */
const SIDECAR_URL_VARIABLE = "TWILIO_SIDECAR_URL";

/** What to give the SDK as the Auth Token: the sidecar ignores it and signs with the stored one. */
const PLACEHOLDER_TOKEN = "placeholder-the-sidecar-signs";

/**
 * @param {string | undefined} value the sidecar's base URL as given
 * @returns {string} it without a trailing slash
 * @throws {Error} when it is missing, or not an http(s) URL with a host and without credentials, query or fragment
 */
function sidecarBaseUrl(value) {
  if (value === undefined || value === null || String(value).trim() === "") {
    throw new Error(
      `${SIDECAR_URL_VARIABLE} is not set: set it to the sidecar's base URL (e.g. http://127.0.0.1:8080) ` +
        "or pass { sidecarUrl } to new SidecarRequestClient()"
    );
  }
  const text = String(value).trim();
  let url;
  try {
    url = new URL(text);
  } catch (error) {
    throw new Error(`the sidecar's base URL is not a URL: ${text}`);
  }
  if (!["http:", "https:"].includes(url.protocol) || !url.hostname || url.search || url.hash || url.username || url.password) {
    throw new Error(
      `the sidecar's base URL must be http(s)://host[:port][/path], without credentials, query or fragment: ${text}`
    );
  }
  return (url.origin + url.pathname).replace(/\/+$/, "");
}

/**
 * @param {string} sidecar the sidecar's base URL, without a trailing slash
 * @param {string} twilioUri the URL the SDK built, e.g. https://api.dublin.ie1.twilio.com/2010-04-01/…?…
 * @returns {string} <sidecar>/<twilio host>/<path>?<query>
 */
function rewrite(sidecar, twilioUri) {
  const url = new URL(twilioUri);
  return `${sidecar}/${url.hostname}${url.pathname}${url.search}`;
}

/** twilio's RequestClient, addressing every request to the sidecar instead of Twilio. */
class SidecarRequestClient extends RequestClient {
  /**
   * @param {object} [opts] RequestClient's options (timeout, keepAlive, autoRetry, …), plus
   * @param {string} [opts.sidecarUrl] the sidecar's base URL; TWILIO_SIDECAR_URL when absent
   */
  constructor(opts = {}) {
    const { sidecarUrl, ...requestClientOptions } = opts;
    super(requestClientOptions);
    this.sidecarUrl = sidecarBaseUrl(sidecarUrl !== undefined ? sidecarUrl : process.env[SIDECAR_URL_VARIABLE]);
  }

  request(opts) {
    if (!opts || !opts.uri) {
      return super.request(opts);
    }
    return super.request({ ...opts, uri: rewrite(this.sidecarUrl, opts.uri) });
  }
}

module.exports = { SidecarRequestClient, PLACEHOLDER_TOKEN, SIDECAR_URL_VARIABLE, rewrite, sidecarBaseUrl };

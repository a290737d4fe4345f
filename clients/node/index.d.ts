import { RequestClient } from "twilio";

/** The environment variable naming the sidecar's base URL, e.g. http://127.0.0.1:8080. */
export declare const SIDECAR_URL_VARIABLE: "TWILIO_SIDECAR_URL";

/** What to give the SDK as the Auth Token: the sidecar ignores it and signs with the stored one. */
export declare const PLACEHOLDER_TOKEN: string;

/** twilio's RequestClient, addressing every request to the sidecar instead of Twilio. */
export declare class SidecarRequestClient extends RequestClient {
  /** The sidecar's base URL requests are sent to, without a trailing slash. */
  readonly sidecarUrl: string;
  constructor(opts?: ConstructorParameters<typeof RequestClient>[0] & { sidecarUrl?: string });
}

/** <sidecar>/<twilio host>/<path>?<query> for the URL the SDK built. */
export declare function rewrite(sidecar: string, twilioUri: string): string;

/** The sidecar's base URL without a trailing slash; throws when it is missing or not a plain http(s) URL. */
export declare function sidecarBaseUrl(value: string | undefined): string;

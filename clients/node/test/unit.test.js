"use strict";
// How the adapter readdresses the SDK's requests, without any server.
const test = require("node:test");
const assert = require("node:assert/strict");
const twilio = require("twilio");
const { SidecarRequestClient, PLACEHOLDER_TOKEN, rewrite, sidecarBaseUrl } = require("twilio-vault-sidecar-client");

const ACCOUNT = "AC0123456789abcdef0123456789abcdef";

test("rewrites the Twilio URL to the sidecar with the host as the first path segment", () => {
  assert.equal(
    rewrite("http://127.0.0.1:8080", `https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages.json?PageSize=2&Page=1`),
    `http://127.0.0.1:8080/api.dublin.ie1.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages.json?PageSize=2&Page=1`
  );
});

test("keeps a base path of the sidecar and drops trailing slashes", () => {
  assert.equal(sidecarBaseUrl("http://sidecar.local:8080/twilio/"), "http://sidecar.local:8080/twilio");
  assert.equal(sidecarBaseUrl(" http://127.0.0.1:8080// "), "http://127.0.0.1:8080");
});

test("refuses a base URL that is not a plain http URL, naming it", () => {
  for (const bad of ["127.0.0.1:8080", "ftp://127.0.0.1", "http://127.0.0.1:8080/?a=b", "http://user:pw@127.0.0.1", "http://127.0.0.1/#x", "not a url"]) {
    assert.throws(() => sidecarBaseUrl(bad), /sidecar's base URL/, bad);
  }
});

test("reads the base URL from TWILIO_SIDECAR_URL, and says which variable to set when it is missing", () => {
  const saved = process.env.TWILIO_SIDECAR_URL;
  try {
    process.env.TWILIO_SIDECAR_URL = "http://127.0.0.1:9000/";
    assert.equal(new SidecarRequestClient().sidecarUrl, "http://127.0.0.1:9000");
    assert.equal(new SidecarRequestClient({ sidecarUrl: "http://127.0.0.1:9001" }).sidecarUrl, "http://127.0.0.1:9001");
    delete process.env.TWILIO_SIDECAR_URL;
    assert.throws(() => new SidecarRequestClient(), /TWILIO_SIDECAR_URL is not set/);
  } finally {
    if (saved === undefined) delete process.env.TWILIO_SIDECAR_URL;
    else process.env.TWILIO_SIDECAR_URL = saved;
  }
});

test("is the SDK's own RequestClient, and hands it the rewritten URI with the SDK's auth and data", async () => {
  const client = new SidecarRequestClient({ sidecarUrl: "http://127.0.0.1:8080" });
  assert.ok(client instanceof twilio.RequestClient);
  let handed;
  // The SDK's RequestClient ends in its axios instance: capture what it would send instead.
  client.axios = async (options) => {
    handed = options;
    return { status: 201, data: { sid: "SM" + "0".repeat(32) }, headers: {} };
  };
  const sdk = twilio(ACCOUNT, PLACEHOLDER_TOKEN, { region: "ie1", edge: "dublin", httpClient: client });
  const message = await sdk.messages.create({ to: "+15005550006", from: "+15005550001", body: "Hello" });
  assert.equal(message.sid, "SM" + "0".repeat(32));
  assert.equal(handed.url, `http://127.0.0.1:8080/api.dublin.ie1.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages.json`);
  assert.equal(handed.method.toLowerCase(), "post");
  assert.equal(handed.headers.Authorization, "Basic " + Buffer.from(`${ACCOUNT}:${PLACEHOLDER_TOKEN}`).toString("base64"));
  assert.match(handed.data, /Body=Hello/);
});

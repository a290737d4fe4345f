"use strict";
// The official twilio package through a running sidecar, whose upstream is the Twilio stand-in.
// Run by the service's SdkAdaptersIntegrationTests, which starts both and sets:
//   TWILIO_SIDECAR_URL          the sidecar, e.g. http://127.0.0.1:8080
//   SIDECAR_TEST_ACCOUNT_SID    an account with us1, ie1 and au1 tokens stored, none for jp1
//   SIDECAR_TEST_TOKENS         {"us1": "...", "ie1": "...", "au1": "..."}: what the stand-in must receive
//   SIDECAR_TEST_ACCOUNTS       how many accounts the account sees (itself and its subaccounts)
//   SIDECAR_TEST_STANDIN_URL    the stand-in, whose /test-only/recorded lists what reached it
const test = require("node:test");
const assert = require("node:assert/strict");

function required(name) {
  const value = process.env[name];
  assert.ok(value, `${name} must be set: these tests run against a running sidecar (see SdkAdaptersIntegrationTests)`);
  return value;
}

const accountSid = required("SIDECAR_TEST_ACCOUNT_SID");
const tokens = JSON.parse(required("SIDECAR_TEST_TOKENS"));
const accountsSeen = Number(required("SIDECAR_TEST_ACCOUNTS"));
const standIn = required("SIDECAR_TEST_STANDIN_URL");
required("TWILIO_SIDECAR_URL");

async function reachedTwilio(filter) {
  const response = await fetch(`${standIn}/test-only/recorded`);
  assert.equal(response.status, 200);
  return (await response.json()).filter(filter);
}

// --- the snippet of docs/calling-twilio.md, as an app writes it ---
const twilio = require("twilio");
const { SidecarRequestClient, PLACEHOLDER_TOKEN } = require("twilio-vault-sidecar-client");

const us1 = twilio(accountSid, PLACEHOLDER_TOKEN, { httpClient: new SidecarRequestClient() });
const dublin = twilio(accountSid, PLACEHOLDER_TOKEN, {
  region: "ie1",
  edge: "dublin",
  httpClient: new SidecarRequestClient(), // reads TWILIO_SIDECAR_URL
});
// ---

const sydney = twilio(accountSid, PLACEHOLDER_TOKEN, { region: "au1", edge: "sydney", httpClient: new SidecarRequestClient() });
const tokyo = twilio(accountSid, PLACEHOLDER_TOKEN, { region: "jp1", edge: "tokyo", httpClient: new SidecarRequestClient() });

for (const [name, client, region, host] of [
  ["us1 (no region)", us1, "us1", "api.twilio.com"],
  ["ie1/dublin", dublin, "ie1", "api.dublin.ie1.twilio.com"],
  ["au1/sydney", sydney, "au1", "api.sydney.au1.twilio.com"],
]) {
  test(`creates a Message in ${name}, signed once with the ${region} token`, async () => {
    const body = `Hello from a new user, ${region}`;
    const message = await client.messages.create({ to: "+15005550006", from: "+15005550001", body });
    assert.match(message.sid, /^SM[0-9a-f]{32}$/);
    assert.equal(message.body, body);
    const seen = await reachedTwilio((r) => r.method === "POST" && r.path === `/2010-04-01/Accounts/${accountSid}/Messages.json`
      && r.host === host);
    assert.equal(seen.length, 1, JSON.stringify(seen));
    assert.equal(seen[0].user, accountSid);
    assert.equal(seen[0].secret, tokens[region]);
    assert.notEqual(seen[0].secret, PLACEHOLDER_TOKEN);
  });
}

test("fetches the Account with its token redacted", async () => {
  const account = await dublin.api.v2010.accounts(accountSid).fetch();
  assert.equal(account.sid, accountSid);
  assert.equal(account.authToken, "[redacted]");
  assert.equal(JSON.stringify(account.toJSON()).includes(tokens.ie1), false);
});

test("a Twilio 4xx surfaces as the SDK's RestException with Twilio's code", async () => {
  await assert.rejects(dublin.messages("SM" + "0".repeat(32)).fetch(), (error) => {
    assert.ok(error instanceof twilio.RestException, String(error));
    assert.equal(error.status, 404);
    assert.equal(error.code, 20404);
    assert.match(error.message, /not found/);
    return true;
  });
});

test("a sidecar problem (no credential for jp1) surfaces as a RestException with a readable message, and nothing reaches Twilio", async () => {
  await assert.rejects(tokyo.messages.create({ to: "+15005550006", from: "+15005550001", body: "never sent" }), (error) => {
    assert.ok(error instanceof twilio.RestException, String(error));
    assert.equal(error.status, 404);
    assert.equal(error.message, `No Twilio credential is stored at twilio/${accountSid}/jp1`);
    assert.equal(error.moreInfo, "docs/calling-twilio.md#credential-not-found");
    assert.equal(error.code, undefined);
    return true;
  });
  assert.deepEqual(await reachedTwilio((r) => r.host.includes("jp1") || r.body.includes("never sent")), []);
});

test("a paged list follows next_page_uri through the sidecar", async () => {
  const accounts = await us1.api.v2010.accounts.list({ pageSize: 1 });
  assert.equal(accounts.length, accountsSeen);
  assert.ok(accounts.every((account) => account.authToken === "[redacted]"));
  const pages = await reachedTwilio((r) => r.method === "GET" && r.path === "/2010-04-01/Accounts.json" && r.user === accountSid);
  assert.equal(pages.length, accountsSeen);
  assert.deepEqual(pages.map((r) => new URLSearchParams(r.query).get("Page") || "0"), [...Array(accountsSeen).keys()].map(String));
  assert.ok(pages.every((r) => r.secret === tokens.us1));
});

"""The official twilio package through a running sidecar, whose upstream is the Twilio stand-in.

Run by the service's SdkAdaptersIntegrationTests, which starts both and sets:
  TWILIO_SIDECAR_URL          the sidecar, e.g. http://127.0.0.1:8080
  SIDECAR_TEST_ACCOUNT_SID    an account with us1, ie1 and au1 tokens stored, none for jp1
  SIDECAR_TEST_TOKENS         {"us1": "...", "ie1": "...", "au1": "..."}: what the stand-in must receive
  SIDECAR_TEST_ACCOUNTS       how many accounts the account sees (itself and its subaccounts)
  SIDECAR_TEST_STANDIN_URL    the stand-in, whose /test-only/recorded lists what reached it
"""
import json
import os
import urllib.parse
import urllib.request

import pytest


def required(name):
    value = os.environ.get(name)
    assert value, f"{name} must be set: these tests run against a running sidecar (see SdkAdaptersIntegrationTests)"
    return value


account_sid = required("SIDECAR_TEST_ACCOUNT_SID")
tokens = json.loads(required("SIDECAR_TEST_TOKENS"))
accounts_seen = int(required("SIDECAR_TEST_ACCOUNTS"))
stand_in = required("SIDECAR_TEST_STANDIN_URL")
required("TWILIO_SIDECAR_URL")


def reached_twilio(keep):
    with urllib.request.urlopen(f"{stand_in}/test-only/recorded", timeout=10) as response:
        return [r for r in json.load(response) if keep(r)]


# --- the snippet of docs/calling-twilio.md, as an app writes it ---
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from twilio_vault_sidecar import PLACEHOLDER_TOKEN, SidecarHttpClient

us1 = Client(account_sid, PLACEHOLDER_TOKEN, http_client=SidecarHttpClient())
dublin = Client(account_sid, PLACEHOLDER_TOKEN, region="ie1", edge="dublin",
                http_client=SidecarHttpClient())  # reads TWILIO_SIDECAR_URL
# ---

sydney = Client(account_sid, PLACEHOLDER_TOKEN, region="au1", edge="sydney", http_client=SidecarHttpClient())
tokyo = Client(account_sid, PLACEHOLDER_TOKEN, region="jp1", edge="tokyo", http_client=SidecarHttpClient())


@pytest.mark.parametrize("client, region, host", [
    (us1, "us1", "api.twilio.com"),
    (dublin, "ie1", "api.dublin.ie1.twilio.com"),
    (sydney, "au1", "api.sydney.au1.twilio.com"),
], ids=["us1 (no region)", "ie1/dublin", "au1/sydney"])
def test_creates_a_message_signed_once_with_the_regional_token(client, region, host):
    body = f"Hello from a new user, {region}"
    message = client.messages.create(to="+15005550006", from_="+15005550001", body=body)
    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert message.body == body
    seen = reached_twilio(lambda r: r["method"] == "POST" and r["host"] == host
                          and r["path"] == f"/2010-04-01/Accounts/{account_sid}/Messages.json")
    assert len(seen) == 1, seen
    assert seen[0]["user"] == account_sid
    assert seen[0]["secret"] == tokens[region]
    assert seen[0]["secret"] != PLACEHOLDER_TOKEN


def test_fetches_the_account_with_its_token_redacted():
    account = dublin.api.v2010.accounts(account_sid).fetch()
    assert account.sid == account_sid
    assert account.auth_token == "[redacted]"
    assert tokens["ie1"] not in repr(account.__dict__)


def test_a_twilio_4xx_surfaces_as_the_sdks_exception_with_twilios_code():
    with pytest.raises(TwilioRestException) as raised:
        dublin.messages("SM" + "0" * 32).fetch()
    assert raised.value.status == 404
    assert raised.value.code == 20404
    assert "not found" in raised.value.msg


def test_a_sidecar_problem_surfaces_as_the_sdks_exception_with_a_readable_message_and_nothing_reaches_twilio():
    with pytest.raises(TwilioRestException) as raised:
        tokyo.messages.create(to="+15005550006", from_="+15005550001", body="never sent")
    assert raised.value.status == 404
    assert raised.value.msg == f"Unable to create record: No Twilio credential is stored at twilio/{account_sid}/jp1"
    assert reached_twilio(lambda r: "jp1" in r["host"] or "never sent" in r["body"]) == []


def test_a_paged_list_follows_next_page_uri_through_the_sidecar():
    accounts = us1.api.v2010.accounts.list(page_size=1)
    assert len(accounts) == accounts_seen
    assert all(account.auth_token == "[redacted]" for account in accounts)
    pages = reached_twilio(lambda r: r["method"] == "GET" and r["path"] == "/2010-04-01/Accounts.json"
                           and r["user"] == account_sid)
    assert len(pages) == accounts_seen
    assert [urllib.parse.parse_qs(r["query"] or "").get("Page", ["0"])[0] for r in pages] \
        == [str(page) for page in range(accounts_seen)]
    assert all(r["secret"] == tokens["us1"] for r in pages)

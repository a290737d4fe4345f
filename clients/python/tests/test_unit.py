"""How the adapter readdresses the SDK's requests, without any server."""
import base64

import pytest
import requests
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from twilio_vault_sidecar import PLACEHOLDER_TOKEN, SidecarHttpClient, rewrite, sidecar_base_url

ACCOUNT = "AC0123456789abcdef0123456789abcdef"


def test_rewrites_the_twilio_url_to_the_sidecar_with_the_host_as_the_first_path_segment():
    assert rewrite("http://127.0.0.1:8080",
                   f"https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json?PageSize=2&Page=1") \
        == f"http://127.0.0.1:8080/api.dublin.ie1.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json?PageSize=2&Page=1"


def test_keeps_a_base_path_of_the_sidecar_and_drops_trailing_slashes():
    assert sidecar_base_url("http://sidecar.local:8080/twilio/") == "http://sidecar.local:8080/twilio"
    assert sidecar_base_url(" http://127.0.0.1:8080// ") == "http://127.0.0.1:8080"


@pytest.mark.parametrize("bad", ["127.0.0.1:8080", "ftp://127.0.0.1", "http://127.0.0.1:8080/?a=b",
                                 "http://user:pw@127.0.0.1", "http://127.0.0.1/#x", "not a url"])
def test_refuses_a_base_url_that_is_not_a_plain_http_url_naming_it(bad):
    with pytest.raises(ValueError, match="sidecar's base URL"):
        SidecarHttpClient(sidecar_url=bad)


def test_reads_the_base_url_from_twilio_sidecar_url_and_says_which_variable_to_set(monkeypatch):
    monkeypatch.setenv("TWILIO_SIDECAR_URL", "http://127.0.0.1:9000/")
    assert SidecarHttpClient().sidecar_url == "http://127.0.0.1:9000"
    assert SidecarHttpClient(sidecar_url="http://127.0.0.1:9001").sidecar_url == "http://127.0.0.1:9001"
    monkeypatch.delenv("TWILIO_SIDECAR_URL")
    with pytest.raises(ValueError, match="TWILIO_SIDECAR_URL is not set"):
        SidecarHttpClient()


def test_is_the_sdks_own_client_and_sends_the_sdks_form_body_and_auth_to_the_regional_path():
    http_client = SidecarHttpClient(sidecar_url="http://127.0.0.1:8080")
    assert isinstance(http_client, TwilioHttpClient)
    sent = []

    def send(prepared, **kwargs):
        sent.append(prepared)
        response = requests.Response()
        response.status_code = 201
        response._content = ('{"sid": "SM' + "0" * 32 + '", "body": "Hello"}').encode()
        return response

    http_client.session.send = send
    client = Client(ACCOUNT, PLACEHOLDER_TOKEN, region="ie1", edge="dublin", http_client=http_client)
    message = client.messages.create(to="+15005550006", from_="+15005550001", body="Hello")
    assert message.sid == "SM" + "0" * 32
    assert len(sent) == 1
    assert sent[0].method == "POST"
    assert sent[0].url == f"http://127.0.0.1:8080/api.dublin.ie1.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert sent[0].headers["Authorization"] == "Basic " + base64.b64encode(
        f"{ACCOUNT}:{PLACEHOLDER_TOKEN}".encode()).decode()
    assert "Body=Hello" in sent[0].body


def test_the_sidecars_http_scheme_gets_the_sdks_connection_pool():
    http_client = SidecarHttpClient(sidecar_url="http://127.0.0.1:8080", max_retries=2)
    assert http_client.session.get_adapter("http://127.0.0.1:8080/") is http_client.session.get_adapter("https://x")
    assert repr(http_client) == "SidecarHttpClient('http://127.0.0.1:8080')"

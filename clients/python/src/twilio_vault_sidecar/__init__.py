"""An http_client for the official Twilio Python SDK that sends every request through twilio-vault-sidecar.

The SDK builds the regional URL as usual (``https://api.dublin.ie1.twilio.com/2010-04-01/...``); this
client sends it to ``<sidecar>/api.dublin.ie1.twilio.com/2010-04-01/...`` instead, and the sidecar signs
it with the regional credential stored in Vault. The app never holds a token: the SDK is given
``PLACEHOLDER_TOKEN``, which the sidecar ignores and discards::

    from twilio.rest import Client
    from twilio_vault_sidecar import PLACEHOLDER_TOKEN, SidecarHttpClient

    client = Client(account_sid, PLACEHOLDER_TOKEN, region="ie1", edge="dublin",
                    http_client=SidecarHttpClient())  # reads TWILIO_SIDECAR_URL
"""

import os
from typing import Optional
from urllib.parse import urlsplit

from twilio.http.http_client import TwilioHttpClient

__all__ = ["SidecarHttpClient", "PLACEHOLDER_TOKEN", "SIDECAR_URL_VARIABLE", "rewrite", "sidecar_base_url"]

#: The environment variable naming the sidecar's base URL, e.g. ``http://127.0.0.1:8080``.
SIDECAR_URL_VARIABLE = "TWILIO_SIDECAR_URL"

#: What to give the SDK as the Auth Token: the sidecar ignores it and signs with the stored one.
PLACEHOLDER_TOKEN = "placeholder-the-sidecar-signs"


def sidecar_base_url(value: Optional[str]) -> str:
    """Returns the sidecar's base URL without a trailing slash.

    :raises ValueError: when it is missing, or not an http(s) URL with a host and without credentials,
        query or fragment
    """
    if value is None or not str(value).strip():
        raise ValueError(
            f"{SIDECAR_URL_VARIABLE} is not set: set it to the sidecar's base URL (e.g. http://127.0.0.1:8080) "
            "or pass SidecarHttpClient(sidecar_url=...)"
        )
    text = str(value).strip()
    parts = urlsplit(text)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment
            or parts.username is not None or parts.password is not None):
        raise ValueError(
            "the sidecar's base URL must be http(s)://host[:port][/path], without credentials, query or "
            f"fragment: {text}"
        )
    return text.rstrip("/")


def rewrite(sidecar: str, twilio_url: str) -> str:
    """Returns ``<sidecar>/<twilio host>/<path>?<query>`` for the URL the SDK built."""
    parts = urlsplit(twilio_url)
    return f"{sidecar}/{parts.hostname}{parts.path}" + (f"?{parts.query}" if parts.query else "")


class SidecarHttpClient(TwilioHttpClient):
    """twilio's TwilioHttpClient, addressing every request to the sidecar instead of Twilio.

    :param sidecar_url: the sidecar's base URL; ``TWILIO_SIDECAR_URL`` when ``None``
    :param kwargs: TwilioHttpClient's own arguments (timeout, pool_connections, max_retries, ...)
    :raises ValueError: when the URL is missing or not a plain http(s) URL
    """

    def __init__(self, sidecar_url: Optional[str] = None, **kwargs):
        super().__init__(**kwargs)
        self.sidecar_url = sidecar_base_url(
            sidecar_url if sidecar_url is not None else os.environ.get(SIDECAR_URL_VARIABLE))
        if self.session is not None:
            # TwilioHttpClient sets up its pool (and max_retries) for https:// only; a sidecar is often http://.
            self.session.mount("http://", self.session.get_adapter("https://"))

    def request(self, method, url, *args, **kwargs):
        return super().request(method, rewrite(self.sidecar_url, url), *args, **kwargs)

    def __repr__(self) -> str:
        return f"SidecarHttpClient({self.sidecar_url!r})"

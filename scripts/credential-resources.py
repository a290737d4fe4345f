#!/usr/bin/env python3
"""Derives the table of Twilio resources whose answers carry a credential from Twilio's own
definitions: the generated models of the official Python SDK (one module per resource under
twilio/rest/, each with the fields its answers hold and the URIs it is served at).

    python3 scripts/credential-resources.py "$(python3 -c 'import twilio,os;print(os.path.dirname(twilio.__file__))')" \
        > src/main/resources/io/github/twiliovaultsidecar/proxy/credential-resources.tsv

Prints one row per URI: product (the host's first label), the path template, the credential
fields of the answer (comma-separated) and the module it came from. `make credential-resources`
runs it with the SDK version the tests use.
"""
import os
import re
import sys

# Answer fields that hold a credential of the account: its Auth Tokens, key and signing-key
# secrets, passwords of stored webhook credentials, any field named *_secret or *private_key;
# with them, the fields named after a credential write parameter (below).
CREDENTIAL_FIELDS = {"auth_token", "secondary_auth_token", "secret", "password", "private_key"}
CREDENTIAL_SUFFIXES = ("_secret", "_private_key")

# Resources whose credential-named fields are minted for the caller to hand on, not credentials
# of the account: Network Traversal tokens carry short-lived TURN passwords for browsers.
MINTED_FOR_CALLER = {"api/v2010/account/token.py"}

FIELD = re.compile(r'payload\.get\("([a-z0-9_]+)"\)')
# Write parameters that take a credential ("Secret": secret, "PrivateKey": private_key): a push
# credential's answer leaves them out today, but one that echoed them would carry them.
PARAMETER = re.compile(r'"([A-Z][A-Za-z0-9]*)": ([a-z0-9_]+),')
CREDENTIAL_PARAMETERS = {"AuthToken", "Secret", "PrivateKey", "ApiKey", "Password"}
URI = re.compile(r'self\._uri = "([^"]+)"')
DOMAIN = re.compile(r'super\(\).__init__\(twilio, "https://([a-z0-9-]+)\.twilio\.com"\)')
VERSION = re.compile(r'super\(\).__init__\(domain, "([^"]+)"\)')


def is_credential(field):
    return field in CREDENTIAL_FIELDS or field.endswith(CREDENTIAL_SUFFIXES)


def first_match(pattern, path):
    try:
        with open(path, encoding="utf-8") as source:
            found = pattern.search(source.read())
    except (FileNotFoundError, NotADirectoryError):
        return None
    return found.group(1) if found else None


def rows(package):
    rest = os.path.join(package, "rest")
    for domain in sorted(os.listdir(rest)):
        domain_dir = os.path.join(rest, domain)
        if not os.path.isdir(domain_dir) or domain.startswith("__"):
            continue
        bases = [f for f in os.listdir(domain_dir) if f.endswith("Base.py")]
        product = first_match(DOMAIN, os.path.join(domain_dir, bases[0])) if bases else None
        if product is None:
            continue
        for version_dir in sorted(os.listdir(domain_dir)):
            version = first_match(VERSION, os.path.join(domain_dir, version_dir, "__init__.py"))
            if version is None:
                continue
            for folder, _, files in sorted(os.walk(os.path.join(domain_dir, version_dir))):
                for name in sorted(files):
                    if not name.endswith(".py"):
                        continue
                    path = os.path.join(folder, name)
                    module = os.path.relpath(path, rest)
                    if module in MINTED_FOR_CALLER:
                        continue
                    with open(path, encoding="utf-8") as source:
                        text = source.read()
                    fields = {f for f in FIELD.findall(text) if is_credential(f)}
                    fields |= {name for key, name in PARAMETER.findall(text) if key in CREDENTIAL_PARAMETERS}
                    fields = sorted(fields)
                    if not fields:
                        continue
                    for uri in sorted(set(URI.findall(text))):
                        yield product, "/" + version + uri, ",".join(fields), module


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: credential-resources.py TWILIO_PACKAGE_DIR")
    package = sys.argv[1]
    version = first_match(re.compile(r'__version_info__ = \(([^)]*)\)'), os.path.join(package, "__init__.py"))
    version = ".".join(p.strip().strip('"\'') for p in version.split(",")) if version else "unknown"
    print("# Twilio resources whose answers carry a credential; derived from twilio-python " + version
          + " by scripts/credential-resources.py (do not edit by hand)")
    print("# product\tpath\tfields\tmodule")
    for row in rows(package):
        print("\t".join(row))


if __name__ == "__main__":
    main()

# twilio-auditor: security and platform reviewers, and the sidecar's inventory when it runs with a
# reviewer's token. They see which accounts and regions have credentials, each entry's versions and
# dates, and the custom metadata the sidecar wrote (who seeded it, when it was verified, its
# fingerprint). They never see a secret value and can change nothing.
#
# Written for mount `twilio` with no prefix; see vault-policies/README.md to render it for another
# mount or prefix.

path "twilio/metadata/+/+" {
  capabilities = ["read"]
}

path "twilio/metadata/*" {
  capabilities = ["list"]
}

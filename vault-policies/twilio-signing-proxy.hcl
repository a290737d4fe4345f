# twilio-signing-proxy: the token the sidecar itself runs with (shared or local mode), whether it
# logs in with the Kubernetes auth method, AppRole or a plain token.
#
# It reads regional credentials to sign Twilio calls, reads their metadata to notice new versions
# without a restart (the cache checks `current_version`), and lists accounts and regions for the
# inventory. It can write, patch or delete nothing.
#
# Written for mount `twilio` with no prefix; see vault-policies/README.md to render it for another
# mount or prefix.

path "twilio/data/+/+" {
  capabilities = ["read"]
}

path "twilio/metadata/+/+" {
  capabilities = ["read"]
}

path "twilio/metadata/*" {
  capabilities = ["list"]
}

# twilio-credential-verifier: added to the sidecar's own token (next to twilio-signing-proxy) where
# background re-verification runs (sidecar.verification.interval, on by default).
#
# It reads and writes, with check-and-set, the one lease entry that lets a single replica at a time run
# the verification (it holds a replica's name and two times, never a secret), and patches the custom
# metadata of credential entries to record each check (verification_outcome, verification_checked_at,
# and on success verified_at and fingerprint). A PATCH merges into the existing custom metadata, so
# `source` and `seeded_by` stay; only `custom_metadata` may be sent, so it cannot change an entry's
# max_versions, cas_required or delete_version_after, and it can read, write or delete no secret data.
# Without this policy the sidecar still serves, but no replica verifies in the background.
#
# Written for mount `twilio` with no prefix and the default lease name; see vault-policies/README.md
# to render it for another mount or prefix.

path "twilio/data/sidecar-verification-lease" {
  capabilities = ["read", "create", "update"]
}

path "twilio/metadata/+/+" {
  capabilities = ["patch"]
  allowed_parameters = {
    "custom_metadata" = []
  }
}

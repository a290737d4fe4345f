# twilio-seeder: people (and their CI jobs) who put regional credentials into Vault, in the Vault UI,
# through the sidecar's admin API or its CLI. The sidecar writes with the person's own token, so Vault
# decides what they may do and its audit log records who did it.
#
# Write-only seeding: a seeder creates a secret or writes a new version of it (with or without
# check-and-set), writes its custom metadata (source, seeded_by, verified_at, fingerprint), and
# browses the tree (list and read metadata: versions and dates, never values) as the Vault UI does.
# A seeder never reads secret data back, and cannot delete, undelete or destroy versions.
#
# Written for mount `twilio` with no prefix; see vault-policies/README.md to render it for another
# mount or prefix.

path "twilio/data/+/+" {
  capabilities = ["create", "update"]
}

path "twilio/metadata/+/+" {
  capabilities = ["create", "update", "read"]
}

path "twilio/metadata/*" {
  capabilities = ["list"]
}

# The sidecar records the writer's Vault display name as `seeded_by`.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

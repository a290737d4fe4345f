package io.github.twiliovaultsidecar.seeding;

/**
 * The answer of {@code POST /admin/v1/credentials/{account}/{region}/verification}. Holds no secret.
 *
 * @param path the Vault path as people see it
 * @param account the Account SID
 * @param region the region code
 * @param verification the outcome of the check
 */
record VerificationReport(String path, String account, String region, Verification verification) {
}

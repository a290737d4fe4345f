/** Seeding: the admin API and CLI that verify and store regional credentials, subaccount sync and the inventory. */
package io.github.twiliovaultsidecar.seeding;

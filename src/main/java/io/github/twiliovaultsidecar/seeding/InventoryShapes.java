package io.github.twiliovaultsidecar.seeding;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.github.twiliovaultsidecar.store.CredentialEntries;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.StoredPath;

/**
 * Adds each inventory entry's kind and edge, read with the service's own token (the token the proxy
 * reads with, as the inventory's data checks are). Only which keys an entry holds and its edge come
 * out, never a value.
 */
final class InventoryShapes {

	private final CredentialStore serviceStore;

	InventoryShapes(CredentialStore serviceStore) {
		this.serviceStore = serviceStore;
	}

	/**
	 * @param inventory an inventory the caller's token was allowed to list
	 * @return the same entries with {@code kind} and {@code edge}; an entry whose data cannot be read or
	 * is unusable keeps both {@code null} (its problems say why)
	 */
	Mono<Inventory> add(Inventory inventory) {
		return Mono.fromCallable(() -> {
			List<Inventory.Entry> entries = inventory.entries().stream().map(this::withShape).toList();
			return new Inventory(inventory.mount(), inventory.count(), inventory.withProblems(), entries);
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private Inventory.Entry withShape(Inventory.Entry entry) {
		Optional<CredentialEntries.Shape> shape = this.serviceStore
			.storedData(new StoredPath(entry.account(), entry.region()))
			.flatMap(CredentialEntries::shape);
		return entry.withShape(shape.map(s -> s.kind().name().toLowerCase(Locale.ROOT)).orElse(null),
				shape.flatMap(CredentialEntries.Shape::edge).map(Object::toString).orElse(null));
	}

}

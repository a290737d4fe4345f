package io.github.twiliovaultsidecar.packaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** What {@code helm template} printed, read into fabric8 Kubernetes objects. */
record RenderedChart(String yaml, List<HasMetadata> resources) {

	private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

	private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

	static RenderedChart parse(String yaml) {
		List<HasMetadata> resources = new ArrayList<>();
		for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
			boolean onlyComments = document.lines().map(String::trim).allMatch(l -> l.isEmpty() || l.startsWith("#"));
			if (!onlyComments) {
				resources.add(SERIALIZATION.unmarshal(document));
			}
		}
		return new RenderedChart(yaml, List.copyOf(resources));
	}

	<T extends HasMetadata> List<T> all(Class<T> type) {
		return this.resources.stream().filter(type::isInstance).map(type::cast).toList();
	}

	<T extends HasMetadata> T one(Class<T> type) {
		List<T> found = all(type);
		if (found.size() != 1) {
			throw new AssertionError("expected one " + type.getSimpleName() + " in the rendered chart, found "
					+ found.size() + ":\n" + this.yaml);
		}
		return found.get(0);
	}

	Optional<HasMetadata> kind(String kind) {
		return this.resources.stream().filter(r -> kind.equals(r.getKind())).findFirst();
	}

	List<String> kinds() {
		return this.resources.stream().map(HasMetadata::getKind).sorted().toList();
	}

	static Container container(Deployment deployment, String name) {
		return deployment.getSpec()
			.getTemplate()
			.getSpec()
			.getContainers()
			.stream()
			.filter(c -> c.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no container " + name + " in " + deployment.getMetadata().getName()));
	}

	static Optional<String> env(Container container, String name) {
		return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().map(e -> e.getValue());
	}

}

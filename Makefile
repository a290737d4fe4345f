# twilio-vault-sidecar: `make help` lists the targets.
SHELL := bash
.DEFAULT_GOAL := help

VAULT_VERSION ?= 1.21.1
SIDECAR_TOOL_CACHE ?= $(HOME)/.cache/twilio-vault-sidecar
VAULT_BIN := $(SIDECAR_TOOL_CACHE)/vault-$(VAULT_VERSION)/vault
MVN ?= mvn -B -ntp
export SIDECAR_TOOL_CACHE

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: vault
vault: ## Make a Vault server available for tests and `make run` (builds Vault $(VAULT_VERSION) into the tool cache if none is)
	@scripts/ensure-vault.sh "$(VAULT_BIN)"

# The official Twilio SDKs the adapter tests run (clients/): twilio-node from clients/node's lock file,
# twilio-python and pytest in a virtual environment in the tool cache, one per requirements file.
NODE_SDK := clients/node/node_modules/.installed
PYTHON_SDK_VENV := $(SIDECAR_TOOL_CACHE)/python-sdks-$(shell sha256sum clients/python/requirements-test.txt | cut -c1-12)
PYTHON_SDK := $(PYTHON_SDK_VENV)/bin/python

.PHONY: sdks
sdks: $(NODE_SDK) $(PYTHON_SDK_VENV)/.installed ## Install the official Twilio SDKs the adapter tests use (kept until their pins change)

$(NODE_SDK): clients/node/package.json clients/node/package-lock.json
	cd clients/node && npm ci --no-audit --no-fund
	@touch $@

# No file prerequisite: the directory is named by the requirements' hash, and a fresh clone's newer
# files must not rebuild a virtual environment that is already there.
$(PYTHON_SDK_VENV)/.installed:
	rm -rf "$(PYTHON_SDK_VENV)"
	python3 -m venv "$(PYTHON_SDK_VENV)"
	"$(PYTHON_SDK)" -m pip install -q -r clients/python/requirements-test.txt
	@touch $@

# clients/java: the service's tests depend on it, so every target that compiles them installs it first
# into the local Maven repository (it is not a module of a reactor build yet: this pom is the service).
JAVA_CLIENT := clients/java/target/.installed

$(JAVA_CLIENT): clients/java/pom.xml $(shell find clients/java/src/main -type f)
	$(MVN) -q -f clients/java install -DskipTests
	@touch $@

.PHONY: kubernetes-validate
kubernetes-validate: ## Install the offline Kubernetes schema validator the chart tests use into the tool cache (reused when present)
	@tools/kubernetes-validate/ensure.sh >/dev/null

.PHONY: promtool
promtool: ## Build Prometheus's promtool (rule checks and rule unit tests) into the tool cache (reused when present)
	@tools/promtool/ensure.sh >/dev/null

.PHONY: chromium
chromium: ## Install Debian's chromium and chromium-driver for the inventory page's browser tests (a no-op when both are there)
	@scripts/ensure-chromium.sh

.PHONY: test
test: vault sdks kubernetes-validate promtool chromium ## Run every test (unit tests, integration tests against a real Vault, the SDK adapters' tests)
	$(MVN) -f clients/java install
	@touch $(JAVA_CLIENT)
	$(MVN) -Dsidecar.test.vault-version=$(VAULT_VERSION) -Dsidecar.test.node=node -Dsidecar.test.python="$(PYTHON_SDK)" verify

.PHONY: run
run: vault $(JAVA_CLIENT) ## Start a local Vault dev server, seed a demo account, run the service on 127.0.0.1:8080
	@scripts/run-local.sh "$(VAULT_BIN)"

.PHONY: tour
tour: vault $(JAVA_CLIENT) ## The README's tour, offline: Vault dev + a local Twilio stand-in + the service pointed at it
	@scripts/tour.sh "$(VAULT_BIN)"

.PHONY: build
build: $(JAVA_CLIENT) ## Build the service jar without running tests
	$(MVN) -DskipTests package

MOUNT ?= twilio
PREFIX ?=
ACCOUNT ?=
IMAGE ?= twilio-vault-sidecar:dev

.PHONY: policies
policies: ## Render vault-policies/ for MOUNT (default twilio), PREFIX and ACCOUNT into target/vault-policies/
	@vault-policies/render.sh target/vault-policies "$(MOUNT)" "$(PREFIX)" "$(ACCOUNT)"

.PHONY: image
image: $(JAVA_CLIENT) ## Build the container image $(IMAGE) from the jar (needs a running Docker engine)
	@if ! docker info >/dev/null 2>&1; then \
	  echo "make image: no Docker engine answers 'docker info' here, so no image can be built on this machine." >&2; \
	  echo "Run 'make image' where a Docker engine runs; 'make build' still builds the jar the image wraps." >&2; \
	  exit 1; \
	fi
	$(MVN) -DskipTests package
	docker build -t "$(IMAGE)" .

.PHONY: seed
seed: $(JAVA_CLIENT) ## Verify and store a regional token with your VAULT_TOKEN: make seed ACCOUNT=AC… REGION=ie1 [EDGE=dublin]
	@if [ -z "$(ACCOUNT)" ] || [ -z "$(REGION)" ]; then echo "usage: make seed ACCOUNT=AC… REGION=ie1 [EDGE=dublin]" >&2; exit 2; fi
	@jar=$$(ls target/twilio-vault-sidecar-*.jar 2>/dev/null | grep -v '\.original$$' | head -1); \
	if [ -z "$$jar" ]; then $(MVN) -q -DskipTests package >&2 && jar=$$(ls target/twilio-vault-sidecar-*.jar | grep -v '\.original$$' | head -1); fi; \
	java -jar "$$jar" seed --account "$(ACCOUNT)" --region "$(REGION)" $(if $(EDGE),--edge "$(EDGE)")

.PHONY: credential-resources
credential-resources: $(PYTHON_SDK_VENV)/.installed ## Derive the table of credential-bearing Twilio resources from the Python SDK's models
	"$(PYTHON_SDK)" scripts/credential-resources.py "$$("$(PYTHON_SDK)" -c 'import os, twilio; print(os.path.dirname(twilio.__file__))')" \
	  > src/main/resources/io/github/twiliovaultsidecar/proxy/credential-resources.tsv

.PHONY: bench
bench: $(JAVA_CLIENT) ## Benchmark on 127.0.0.1: sidecar vs nginx vs direct (throughput, latency, CPU, RSS, start-up)
	@scripts/bench.sh

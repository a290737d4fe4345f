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

.PHONY: test
test: vault ## Run every test (unit tests, and integration tests against a real Vault)
	$(MVN) -Dsidecar.test.vault-version=$(VAULT_VERSION) verify

.PHONY: run
run: vault ## Start a local Vault dev server, seed a demo account, run the service on 127.0.0.1:8080
	@scripts/run-local.sh "$(VAULT_BIN)"

.PHONY: build
build: ## Build the service jar without running tests
	$(MVN) -DskipTests package

.PHONY: bench
bench: ## Benchmark on 127.0.0.1: sidecar vs nginx vs direct (throughput, latency, CPU, RSS, start-up)
	@scripts/bench.sh

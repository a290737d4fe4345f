// Command vault builds the pinned HashiCorp Vault release from its Go module so that the
// project's tests and `make run` have a real Vault server on machines without Docker.
// It adds nothing to Vault: it calls Vault's own command entry point.
package main

import (
	"os"

	"github.com/hashicorp/vault/command"
)

func main() {
	os.Exit(command.Run(os.Args[1:]))
}

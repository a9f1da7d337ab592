package config

import "github.com/forkreview/forkreview/review"

// GethModule is go-ethereum's module path: a fork that keeps it (as op-geth does) gets the
// geth preset without a configuration file.
const GethModule = "github.com/ethereum/go-ethereum"

// GethURL is go-ethereum's upstream address.
const GethURL = "https://github.com/ethereum/go-ethereum"

// preset is a built-in set of defaults; the configuration's lists add to it.
type preset struct {
	Name           string
	ConsensusPaths []string
	HardforkPaths  []string
	HardforkNames  []string
	Ignore         []string
	Trivial        []string
	SecurityWords  []string
	SubjectPattern string
	UpstreamURL    string
}

// gethPreset is what the team of any go-ethereum fork knows about upstream. The consensus
// paths are the code that decides whether a block is valid and what state it leads to: rules
// (consensus/, params/ fork and protocol parameters), execution (core/vm, the state
// transition and processor), state and its commitment (core/state, trie, triedb), block and
// transaction encoding (core/types, rlp) and the cryptography precompiles call. params/version.go
// is left out on purpose: every release touches it.
var gethPreset = preset{
	Name: PresetGeth,
	ConsensusPaths: []string{
		"consensus/**",
		"core/vm/**",
		"core/state/**",
		"core/types/**",
		"core/state_transition.go",
		"core/state_processor.go",
		"core/block_validator.go",
		"core/genesis.go",
		"core/evm.go",
		"core/forkid/**",
		"params/config.go",
		"params/protocol_params.go",
		"params/forks/**",
		"params/dao.go",
		"params/verkle_params.go",
		"trie/**",
		"triedb/**",
		"rlp/**",
		"crypto/bn256/**",
		"crypto/bls12381/**",
		"crypto/blake2b/**",
		"crypto/kzg4844/**",
		"crypto/secp256k1/**",
		"crypto/secp256r1/**",
		"crypto/signature_*.go",
		"crypto/crypto.go",
	},
	// Where network upgrades are defined and switched on: the chain config's fork gates and
	// fork list, protocol parameters, the EVM's per-fork jump tables and EIP activations, the
	// precompile sets, gas tables, per-fork header rules (consensus/misc/eip*), and the fork ID.
	HardforkPaths: []string{
		"params/config.go",
		"params/protocol_params.go",
		"params/forks/**",
		"core/vm/jump_table*.go",
		"core/vm/eips.go",
		"core/vm/contracts.go",
		"core/vm/gas_table.go",
		"core/vm/operations_acl.go",
		"core/vm/operations_verkle.go",
		"consensus/misc/eip*/**",
		"core/forkid/forkid.go",
	},
	// go-ethereum's fork names (params/forks), oldest first, and the upgrades it has begun.
	HardforkNames: []string{
		"Frontier", "Homestead", "DAO", "Tangerine Whistle", "Spurious Dragon", "Byzantium",
		"Constantinople", "Petersburg", "Istanbul", "Muir Glacier", "Berlin", "London",
		"Arrow Glacier", "Gray Glacier", "Paris", "Shanghai", "Cancun", "Prague", "Osaka",
		"BPO1", "BPO2", "BPO3", "BPO4", "BPO5", "Amsterdam", "Verkle",
	},
	Trivial: []string{"go.sum"},
	// The built-in words, and the ways go-ethereum's commits describe a DoS or consensus bug.
	SecurityWords: append(append([]string(nil), review.DefaultSecurityWords...),
		"out of bounds", "out-of-bounds", "nil pointer", "nil-pointer", "underflow", "oom",
		"memory exhaustion", "infinite loop", "consensus issue", "consensus bug", "chain split",
		"bypass", "dereference"),
	// "core/vm, params: text (#30078)", and "all: text".
	SubjectPattern: `^(?:(?P<area>[A-Za-z0-9_.*{}/-]+(?:, ?[A-Za-z0-9_.*{}/-]+)*): )?.*?(?: \(#(?P<pr>[0-9]+)\))?$`,
	UpstreamURL:    GethURL,
}

// presets are the built-in presets by name.
var presets = map[string]*preset{PresetGeth: &gethPreset}

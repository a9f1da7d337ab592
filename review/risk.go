// Package review is forkreview's domain: upstream commits, their risk against the fork's own
// changes (../shared/docs/risk-model.md), tags, reasons, and the review state that people write.
// It is pure: data in, data out. It knows nothing of go-git, terminals or the clock.
package review

import (
	"fmt"
	"strings"
)

// Risk is the level of risk-model.md. The zero value is RiskNone.
type Risk int

// Risk levels, ordered by severity (see Severity). Applied is the first level the classifier
// tries, but it needs no work from the reviewer, so it sorts below none.
const (
	RiskApplied Risk = iota - 1
	RiskNone
	RiskLow
	RiskMedium
	RiskHigh
	RiskConflict
)

// Risks lists every level in the order of risk-model.md's table (highest first, applied first).
var Risks = []Risk{RiskApplied, RiskConflict, RiskHigh, RiskMedium, RiskLow, RiskNone}

var riskNames = map[Risk]string{
	RiskApplied:  "applied",
	RiskConflict: "conflict",
	RiskHigh:     "high",
	RiskMedium:   "medium",
	RiskLow:      "low",
	RiskNone:     "none",
}

func (r Risk) String() string {
	if s, ok := riskNames[r]; ok {
		return s
	}
	return fmt.Sprintf("risk(%d)", int(r))
}

// AtLeast reports whether r is as severe as min or more: conflict > high > medium > low > none >
// applied. It is what --min-risk and --fail-on compare with.
func (r Risk) AtLeast(min Risk) bool { return r >= min }

// ParseRisk reads a level by its name in risk-model.md.
func ParseRisk(s string) (Risk, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for r, name := range riskNames {
		if name == s {
			return r, nil
		}
	}
	return RiskNone, fmt.Errorf("unknown risk %q: use one of applied, conflict, high, medium, low, none", s)
}

func (r Risk) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

func (r *Risk) UnmarshalText(b []byte) error {
	v, err := ParseRisk(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// FileStatus is how a commit changed a file.
type FileStatus string

const (
	StatusAdded    FileStatus = "added"
	StatusModified FileStatus = "modified"
	StatusDeleted  FileStatus = "deleted"
	StatusRenamed  FileStatus = "renamed"
)

// Overlap says how one changed file of an upstream commit meets the fork's changes.
type Overlap string

const (
	OverlapConflict    Overlap = "conflict"
	OverlapDeclaration Overlap = "declaration"
	OverlapFile        Overlap = "file"
	OverlapPackage     Overlap = "package"
	OverlapNone        Overlap = "none"
)

// Rank orders overlaps from none (0) to conflict (4).
func (o Overlap) Rank() int {
	switch o {
	case OverlapConflict:
		return 4
	case OverlapDeclaration:
		return 3
	case OverlapFile:
		return 2
	case OverlapPackage:
		return 1
	}
	return 0
}

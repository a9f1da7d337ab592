package review

// PRInfo is what GitHub says of a commit's upstream pull request (Commit.UpstreamPR), when
// forkreview could ask: a token was given and the upstream is on GitHub. It is informative only;
// the classification never depends on it. An addition to schema version 1.
type PRInfo struct {
	Title  string   `json:"title"`
	Labels []string `json:"labels,omitempty"`
	// LinkedIssues are the upstream issues the pull request closes ("fixes #123" in its body).
	LinkedIssues []int  `json:"linked_issues,omitempty"`
	URL          string `json:"url"`
	// State is "open", "closed" or "merged".
	State string `json:"state"`
	// MergedAt is RFC 3339 in UTC, "" when the pull request was not merged.
	MergedAt string `json:"merged_at,omitempty"`
}

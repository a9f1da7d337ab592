package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/forkreview/forkreview/config"
	"github.com/forkreview/forkreview/gitops"
)

type initOptions struct {
	Repo   string
	Output string
	Force  bool
}

func newInitCmd(ios *ioStreams) *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter .forkreview.yaml for this fork",
		Long: `Look at the repository (is it go-ethereum, does it keep a forkdiff fork.yaml, which remote is
upstream) and write a commented starter configuration at its root.`,
		Example: `  forkreview init
  forkreview init -o -        # print it instead`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			repo, err := gitops.Open(o.Repo)
			if err != nil {
				return err
			}
			info := config.RepoInfo{Remotes: repo.Remotes()}
			if head, err := repo.Resolve("HEAD"); err == nil {
				info.ModulePath = repo.ModulePath(head)
				if b, err := repo.FileAt(head, config.DefaultForkDiff); err == nil {
					info.ForkYAML = b
				}
			}
			if t, err := repo.LatestTag(config.DefaultTagPattern); err == nil {
				info.UpstreamModulePath = repo.ModulePath(t.Commit) // the newest release's
			}
			_, info.HasUpstreamRemote = info.Remotes[config.DefaultRemote]
			text := config.Starter(info)
			if o.Output == "-" {
				_, err := ios.Out.Write(text)
				return err
			}
			path := o.Output
			if path == "" {
				path = filepath.Join(repo.Root, config.FileName)
			}
			if _, err := os.Stat(path); err == nil && !o.Force {
				return fmt.Errorf("%s exists: pass --force to overwrite it, or -o - to print the starter", path)
			} else if err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			if err := os.WriteFile(path, text, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(ios.Out, "wrote %s: review it, then commit it\n", path)
			return nil
		},
	}
	cmd.Flags().StringVar(&o.Repo, "repo", ".", "the fork's checkout")
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "where to write it (default: .forkreview.yaml at the root; - prints it)")
	cmd.Flags().BoolVar(&o.Force, "force", false, "overwrite an existing file")
	return cmd
}

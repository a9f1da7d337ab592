// Command forkreview reviews the upstream commits a long-lived fork takes in.
package main

import "os"

func main() { os.Exit(int(Main(os.Args[1:], systemIO()))) }

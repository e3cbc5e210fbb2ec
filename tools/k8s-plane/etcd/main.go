// Command etcd is the etcd server the cluster tests' control plane stores its state in (scripts/cluster.sh):
// the upstream server's own entry point, built from the Go module proxy.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}

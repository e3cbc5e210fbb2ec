// ferretdb-pg runs FerretDB with its PostgreSQL backend in one process, the same way tools/embedded-db runs
// the SQLite backend, so bench/database can measure both backends through the same wire protocol.
package main

import (
	"context"
	"flag"
	"log"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	postgres := flag.String("postgresql-url", "", "PostgreSQL connection string, e.g. postgres://postgres@/ferretdb?host=/tmp/pg")
	flag.Parse()

	server, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Handler:       "postgresql",
		PostgreSQLURL: *postgres,
	})
	if err != nil {
		log.Fatalf("ferretdb-pg: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log.Printf("ferretdb-pg: FerretDB on %s, PostgreSQL backend", *listen)
	server.Run(ctx)
}

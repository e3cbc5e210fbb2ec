// embedded-db runs FerretDB (a MongoDB wire-protocol server) with its SQLite backend in one process,
// the project's default database for local runs and tests, where no mongod can be installed.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("dir", ".data/db", "folder holding the SQLite files")
	flag.Parse()
	applyGCDefault(os.Getenv)

	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatalf("embedded-db: cannot create %s: %v", *dir, err)
	}
	server, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/" + sqliteURLParams,
	})
	if err != nil {
		log.Fatalf("embedded-db: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go indexIDLookups(ctx, *dir, 200*time.Millisecond)
	log.Printf("embedded-db: FerretDB on %s, data in %s", *listen, *dir)
	server.Run(ctx)
}

// sqliteURLParams go on the backend's URL. WAL (FerretDB's default) with synchronous=NORMAL: a commit is written
// but not flushed to the disk, so it survives a killed process but not a power cut, which a local database may
// lose; a write no longer holds the file's one write lock through a flush (docs/benchmarks.md, "Writers at once").
const sqliteURLParams = "?_pragma=synchronous(normal)"

package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite"
)

// FerretDB 1.24's SQLite backend finds, updates and deletes a document by `_ferretdb_sjson->'$._id'`, but
// indexes `_id` as `_ferretdb_sjson->"_id"`. SQLite uses an expression index only for the very same
// expression, so every lookup by _id scanned its whole collection: an update by _id took 0.9 s with 1,000
// answer sets stored (docs/benchmarks.md, "Embedded database"). Each collection table gets the index those
// lookups can use, within a moment of FerretDB creating the table; FerretDB never sees it (its own metadata
// lists the indexes it made), and dropping the collection drops it with the table.

const idLookupIndexSuffix = "__id_lookup"

// indexIDLookups adds the missing lookup indexes every interval until ctx ends.
func indexIDLookups(ctx context.Context, dir string, interval time.Duration) {
	open := map[string]*sql.DB{}
	defer func() {
		for _, db := range open {
			db.Close()
		}
	}()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			db, ok := open[file]
			if !ok {
				var err error
				if db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(5000)"); err != nil {
					log.Printf("embedded-db: cannot open %s to index it: %v", file, err)
					continue
				}
				db.SetMaxOpenConns(1)
				open[file] = db
			}
			if err := addMissingIndexes(ctx, db); err != nil {
				// A database dropped meanwhile, or one FerretDB is still creating: tried again next time.
				db.Close()
				delete(open, file)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

func addMissingIndexes(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || ?)`, idLookupIndexSuffix)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	rows.Close()
	for _, table := range tables {
		statement := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idLookupIndexSuffix, table)
		if _, err := db.ExecContext(ctx, statement); err != nil {
			return err
		}
	}
	return nil
}

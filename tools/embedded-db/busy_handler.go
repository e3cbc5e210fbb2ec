package main

import (
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite lets one writer at a time into a database file; a writer that finds it taken runs the busy handler
// and tries again. FerretDB sets SQLite's default one, which sleeps 1, 2, 5, 10, … up to 100 ms between tries
// however soon the file is free again, so under many concurrent saves a waiting write lost whole 100 ms steps
// to writers that came later: 50 writers at ~500 writes/s had a p99 of 740 ms, most of it asleep
// (docs/benchmarks.md, "Writers at once"). This handler tries again every millisecond, as long in all as
// FerretDB's busy timeout.

const (
	busyRetryInterval = time.Millisecond
	busyTimeout       = 10 * time.Second
)

func retryEveryMillisecond(_ *libc.TLS, _ uintptr, count int32) int32 {
	if time.Duration(count)*busyRetryInterval >= busyTimeout {
		return 0 // SQLITE_BUSY to the caller, as the default handler does at its timeout
	}
	time.Sleep(busyRetryInterval)
	return 1
}

// cFuncPointer is modernc.org/sqlite's own conversion of a Go function into what its translated C calls.
func cFuncPointer[T any](f T) uintptr {
	return *(*uintptr)(unsafe.Pointer(&struct{ f T }{f}))
}

// connectionHandle reads the sqlite3 handle of a modernc.org/sqlite connection, which the driver does not
// export (its fields `db` and `tls`, as of the version go.mod pins; a version without them fails at the first
// connection instead of running on the default handler unnoticed).
func connectionHandle(conn sqlite.ExecQuerierContext) (*libc.TLS, uintptr, error) {
	value := reflect.ValueOf(conn)
	if value.Kind() != reflect.Pointer || value.Elem().Kind() != reflect.Struct {
		return nil, 0, fmt.Errorf("unexpected SQLite connection type %T", conn)
	}
	db, tls := value.Elem().FieldByName("db"), value.Elem().FieldByName("tls")
	if !db.IsValid() || db.Kind() != reflect.Uintptr || !tls.IsValid() || tls.Type() != reflect.TypeOf((*libc.TLS)(nil)) {
		return nil, 0, fmt.Errorf("SQLite connection %T has no db/tls fields: modernc.org/sqlite changed", conn)
	}
	return *(**libc.TLS)(unsafe.Pointer(tls.UnsafeAddr())), *(*uintptr)(unsafe.Pointer(db.UnsafeAddr())), nil
}

func init() {
	// Runs after the connection's pragmas (FerretDB's busy_timeout among them), so this handler replaces that one.
	sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, _ string) error {
		tls, db, err := connectionHandle(conn)
		if err != nil {
			return err
		}
		sqlite3.Xsqlite3_busy_handler(tls, db, cFuncPointer(retryEveryMillisecond), 0)
		return nil
	})
}

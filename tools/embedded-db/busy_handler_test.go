package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

func openTestDB(t *testing.T, file string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Every connection waits for the write lock on retryEveryMillisecond, not on the busy_timeout pragma's handler.
func TestEveryConnectionRetriesEveryMillisecond(t *testing.T) {
	db := openTestDB(t, filepath.Join(t.TempDir(), "busy.sqlite"))
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(driverConn any) error {
		_, handle, err := connectionHandle(driverConn.(sqlite.ExecQuerierContext))
		if err != nil {
			return err
		}
		installed := (*sqlite3.Tsqlite3)(unsafe.Pointer(handle)).FbusyHandler.FxBusyHandler
		if installed != cFuncPointer(retryEveryMillisecond) {
			t.Errorf("busy handler %#x, want retryEveryMillisecond", installed)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A write that finds the lock taken waits for it and then goes through.
func TestAWriterWaitsForTheLockAndThenWrites(t *testing.T) {
	file := filepath.Join(t.TempDir(), "wait.sqlite")
	holder, waiter := openTestDB(t, file), openTestDB(t, file)
	if _, err := holder.Exec("CREATE TABLE t (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := waiter.Exec("INSERT INTO t VALUES (2)")
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("the second write did not wait for the lock: %v", err)
	default:
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the waiting write failed: %v", err)
	}
	var count int
	if err := waiter.QueryRow("SELECT count(*) FROM t").Scan(&count); err != nil || count != 2 {
		t.Fatalf("rows %d (%v), want 2", count, err)
	}
}

// The backend's files are opened with synchronous=NORMAL.
func TestTheBackendWritesWithoutFlushingEachCommit(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "url.sqlite")+sqliteURLParams)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var synchronous int
	if err := db.QueryRow("PRAGMA synchronous").Scan(&synchronous); err != nil || synchronous != 1 {
		t.Fatalf("synchronous %d (%v), want 1 (NORMAL)", synchronous, err)
	}
}

package main

import "runtime/debug"

// defaultGCPercent is the collector's target unless GOGC says otherwise. FerretDB allocates much per command (each
// document decoded from its stored JSON and encoded again) over a live heap of a few megabytes, so collecting when
// the heap has grown by 4× instead of Go's 1× costs 0–20 % less CPU per write (the most with many writers) for a
// few megabytes more (docs/benchmarks.md, "Writers at once").
const defaultGCPercent = 400

// applyGCDefault sets defaultGCPercent when GOGC (read by getenv) is not set.
func applyGCDefault(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}

package main

import (
	"runtime/debug"
	"testing"
)

func TestGCPercentDefaultsTo400AndGOGCWins(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	applyGCDefault(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != defaultGCPercent || defaultGCPercent != 400 {
		t.Fatalf("without GOGC the collector's target is %d, want 400", got)
	}
	applyGCDefault(func(name string) string { return map[string]string{"GOGC": "100"}[name] })
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("with GOGC=100 the target is %d, want GOGC's", got)
	}
}

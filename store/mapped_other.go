//go:build !linux

package store

import "go.etcd.io/bbolt"

// releaseMapped does nothing where madvise is not available.
func releaseMapped(*bbolt.DB, *bbolt.Tx) {}

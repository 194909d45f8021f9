package store

import (
	"syscall"

	"go.etcd.io/bbolt"
)

// releaseMapped tells the kernel that this process no longer needs the
// pages of the database file it has read so far (madvise MADV_DONTNEED).
// bbolt maps the file read-only and shared, so the pages stay in the page
// cache and are faulted back in on the next read; but a long export, which
// touches every page once, no longer counts the whole file in the
// server's resident memory. It must run inside a read transaction, while
// bbolt cannot move the mapping.
func releaseMapped(db *bbolt.DB, tx *bbolt.Tx) {
	info := db.Info()
	if info == nil || info.Data == 0 || tx.Size() <= 0 {
		return
	}
	// The address is passed as a number, never turned into a Go pointer.
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, info.Data, uintptr(tx.Size()), syscall.MADV_DONTNEED)
}

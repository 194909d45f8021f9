package store

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
)

// bbolt's on-disk meta page, as read by checkTruncated: a 16-byte page
// header, then magic, version, page size, flags, root bucket (16 bytes),
// freelist page, high-water page id, transaction id and an FNV-64a
// checksum of the fields before it.
const (
	boltMagic         = 0xED0CDAED
	metaOffset        = 16
	metaChecksumStart = metaOffset
	metaChecksumEnd   = metaOffset + 56
)

// boltMeta is what checkTruncated needs from a meta page.
type boltMeta struct {
	pageSize uint32
	pgid     uint64
	txid     uint64
}

// readMeta decodes and verifies the meta page at the start of page.
func readMeta(page []byte) (boltMeta, bool) {
	if len(page) < metaChecksumEnd+8 {
		return boltMeta{}, false
	}
	le := binary.LittleEndian
	if le.Uint32(page[metaOffset:]) != boltMagic {
		return boltMeta{}, false
	}
	h := fnv.New64a()
	h.Write(page[metaChecksumStart:metaChecksumEnd])
	if h.Sum64() != le.Uint64(page[metaChecksumEnd:]) {
		return boltMeta{}, false
	}
	return boltMeta{
		pageSize: le.Uint32(page[metaOffset+8:]),
		pgid:     le.Uint64(page[metaOffset+40:]),
		txid:     le.Uint64(page[metaOffset+48:]),
	}, true
}

// checkTruncated refuses a bbolt file shorter than its own metadata says.
// bbolt maps the file into memory and would crash the process (SIGBUS)
// when it reads a page past the end, so a truncated file is caught here,
// before bbolt opens it. A file without a valid meta page is left for
// bbolt to refuse; an empty file is a new database.
func checkTruncated(path string) error {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return err
	}
	head = head[:n]
	var best boltMeta
	found := false
	consider := func(off int) {
		if off < 0 || off >= len(head) {
			return
		}
		if m, ok := readMeta(head[off:]); ok && (!found || m.txid > best.txid) {
			best, found = m, true
		}
	}
	consider(0)
	if found {
		consider(int(best.pageSize))
	} else {
		consider(os.Getpagesize())
	}
	if !found {
		return nil
	}
	if want := int64(best.pgid) * int64(best.pageSize); st.Size() < want {
		return fmt.Errorf("the file is truncated: its metadata needs %d bytes but it has %d (restore it from a backup)", want, st.Size())
	}
	return nil
}

// guardFaults runs fn so that a fault reading a damaged memory-mapped
// file, or a panic in bbolt on a corrupt page, becomes an error instead of
// crashing the process.
func guardFaults(fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the file is damaged: %v", r)
		}
	}()
	return fn()
}

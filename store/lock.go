package store

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lockHolder names the process holding the file lock on path, as
// "process 1234 (galley serve -db galley.db)", from the kernel's lock table
// in /proc/locks. It returns "" when the holder cannot be found, as on
// systems without /proc.
func lockHolder(path string) string {
	info, err := os.Stat(path)
	if err != nil {
		return ""
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	table, err := os.ReadFile("/proc/locks")
	if err != nil {
		return ""
	}
	// A line reads: "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF",
	// the file named by major:minor:inode (major and minor in hex).
	for line := range strings.Lines(string(table)) {
		f := strings.Fields(line)
		if len(f) < 6 || f[1] == "->" {
			continue
		}
		dev := strings.Split(f[5], ":")
		if len(dev) != 3 {
			continue
		}
		inode, err := strconv.ParseUint(dev[2], 10, 64)
		if err != nil || inode != uint64(st.Ino) {
			continue
		}
		major, err1 := strconv.ParseUint(dev[0], 16, 64)
		minor, err2 := strconv.ParseUint(dev[1], 16, 64)
		if err1 != nil || err2 != nil || major != devMajor(uint64(st.Dev)) || minor != devMinor(uint64(st.Dev)) {
			continue
		}
		pid, err := strconv.Atoi(f[4])
		if err != nil {
			continue
		}
		return describeProcess(pid)
	}
	return ""
}

// describeProcess names a process by its id and command line.
func describeProcess(pid int) string {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	cmd := strings.TrimSpace(string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
	if err != nil || cmd == "" {
		return fmt.Sprintf("process %d", pid)
	}
	const max = 120
	if len(cmd) > max {
		cmd = cmd[:max] + "…"
	}
	return fmt.Sprintf("process %d (%s)", pid, cmd)
}

// devMajor and devMinor split a Linux device number.
func devMajor(dev uint64) uint64 { return (dev>>8)&0xfff | (dev>>32)&^0xfff }
func devMinor(dev uint64) uint64 { return dev&0xff | (dev>>12)&^0xff }

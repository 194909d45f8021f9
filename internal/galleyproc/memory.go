package galleyproc

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory is a process's memory as Linux reports it in /proc/PID/status,
// in bytes: resident now (RSS), its peak (HWM), and the resident anonymous
// and file-backed parts (a bbolt file is mapped, so it counts as File).
type Memory struct{ RSS, HWM, Anon, File int64 }

// ReadMemory reads the memory of process pid.
func ReadMemory(pid int) (Memory, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Memory{}, err
	}
	var m Memory
	for line := range strings.Lines(string(data)) {
		name, rest, _ := strings.Cut(line, ":")
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		v, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			m.RSS = v << 10
		case "VmHWM":
			m.HWM = v << 10
		case "RssAnon":
			m.Anon = v << 10
		case "RssFile":
			m.File = v << 10
		}
	}
	return m, nil
}

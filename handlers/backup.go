package handlers

import (
	"fmt"

	"github.com/labstack/echo/v4"
)

// backup answers GET /admin/backup with a consistent snapshot of the whole
// database while the desk keeps serving. The store snapshots into a
// temporary file first, so a slow download holds no transaction open and
// never stalls writers; nothing is sent until the snapshot is complete, so a
// failure is a clean error rather than a truncated file.
func (h *Handler) backup(c echo.Context) error {
	name := fmt.Sprintf("galley-%s.db", h.now().Format("20060102-150405"))
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, "application/octet-stream")
	hd.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	n, err := h.store.Backup(c.Response())
	if err != nil {
		if c.Response().Committed {
			// The client sees a short download; the log says why.
			h.log.Error("backup interrupted", "bytes", n, "error", err)
			return nil
		}
		return err
	}
	u, _ := currentUser(c)
	h.log.Info("backup sent", "bytes", n, "user", u.Name)
	return nil
}

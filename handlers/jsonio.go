package handlers

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
)

// decodeJSON reads a request body into v strictly: unknown fields and
// trailing data are refused with 400, an oversized body with 413. Bodies are
// decoded into request structs only, never into stored records, so no client
// can set an id, an author or a version.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he
		}
		if errors.Is(err, io.EOF) {
			return &apiError{Status: http.StatusBadRequest, Code: "bad_json", Message: "The request body is empty; send a JSON object."}
		}
		return &apiError{Status: http.StatusBadRequest, Code: "bad_json", Message: "The request body is not valid JSON for this endpoint: " + err.Error() + "."}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he // the body limit, reached after the object
		}
		return &apiError{Status: http.StatusBadRequest, Code: "bad_json", Message: "The request body has data after the JSON object."}
	}
	return nil
}

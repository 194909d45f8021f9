package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// maxJSONDepth bounds how deeply a request body may nest objects and
// arrays; no request of ours needs more than a few levels.
const maxJSONDepth = 32

// decodeJSON reads a request body into v strictly: malformed JSON, unknown
// fields, duplicate keys (ignoring case, as field names match), nesting
// deeper than maxJSONDepth, invalid UTF-8, lone surrogate escapes and
// trailing data are refused with 400, an oversized body with 413. Bodies
// are decoded into request structs only, never into stored records, so no
// client can set an id, an author or a version. Messages name the field
// at fault in the client's terms, never a Go type.
func decodeJSON(c echo.Context, v any) error {
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he // the body limit
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return echo.ErrStatusRequestEntityTooLarge
		}
		return badJSON("The request body could not be read.")
	}
	return DecodeStrictJSON(data, v)
}

func badJSON(msg string) error {
	return &apiError{Status: http.StatusBadRequest, Code: "bad_json", Message: msg}
}

// DecodeStrictJSON decodes data into v with decodeJSON's rules; a refused
// body is a 400 apiError.
func DecodeStrictJSON(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return badJSON("The request body is empty; send a JSON object.")
	}
	if err := CheckJSONShape(data); err != nil {
		return badJSON(sentence(err.Error()))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badJSON(describeJSONError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badJSON("The request body has data after the JSON object.")
	}
	return nil
}

// describeJSONError says what encoding/json refused, without its Go terms.
func describeJSONError(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return "The request body is not valid JSON (at byte " + strconv.FormatInt(syntax.Offset, 10) + ")."
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return "The request body must be a JSON object."
		}
		return "The field " + strconv.Quote(field) + " cannot be " + article(typ.Value) + "."
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "The request body ends in the middle of the JSON."
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "The field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + " is not accepted here."
	}
	return "The request body is not valid JSON for this endpoint."
}

// article puts "a" or "an" before a JSON kind.
func article(kind string) string {
	switch {
	case kind == "":
		return "that"
	case strings.ContainsRune("aeiou", rune(kind[0])):
		return "an " + kind
	}
	return "a " + kind
}

// CheckJSONShape refuses JSON that encoding/json would take but read
// loosely: invalid UTF-8, lone surrogate escapes (decoded silently to
// U+FFFD), duplicate keys in an object, compared ignoring case as field
// names match (the last would win, so a filter and the handler could read
// different values), and nesting deeper than maxJSONDepth. It does not
// check the rest of the syntax: the decoder that follows does.
func CheckJSONShape(data []byte) error {
	if !utf8.Valid(data) {
		return errors.New("the request body is not valid UTF-8")
	}
	if err := checkSurrogates(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object  bool
		wantKey bool
		keys    map[string]bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // a syntax error: the decoder reports it
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if top != nil && top.object {
					top.wantKey = true
				}
				if len(stack) >= maxJSONDepth {
					return errors.New("the request body nests too deeply (the limit is " + strconv.Itoa(maxJSONDepth) + " levels)")
				}
				stack = append(stack, &frame{object: d == '{', wantKey: true, keys: map[string]bool{}})
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if top == nil || !top.object {
			continue
		}
		if top.wantKey {
			key, _ := tok.(string)
			folded := strings.ToLower(key)
			if top.keys[folded] {
				return errors.New("the request body repeats the key " + strconv.Quote(key))
			}
			top.keys[folded] = true
			top.wantKey = false
		} else {
			top.wantKey = true
		}
	}
}

// checkSurrogates refuses \uD800-\uDFFF escapes that are not a high
// surrogate followed by a low one. Backslashes occur only inside strings
// in JSON, so no string tracking is needed.
func checkSurrogates(data []byte) error {
	lone := errors.New("the request body holds a lone UTF-16 surrogate escape (\\uD800 to \\uDFFF), which is no character")
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(data[i+2:i+6]), 16, 32)
		return rune(n), err == nil
	}
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' || i+1 >= len(data) {
			continue
		}
		if data[i+1] != 'u' {
			i++ // an escaped character, maybe a backslash
			continue
		}
		r, ok := hex4(i)
		if !ok {
			i++
			continue
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			low, ok := hex4(i + 6)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return lone
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return lone
		default:
			i += 5
		}
	}
	return nil
}

package annotation

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ScanW3C reads W3C annotations from r as DecodeW3C does (one annotation,
// an array, an AnnotationPage, or an AnnotationCollection with its pages
// embedded), but one item at a time: item gets each annotation read, and
// problem each item that could not be read and each problem of the input
// as a whole (Index -1), in input order. Only the item being read is held
// in memory, so an input of any size is read in a few kilobytes; the one
// exception is a collection or page whose "type" comes after its items
// (every writer we know puts it first), which is then read whole.
//
// It returns an error when the input is not one JSON value (a syntax error
// anywhere, or data after the value); what was passed on before must then
// be set aside, since nothing of a malformed input is read. When item
// returns an error, reading stops and ScanW3C returns that error.
func ScanW3C(r io.Reader, item func(W3CItem) error, problem func(ItemError)) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	s := &w3cStream{dec: dec}
	s.report = problem
	s.emit = func(it W3CItem) {
		if s.stop == nil {
			s.stop = item(it)
		}
	}
	if err := s.root(); err != nil {
		return err
	}
	if s.stop != nil {
		return s.stop
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("the file holds more than one JSON value")
	}
	return nil
}

// w3cStream reads the input token by token, decoding each item (and each
// small member of a collection or page) into a value of its own.
type w3cStream struct {
	w3cDecoder
	dec *json.Decoder
	// stop is the error that ended the reading, from the item callback.
	stop error
}

// notJSON is the error of an input that is not JSON.
func notJSON(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("the file is not JSON: %w", err)
}

func (s *w3cStream) token() (json.Token, error) {
	tok, err := s.dec.Token()
	if err != nil {
		return nil, notJSON(err)
	}
	return tok, nil
}

// value decodes the next value whole.
func (s *w3cStream) value() (any, error) {
	var v any
	if err := s.dec.Decode(&v); err != nil {
		return nil, notJSON(err)
	}
	return v, nil
}

// open reads the next value's first token: a "{" or "[" that opens it
// (the value is then read by the caller, or passed over with skipRest), or
// the whole of a scalar.
func (s *w3cStream) open() (delim json.Delim, scalar any, err error) {
	tok, err := s.token()
	if err != nil {
		return 0, nil, err
	}
	if d, ok := tok.(json.Delim); ok {
		return d, nil, nil
	}
	return 0, tok, nil
}

// placeholder stands for an object or array passed over, in messages that
// name only its kind.
func placeholder(d json.Delim) any {
	if d == '{' {
		return map[string]any{}
	}
	return []any{}
}

// skip reads past the next value without keeping it.
func (s *w3cStream) skip() error {
	d, _, err := s.open()
	if err != nil || d == 0 {
		return err
	}
	return s.skipRest()
}

// skipRest reads past the rest of an object or array whose opening
// delimiter has been read.
func (s *w3cStream) skipRest() error {
	for depth := 1; depth > 0; {
		tok, err := s.token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// root reads the input's one value.
func (s *w3cStream) root() error {
	d, scalar, err := s.open()
	switch {
	case err != nil:
		return err
	case d == '{':
		return s.rootObject()
	case d == '[':
		return s.items()
	}
	s.docError("the file holds %s, not an annotation, an array, a page or a collection", jsonKind(scalar))
	return nil
}

// items reads an array's elements as items; its "[" has been read.
func (s *w3cStream) items() error {
	for s.dec.More() {
		v, err := s.value()
		if err != nil {
			return err
		}
		s.item(v)
		if s.stop != nil {
			return s.stop
		}
	}
	_, err := s.token() // ]
	return err
}

// key reads an object's next key; its "{" has been read. ok is false at
// the object's end, whose "}" is then read.
func (s *w3cStream) key() (key string, ok bool, err error) {
	if !s.dec.More() {
		_, err := s.token() // }
		return "", false, err
	}
	tok, err := s.token()
	if err != nil {
		return "", false, err
	}
	key, _ = tok.(string)
	return key, true, nil
}

// rootObject reads the input's top-level object: a collection or page,
// streamed once its "type" is known, or an annotation. Its "{" has been
// read.
func (s *w3cStream) rootObject() error {
	fields := map[string]any{}
	kind := ""         // "collection" or "page" once the type says so
	streamed := false  // some member was read as a stream
	itemsRead := false // a page's items were read
	var laterNext any  // a page's next that came before its items
	hasLaterNext := false
	want, checkTotal := 0, false
	for {
		key, ok, err := s.key()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch {
		case key == "type" && kind == "":
			v, err := s.value()
			if err != nil {
				return err
			}
			fields[key] = v
			switch {
			case hasType(fields, "AnnotationCollection"):
				kind = "collection"
				s.allEmbedded = true
				if _, seen := fields["total"]; seen {
					want, checkTotal = s.collectionTotal(fields)
				}
			case hasType(fields, "AnnotationPage"):
				kind = "page"
			}
		case kind == "collection" && key == "total":
			v, err := s.value()
			if err != nil {
				return err
			}
			fields[key] = v
			want, checkTotal = s.collectionTotal(fields)
		case kind == "collection" && key == "first":
			streamed = true
			if err := s.pageValue(s.notFirstPage); err != nil {
				return err
			}
		case kind == "page" && key == "items":
			streamed, itemsRead = true, true
			if err := s.itemsValue(); err != nil {
				return err
			}
		case kind == "page" && key == "next":
			streamed = true
			if itemsRead {
				if err := s.pageValue(s.notNextPage); err != nil {
					return err
				}
				continue
			}
			// Items come first: hold the next page until they are read.
			v, err := s.value()
			if err != nil {
				return err
			}
			laterNext, hasLaterNext = v, true
		case streamed:
			// The rest of a collection or page being streamed is not
			// needed.
			if err := s.skip(); err != nil {
				return err
			}
		default:
			v, err := s.value()
			if err != nil {
				return err
			}
			fields[key] = v
		}
	}
	switch kind {
	case "":
		// An annotation: as DecodeW3C reads it.
		s.w3cDecoder.root(fields)
	case "collection":
		if v, ok := fields["first"]; ok { // it came before the type
			s.first(v)
		}
		if checkTotal {
			s.checkTotal(want)
		}
	case "page":
		// What came before the type was read whole; items come before
		// the next page.
		if v, ok := fields["items"]; ok && !itemsRead {
			s.pageItems(v)
		}
		if v, ok := fields["next"]; ok {
			s.nextValue(v)
		}
		if hasLaterNext {
			s.nextValue(laterNext)
		}
	}
	return nil
}

// itemsValue reads a page's "items" value: an array streamed item by item,
// or anything else as pageItems judges it.
func (s *w3cStream) itemsValue() error {
	d, scalar, err := s.open()
	switch {
	case err != nil:
		return err
	case d == '[':
		return s.items()
	case d == '{':
		if err := s.skipRest(); err != nil {
			return err
		}
		scalar = placeholder(d)
	}
	s.pageItems(scalar)
	return nil
}

// pageValue reads a "first" or "next" value: an embedded page streamed,
// or anything else reported by bad (null is no page at all).
func (s *w3cStream) pageValue(bad func(any)) error {
	d, scalar, err := s.open()
	switch {
	case err != nil:
		return err
	case d == '{':
		return s.streamPage()
	case d == '[':
		if err := s.skipRest(); err != nil {
			return err
		}
		scalar = placeholder(d)
	}
	if scalar != nil {
		bad(scalar)
	}
	return nil
}

// nextValue follows a next page given whole.
func (s *w3cStream) nextValue(v any) {
	switch nx := v.(type) {
	case nil:
	case map[string]any:
		s.page(nx)
	default:
		s.notNextPage(nx)
	}
}

// streamPage reads an embedded page, its "{" read: its items as a stream,
// then its next page. Embedded pages are taken as pages whatever their
// type says, as DecodeW3C takes them.
func (s *w3cStream) streamPage() error {
	if s.pages >= maxPages {
		return s.skipRest()
	}
	s.pages++
	itemsRead := false
	var laterNext any
	hasLaterNext := false
	for {
		key, ok, err := s.key()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch key {
		case "items":
			itemsRead = true
			if err := s.itemsValue(); err != nil {
				return err
			}
		case "next":
			if itemsRead {
				if err := s.pageValue(s.notNextPage); err != nil {
					return err
				}
				continue
			}
			v, err := s.value()
			if err != nil {
				return err
			}
			laterNext, hasLaterNext = v, true
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
	}
	if hasLaterNext {
		s.nextValue(laterNext)
	}
	return nil
}

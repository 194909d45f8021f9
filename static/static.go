// Package static embeds the files the desk serves as they are (the
// browser's script modules and style sheet, the JSON Schema of native
// exports) and names each by a hash of its content, so that pages can link
// to them with a URL that changes whenever the file does.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
)

//go:embed *.js app.css native-export.schema.json
var files embed.FS

// Asset is one embedded file with the hash used to bust caches.
type Asset struct {
	Name        string
	Data        []byte
	Hash        string
	ContentType string
}

// URL is the cache-busted address of the asset: /static/{hash}/{name}.
// Script modules all share one hash, taken over every module, so that the
// relative imports between them resolve to cache-busted addresses too.
func (a Asset) URL() string { return "/static/" + a.Hash + "/" + a.Name }

var assets = load()

func load() map[string]Asset {
	out := map[string]Asset{}
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic(err)
	}
	scripts := sha256.New()
	for _, e := range entries {
		data, err := files.ReadFile(e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(data)
		out[e.Name()] = Asset{
			Name:        e.Name(),
			Data:        data,
			Hash:        hex.EncodeToString(sum[:6]),
			ContentType: contentTypes[path.Ext(e.Name())],
		}
		if path.Ext(e.Name()) == ".js" {
			scripts.Write([]byte(e.Name() + "\x00"))
			scripts.Write(sum[:])
		}
	}
	scriptsHash := hex.EncodeToString(scripts.Sum(nil)[:6])
	for name, a := range out {
		if path.Ext(name) == ".js" {
			a.Hash = scriptsHash
			out[name] = a
		}
	}
	return out
}

var contentTypes = map[string]string{
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/schema+json",
}

// Lookup returns the embedded file with the given name.
func Lookup(name string) (Asset, bool) {
	a, ok := assets[name]
	return a, ok
}

// URL is the cache-busted address of the named asset, or "" when there is
// no such asset.
func URL(name string) string {
	a, ok := assets[name]
	if !ok {
		return ""
	}
	return a.URL()
}

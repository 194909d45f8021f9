// Package galley holds what the whole program ships with: the sample
// article a new database starts with.
package galley

import (
	_ "embed"
	"time"

	"galley/annotation"
)

// SampleArticle is the text of the article every new database starts with.
//
//go:embed testdata/beijing-slams-spying-on-huawei.txt
var SampleArticle string

// SampleArticleName is the file name SampleArticle was read from.
const SampleArticleName = "beijing-slams-spying-on-huawei.txt"

// SampleDocument is the sample article as a new database stores it, created
// and modified at now.
func SampleDocument(now time.Time) (annotation.Document, error) {
	doc, err := annotation.NewDocument(SampleArticle, "")
	if err != nil {
		return doc, err
	}
	doc.Source = SampleArticleName
	doc.Created, doc.Modified = now, now
	return doc, nil
}

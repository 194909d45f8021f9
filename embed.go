// Package galley holds what the whole program ships with: the sample
// article a new database starts with.
package galley

import _ "embed"

// SampleArticle is the text of the article every new database starts with.
//
//go:embed testdata/beijing-slams-spying-on-huawei.txt
var SampleArticle string

// SampleArticleName is the file name SampleArticle was read from.
const SampleArticleName = "beijing-slams-spying-on-huawei.txt"

// Bucket layout of a Galley database. Every record value is JSON; index
// entries hold only what the index needs. Ids are ULIDs, so keys built from
// them sort by creation time.
//
//	meta             "schema_version"   -> JSON number, the schema the file is written in (SchemaVersion)
//	                 "sample_seeded"    -> JSON string, id of the sample document EnsureSample created
//	users            userID             -> User
//	users_by_name    lower(name)        -> userID (raw bytes); unique, so names are unique ignoring case
//	sessions         sha256(cookie)     -> Session
//	tokens           sha256(token)      -> Token
//	documents        docID              -> annotation.Document at its current revision, with Text empty:
//	                                       the text lives once, in the revision record
//	revisions        docID "/" rev      -> annotation.Revision; rev is the number as 8 bytes big-endian,
//	                                       so a prefix scan over docID "/" yields revisions in order
//	annotations      annID              -> annotation.Annotation
//	doc_annotations  docID "/" annID    -> empty; one entry per annotation of the document
//
// A record and its index entries are written in the same transaction by one
// put helper per entity (putUser, putAnnotation), which also removes index
// entries the previous version of the record left behind.
package store

import (
	"encoding/binary"
	"strings"
)

// Bucket names.
var (
	bucketMeta           = []byte("meta")
	bucketUsers          = []byte("users")
	bucketUsersByName    = []byte("users_by_name")
	bucketSessions       = []byte("sessions")
	bucketTokens         = []byte("tokens")
	bucketDocuments      = []byte("documents")
	bucketRevisions      = []byte("revisions")
	bucketAnnotations    = []byte("annotations")
	bucketDocAnnotations = []byte("doc_annotations")
)

// allBuckets lists every bucket Open creates.
var allBuckets = [][]byte{
	bucketMeta,
	bucketUsers,
	bucketUsersByName,
	bucketSessions,
	bucketTokens,
	bucketDocuments,
	bucketRevisions,
	bucketAnnotations,
	bucketDocAnnotations,
}

// Keys in the meta bucket.
var (
	metaSchemaVersion = []byte("schema_version")
	metaSampleSeeded  = []byte("sample_seeded")
)

// keySeparator joins the parts of a compound key. Ids never contain it
// (see validID), so a prefix ending in it selects exactly one parent.
const keySeparator = "/"

// userNameKey is the users_by_name key of a user name.
func userNameKey(name string) []byte { return []byte(strings.ToLower(name)) }

// childPrefix is the key prefix of every index entry under parentID.
func childPrefix(parentID string) []byte { return []byte(parentID + keySeparator) }

// revisionKey is the revisions key of revision n of a document.
func revisionKey(docID string, n int) []byte {
	return binary.BigEndian.AppendUint64(childPrefix(docID), uint64(n))
}

// docAnnotationKey is the doc_annotations key of an annotation.
func docAnnotationKey(docID, annID string) []byte {
	return []byte(docID + keySeparator + annID)
}

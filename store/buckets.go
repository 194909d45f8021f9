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
//	user_tokens      userID "/" tokenID -> sha256(token) (raw bytes): the tokens of a user, oldest
//	                                       first, for listing and revoking by id; written with
//	                                       the token. Open fills it in for tokens made before it
//	documents        docID              -> annotation.Document at its current revision, with Text empty:
//	                                       the text lives once, in the revision record
//	revisions        docID "/" rev      -> annotation.Revision; rev is the number as 8 bytes big-endian,
//	                                       so a prefix scan over docID "/" yields revisions in order
//	annotations      annID              -> annotation.Annotation
//	doc_annotations  docID "/" annID    -> empty; one entry per annotation of the document
//	author_annotations authorID 0x00 annID -> empty; one entry per annotation a user started
//	tags             lower(tag)         -> annotation.Tag: the registry (spelling, color, count)
//	tag_annotations  lower(tag) 0x00 annID -> empty; one entry per annotation carrying the tag.
//	                                       Tags may hold "/", never control characters, hence 0x00
//	replies          replyID            -> annotation.Reply
//	annotation_replies annID "/" replyID -> empty; the replies of a thread, oldest first (ULIDs)
//	events           docID "/" seq      -> annotation.Event; seq is the event id as 8 bytes
//	                                       big-endian, from the events bucket's own sequence, so
//	                                       ids grow across documents and a prefix scan yields a
//	                                       document's activity in order
//	imports          docID 0x00 via     -> "a:" annID or "r:" replyID: what an import made of the
//	                                       item with that IRI, so importing it again adds nothing
//
// A record and its index entries are written in the same transaction by one
// put helper per entity (putUser, putAnnotation, putReply), which also
// removes index entries the previous version of the record left behind.
// putAnnotation also keeps the tag registry's counts. Every change to an
// annotation, a reply or a document's status appends its event in the same
// transaction.
package store

import (
	"encoding/binary"
	"strings"

	"galley/annotation"
)

// Bucket names.
var (
	bucketMeta           = []byte("meta")
	bucketUsers          = []byte("users")
	bucketUsersByName    = []byte("users_by_name")
	bucketSessions       = []byte("sessions")
	bucketTokens         = []byte("tokens")
	bucketUserTokens     = []byte("user_tokens")
	bucketDocuments      = []byte("documents")
	bucketRevisions      = []byte("revisions")
	bucketAnnotations    = []byte("annotations")
	bucketDocAnnotations = []byte("doc_annotations")
	bucketAuthorAnns     = []byte("author_annotations")
	bucketTags           = []byte("tags")
	bucketTagAnns        = []byte("tag_annotations")
	bucketReplies        = []byte("replies")
	bucketAnnReplies     = []byte("annotation_replies")
	bucketEvents         = []byte("events")
	bucketImports        = []byte("imports")
)

// allBuckets lists every bucket Open creates.
var allBuckets = [][]byte{
	bucketMeta,
	bucketUsers,
	bucketUsersByName,
	bucketSessions,
	bucketTokens,
	bucketUserTokens,
	bucketDocuments,
	bucketRevisions,
	bucketAnnotations,
	bucketDocAnnotations,
	bucketAuthorAnns,
	bucketTags,
	bucketTagAnns,
	bucketReplies,
	bucketAnnReplies,
	bucketEvents,
	bucketImports,
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

// valueSeparator joins an indexed value (a tag, an author id) and a record
// id in index keys. Neither tags nor ids contain control characters.
const valueSeparator = "\x00"

// valuePrefix is the key prefix of every index entry for value.
func valuePrefix(value string) []byte { return []byte(value + valueSeparator) }

// valueKey is the index key of record id under value.
func valueKey(value, id string) []byte { return []byte(value + valueSeparator + id) }

// tagKey is the tags key of a tag name.
func tagKey(name string) []byte { return []byte(annotation.TagKey(name)) }

// childKey is the key of a child record's index entry under its parent.
func childKey(parentID, childID string) []byte { return []byte(parentID + keySeparator + childID) }

// eventKey is the events key of event seq of a document.
func eventKey(docID string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(childPrefix(docID), seq)
}

package views

// RevisePage is the editor of an article's text: the text as of Base, the
// note, and, when someone revised the article while it was being edited,
// what they changed.
type RevisePage struct {
	Page       Page
	DocumentID string
	Title      string
	// Base is the revision the text in the editor was edited from.
	Base   int
	Text   string
	Note   string
	Error  string
	Action string
	// Conflict, when set, is what others changed between the revision the
	// person started from and the current one; Base is then the current
	// revision, so saving again applies the draft over their changes.
	Conflict *Diff
}

// HistoryPage lists an article's revisions and shows the difference
// between two of them.
type HistoryPage struct {
	Page       Page
	DocumentID string
	Title      string
	ReaderURL  string
	ReviseURL  string
	Revisions  []RevisionRow
	From, To   int
	Diff       Diff
}

// RevisionRow is one revision in the history.
type RevisionRow struct {
	Number     int
	Author     string
	Created    string
	CreatedISO string
	Note       string
	// DiffURL shows what the revision changed (empty for the first).
	DiffURL string
	Current bool
	// FromSelected and ToSelected mark the revisions compared.
	FromSelected bool
	ToSelected   bool
}

// Diff is the word difference between two revisions, as pieces of text
// that are kept, inserted or deleted.
type Diff struct {
	From, To int
	Pieces   []DiffPiece
	// Inserted and Deleted count the words changed; Same is true when the
	// texts are the same.
	Inserted int
	Deleted  int
	Same     bool
}

// DiffPiece is a stretch of a diff. Kind is "equal", "insert" or "delete";
// an equal stretch too long to show whole has Elided set: Text is its
// start, Tail its end, and what lies between is left out.
type DiffPiece struct {
	Kind   string
	Text   string
	Tail   string
	Elided bool
}

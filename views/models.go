// Package views renders Galley's HTML pages with templ. Its components take
// plain view models shaped like the screen; it imports neither the store nor
// the HTTP framework, and does no I/O.
package views

// Page is what every page's chrome needs: the title, the signed-in user
// (empty on the sign-in page) and the addresses of the static files.
type Page struct {
	Title    string
	UserName string
	UserRole string
	CSRF     string
	CSSURL   string
	JSURL    string
	// Nav marks the current section of the navigation: "documents",
	// "threads", "tags", "new", "account", "users" or "".
	Nav string
	// CanManageUsers shows the link to the users page (admins).
	CanManageUsers bool
	// Container is the IRI of the W3C Annotation Container of the
	// document on the page, linked as its JSON-LD alternate.
	Container string
	// CanCreate shows the link to the new document page (roles that may
	// add documents).
	CanCreate bool
}

// SignedIn reports whether a user is signed in.
func (p Page) SignedIn() bool { return p.UserName != "" }

// Login is the sign-in form.
type Login struct {
	Page     Page
	Username string
	Next     string
	Error    string
}

// DocumentList is the list of documents under review.
type DocumentList struct {
	Page       Page
	Documents  []DocumentRow
	CanCreate  bool
	EmptyState string
	// StatusTabs filter the list by review status; the first is "All".
	StatusTabs []Tab
}

// Tab is one link of a row of filters.
type Tab struct {
	Label   string
	URL     string
	Current bool
	Value   string
}

// DocumentRow is one line of the document list.
type DocumentRow struct {
	ID          string
	Title       string
	URL         string
	Status      string
	StatusLabel string
	Revision    int
	Annotations int
	Open        int
	Created     string
	CreatedISO  string
}

// NewDocument is the form for adding an article.
type NewDocument struct {
	Page  Page
	Title string
	Text  string
	Error string
}

// Reader is the reading view of one article with its highlights and threads.
type Reader struct {
	Page        Page
	DocumentID  string
	Title       string
	Byline      string
	Dateline    string
	Status      string
	StatusLabel string
	Revision    int
	CanAnnotate bool
	Article     Article
	Sidebar     Sidebar
	Filters     Filters
	Review      Review
	Activity    Activity
	// Tags feed the tag input's suggestions, most used first.
	Tags []string
	// LastEventID is the id of the latest event shown; the live stream
	// resumes after it.
	LastEventID string
	// EventTypes names, space-separated, the types of the live stream's
	// events; the script listens to each.
	EventTypes string
	// ReaderURL is this page's address with its filter, where forms
	// return to.
	ReaderURL string
	// CanRevise shows the link to the revision editor; HistoryURL and
	// ReviseURL are the history and the editor.
	CanRevise  bool
	HistoryURL string
	// ExportW3CURL and ExportNativeURL download the document's
	// annotations as W3C JSON-LD and as the native annotated article.
	ExportW3CURL    string
	ExportNativeURL string
	ReviseURL       string
	// Notice says what the last revision did, after the editor saved.
	Notice string
	// Access says who may read the document, with its form.
	Access Access
}

// Access is who may read a document: everyone, or when Restricted only
// admins, its author and Members; CanChange shows the form.
type Access struct {
	Restricted bool
	Members    string // names, separated by commas
	CanChange  bool
	Action     string
	CSRF       string
}

// Filters is the filter form of the reader's sidebar and the threads page.
type Filters struct {
	Action   string // where the form sends its GET
	Tag      string
	Author   string
	Status   string
	Text     string
	Tags     []Option
	Authors  []Option
	Statuses []Option
	// Active is true when any filter is set; ClearURL drops them all.
	Active   bool
	ClearURL string
}

// Option is one choice of a select element.
type Option struct {
	Value    string
	Label    string
	Selected bool
}

// Review is the document's review status and the form that changes it.
type Review struct {
	Status      string
	StatusLabel string
	// SetBy, SetAt and SetAtISO say who set the status and when; empty
	// while the document has its first status.
	SetBy    string
	SetAt    string
	SetAtISO string
	Note     string
	Override bool
	CanSet   bool
	// CanOverride is true for admins, who may approve over open threads
	// with a note.
	CanOverride bool
	Options     []Option
	OpenThreads int
	// Error explains a refused change; Draft keeps the note typed.
	Error string
	Draft string
	// Action is the form's address; Next is where it returns.
	Action string
	Next   string
	CSRF   string
}

// Activity is the document's activity log, oldest first.
type Activity struct {
	Entries []ActivityEntry
	// Earlier is true when older entries are not shown.
	Earlier bool
}

// ActivityEntry is one line of the activity log.
type ActivityEntry struct {
	Type  string
	Actor string
	// ActorImported marks an actor who came with an import.
	ActorImported bool
	Text          string // what happened, after the actor's name
	Quote         string
	Time          string
	TimeISO       string
	// Anchor links to the thread, when it still exists.
	Anchor string
}

// Article is the article body: its blocks, cut into highlight segments.
type Article struct {
	Blocks []Block
}

// Block is one headline, caption or paragraph of the article. Start and End
// are code point offsets into the document text, which the browser needs to
// turn a selection into offsets.
type Block struct {
	Kind     string
	Start    int
	End      int
	Segments []Segment
}

// Segment is a run of text covered by the same annotations. IDs is empty for
// plain text.
type Segment struct {
	Text  string
	IDs   []string
	Depth int
	// Tone names the highlight color: "neutral" or a palette entry.
	Tone string
	// Tones are the colors of the covering threads, one each in the order
	// of IDs, drawn as stacked underlines.
	Tones []string
	// Resolved is true when every covering thread is resolved.
	Resolved bool
	// Dim is true when a filter is set and no covering thread passes it.
	Dim bool
}

// Sidebar is the list of threads beside the article.
type Sidebar struct {
	// Cards are the open threads that pass the filter (every thread that
	// passes when the filter asks for resolved ones).
	Cards []Card
	// Resolved are the resolved threads that pass, folded away.
	Resolved []Card
	Total    int
	Open     int
	// Shown is how many threads pass the filter; Filtered is true when a
	// filter is set.
	Shown    int
	Filtered bool
	// Orphans are the threads whose passage a revision took away: kept,
	// listed apart, and re-attachable to a new selection.
	Orphans []Card
	// CSRF and Next go into the cards' plain forms.
	CSRF string
	Next string
	// Overview marks where each thread that passes the filter sits in the
	// article, in reading order (orphans have no place).
	Overview []OverviewMark
	// Resolved count, and the threads counted by tag and by author, over
	// the whole document.
	ResolvedCount int
	ByTag         []Count
	ByAuthor      []Count
}

// OverviewMark is one thread on the overview strip beside the article.
type OverviewMark struct {
	ID       string
	Quote    string
	Tone     string
	Resolved bool
	// At is where the passage starts, in percent of the text: a first
	// place for the mark until the script measures the page.
	At string
}

// Count is a name (a tag, with its color, or an author) and how many
// threads it has.
type Count struct {
	Name  string
	Color string
	N     int
}

// Card is one thread in the sidebar.
type Card struct {
	ID          string
	Version     int
	Quote       string
	Comment     SafeHTML
	CommentText string // the Markdown source, for the edit form
	Tags        []TagChip
	Author      string
	// AuthorImported marks an author who came with an import: a name from
	// another tool, not an account here.
	AuthorImported bool
	Created        string
	CreatedISO     string
	Edited         bool
	Deleted        bool
	Status         string
	Motivation     string
	Replacement    string
	// Suggestion is a suggested change word by word: the passage's words
	// kept, deleted and inserted.
	Suggestion []DiffPiece
	Anchor     string
	// AnchorLabel says how the card is anchored, for every state but
	// exact; AnchorScore is the percentage of a fuzzy or edited anchor.
	AnchorLabel string
	AnchorScore int
	// OriginalExact is the quote as it read before a revision changed it.
	OriginalExact string
	// Revision is the revision the annotation is anchored at; for an
	// orphan, the last one that held its passage.
	Revision int
	// Verdict is "accepted" or "rejected" once a suggestion is decided;
	// DecidedBy and DecidedAt say by whom and when.
	Verdict   string
	DecidedBy string
	DecidedAt string
	// CanDecide is true on an undecided suggestion the viewer may accept
	// or reject; CanAnchor when the viewer may confirm or re-attach.
	CanDecide bool
	CanAnchor bool
	// ResolvedBy and ResolvedAt say who resolved the thread and when.
	ResolvedBy string
	ResolvedAt string
	Replies    []ReplyView
	CanEdit    bool // the comment's text
	CanRetag   bool
	CanDelete  bool
	CanResolve bool
	CanReply   bool
	// DocumentTitle and URL place the thread on the threads page.
	DocumentTitle string
	URL           string
	Activity      string
	ActivityISO   string
}

// TagChip is a tag as a card shows it, in its color.
type TagChip struct {
	Name  string
	Color string
}

// ReplyView is one reply in a thread.
type ReplyView struct {
	ID      string
	Version int
	Author  string
	// AuthorImported marks an author who came with an import.
	AuthorImported bool
	Body           SafeHTML
	CommentText    string
	Created        string
	CreatedISO     string
	Edited         bool
	CanEdit        bool
	CanDelete      bool
}

// SafeHTML is HTML that the handlers rendered from Markdown and sanitized;
// the templates write it as it is. Nothing else may be put in one.
type SafeHTML string

// ThreadsPage is the cross-document list of threads.
type ThreadsPage struct {
	Page    Page
	Filters Filters
	Threads []Card
	Total   int
	// PageNumber counts from 1; PrevURL and NextURL are empty at the ends.
	PageNumber int
	Pages      int
	PrevURL    string
	NextURL    string
}

// TagsPage is the tag registry.
type TagsPage struct {
	Page      Page
	Tags      []TagRow
	Palette   []string
	CanRename bool
	CanColor  bool
	Error     string
}

// TagRow is one tag of the registry.
type TagRow struct {
	Name       string
	Color      string
	Count      int
	Action     string // the form's address
	ThreadsURL string
}

// ErrorPage is a page that explains what went wrong.
type ErrorPage struct {
	Page    Page
	Status  int
	Heading string
	Message string
}

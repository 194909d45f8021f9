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
	// Nav marks the current section of the navigation: "documents" or "".
	Nav string
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
	// Resolved is true when every covering thread is resolved.
	Resolved bool
}

// Sidebar is the list of threads beside the article.
type Sidebar struct {
	Cards []Card
	Total int
	Open  int
}

// Card is one thread in the sidebar.
type Card struct {
	ID          string
	Quote       string
	Comment     string
	Tags        []string
	Author      string
	Created     string
	CreatedISO  string
	Status      string
	Motivation  string
	Replacement string
	Anchor      string
}

// ErrorPage is a page that explains what went wrong.
type ErrorPage struct {
	Page    Page
	Status  int
	Heading string
	Message string
}

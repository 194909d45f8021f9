package handlers

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"galley/annotation"
	"galley/static"
	"galley/store"
	"galley/views"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// statusLabels names the review statuses for people.
var statusLabels = map[annotation.DocStatus]string{
	annotation.StatusDraft:            "Draft",
	annotation.StatusInReview:         "In review",
	annotation.StatusChangesRequested: "Changes requested",
	annotation.StatusApproved:         "Approved",
}

// statusOrder lists the review statuses in workflow order.
var statusOrder = []annotation.DocStatus{
	annotation.StatusDraft, annotation.StatusInReview, annotation.StatusChangesRequested, annotation.StatusApproved,
}

// timeLayout is how times read on the pages.
const timeLayout = "2 Jan 2006, 15:04 UTC"

// isoTime is a time as a datetime attribute takes it.
func isoTime(t time.Time) string { return t.Format(time.RFC3339) }

// activityShown is how many of the latest events the reader's activity
// log shows.
const activityShown = 100

// threadsPerPage is the page size of the threads page.
const threadsPerPage = 25

// page fills the chrome every page shares.
func (h *Handler) page(c echo.Context, title string) views.Page {
	p := views.Page{Title: title, CSSURL: static.URL("app.css"), JSURL: static.URL("app.js")}
	if u, ok := currentUser(c); ok {
		p.UserName, p.UserRole = u.Name, u.Role
		p.CanManageUsers = can(u.Role, actManageUsers)
		p.CanCreate = can(u.Role, actCreateDocument)
	}
	if s, ok := currentSession(c); ok {
		p.CSRF = s.CSRF
	}
	return p
}

// render writes a component into a buffer first, so a failed render is a
// clean 500 rather than half a page sent with 200.
func (h *Handler) render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// documentsPage lists every document with its review status and thread
// counts, filtered by status with ?status=.
func (h *Handler) documentsPage(c echo.Context) error {
	status, err := documentStatusFilter(c)
	if err != nil {
		return err
	}
	docs, err := h.readableDocuments(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	v := views.DocumentList{
		Page:       h.page(c, "Documents"),
		CanCreate:  can(u.Role, actCreateDocument),
		EmptyState: "No documents yet. Add one to start reviewing.",
	}
	if status != "" {
		v.EmptyState = "No document is " + strings.ToLower(statusLabels[status]) + "."
	}
	v.Page.Nav = "documents"
	v.StatusTabs = append(v.StatusTabs, views.Tab{Label: "All", URL: "/", Current: status == ""})
	for _, st := range statusOrder {
		v.StatusTabs = append(v.StatusTabs, views.Tab{Label: statusLabels[st], Value: string(st),
			URL: "/?status=" + string(st), Current: status == st})
	}
	for _, d := range docs {
		if status != "" && d.Document.Status != status {
			continue
		}
		v.Documents = append(v.Documents, views.DocumentRow{
			ID:          d.Document.ID,
			Title:       d.Document.Title,
			URL:         "/documents/" + d.Document.ID,
			Status:      string(d.Document.Status),
			StatusLabel: statusLabels[d.Document.Status],
			Revision:    d.Document.Revision,
			Annotations: d.Annotations,
			Open:        d.Open,
			Created:     d.Document.Created.Format(timeLayout),
			CreatedISO:  isoTime(d.Document.Created),
		})
	}
	return h.render(c, http.StatusOK, views.DocumentsPage(v))
}

// documentStatusFilter reads ?status= of the document list: empty or a
// review status; anything else is 400.
func documentStatusFilter(c echo.Context) (annotation.DocStatus, error) {
	raw := strings.TrimSpace(c.QueryParam("status"))
	if raw == "" {
		return "", nil
	}
	st, err := annotation.ParseDocStatus(raw)
	if err != nil {
		return "", &apiError{Status: http.StatusBadRequest, Code: "bad_filter",
			Message: "status must be one of draft, in_review, changes_requested, approved."}
	}
	return st, nil
}

// newDocumentPage shows the paste-or-upload form.
func (h *Handler) newDocumentPage(c echo.Context) error {
	v := views.NewDocument{Page: h.page(c, "New document")}
	v.Page.Nav = "new"
	return h.render(c, http.StatusOK, views.NewDocumentPage(v))
}

// readerPage shows one article with its highlights and threads, filtered
// as the query string says.
func (h *Handler) readerPage(c echo.Context) error {
	v, err := h.readerView(c, c.Param("id"))
	if err != nil {
		return err
	}
	v.Page.Container = h.protocolIRIs(c).Collection(v.DocumentID)
	return h.render(c, http.StatusOK, views.ReaderPage(v))
}

// readerFragments renders the review panel, the article body, the thread
// list and the activity log, which the browser swaps in after a change.
func (h *Handler) readerFragments(c echo.Context) error {
	v, err := h.readerView(c, c.Param("id"))
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, views.ReaderFragments(v))
}

// readerView loads a document, its threads, the tag registry and the
// activity log, and shapes them like the reader screen.
func (h *Handler) readerView(c echo.Context, docID string) (views.Reader, error) {
	f, params, err := h.parseFilter(c)
	if err != nil {
		return views.Reader{}, err
	}
	doc, err := h.store.Document(docID)
	if err != nil {
		return views.Reader{}, err
	}
	threads, err := h.store.Threads(doc.ID)
	if err != nil {
		return views.Reader{}, err
	}
	tags, err := h.visibleTags(c)
	if err != nil {
		return views.Reader{}, err
	}
	events, lastEvent, err := h.store.RecentEvents(doc.ID, activityShown+1)
	if err != nil {
		return views.Reader{}, err
	}
	u, _ := currentUser(c)
	registry := tagRegistry(tags)
	readerURL := "/documents/" + doc.ID + queryString(params)
	p := h.page(c, doc.Title)
	sidebar := SidebarView(threads, registry, f, u, utf8.RuneCountInString(doc.Text))
	sidebar.CSRF, sidebar.Next = p.CSRF, readerURL
	v := views.Reader{
		Page:            p,
		DocumentID:      doc.ID,
		Title:           doc.Title,
		Byline:          doc.Byline,
		Dateline:        doc.Dateline,
		Status:          string(doc.Status),
		StatusLabel:     statusLabels[doc.Status],
		Revision:        doc.Revision,
		CanAnnotate:     can(u.Role, actAnnotate),
		Article:         ArticleView(doc, threads, registry, f),
		Sidebar:         sidebar,
		Filters:         readerFilters("/documents/"+doc.ID, params, tags, threads),
		Review:          reviewView(doc, u, sidebar.Open, p.CSRF, readerURL),
		Activity:        activityView(events, threads),
		LastEventID:     fmt.Sprint(lastEvent),
		EventTypes:      eventTypeNames,
		ReaderURL:       readerURL,
		CanRevise:       can(u.Role, actRevise),
		HistoryURL:      "/documents/" + doc.ID + "/history",
		ExportW3CURL:    "/api/documents/" + doc.ID + "/export?format=w3c&all=1",
		ExportNativeURL: "/api/documents/" + doc.ID + "/export?format=native",
		ReviseURL:       "/documents/" + doc.ID + "/revise",
		Notice:          revisionNotice(c, doc),
	}
	if v.Access, err = h.accessPanel(doc, u, p.CSRF); err != nil {
		return views.Reader{}, err
	}
	for _, t := range tags {
		if t.Count > 0 {
			v.Tags = append(v.Tags, t.Name)
		}
	}
	return v, nil
}

// queryString writes a filter back as "?..." (or "" when empty).
func queryString(p filterParams) string {
	q := url.Values{}
	for k, v := range map[string]string{"tag": p.Tag, "author": p.Author, "status": p.Status, "q": p.Text} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// tagRegistry indexes the registry by tag key.
func tagRegistry(tags []annotation.Tag) map[string]annotation.Tag {
	m := make(map[string]annotation.Tag, len(tags))
	for _, t := range tags {
		m[annotation.TagKey(t.Name)] = t
	}
	return m
}

// toneOf is the highlight color of an annotation: its first tag's, or
// neutral.
func toneOf(a annotation.Annotation, registry map[string]annotation.Tag) string {
	if len(a.Tags) == 0 {
		return annotation.NeutralColor
	}
	if t, ok := registry[annotation.TagKey(a.Tags[0])]; ok && t.Color != "" {
		return t.Color
	}
	return annotation.NeutralColor
}

// ArticleView cuts a document's blocks into highlight segments. A segment
// takes the color of its first tagged thread, an underline in each covering
// thread's color, fades when every thread over
// it is resolved, and dims when a filter is set and none passes it. It
// costs time linear in blocks and annotations (plus sorting), whatever the
// overlap.
func ArticleView(doc annotation.Document, threads []annotation.Thread, registry map[string]annotation.Tag, f annotation.Filter) views.Article {
	text := annotation.NewText(doc.Text)
	spans := make([]annotation.Span, 0, len(threads))
	type look struct {
		tone     string
		tagged   bool
		resolved bool
		match    bool
	}
	looks := make(map[string]look, len(threads))
	for _, t := range threads {
		a := t.Annotation
		if a.Anchor == annotation.AnchorOrphaned {
			continue
		}
		spans = append(spans, a.Span())
		looks[a.ID] = look{tone: toneOf(a, registry), tagged: len(a.Tags) > 0,
			resolved: a.Status == annotation.StatusResolved, match: f.Match(t)}
	}
	filtered := !f.IsZero()
	segs := annotation.SegmentDocument(text, doc.Blocks, spans)
	out := views.Article{Blocks: make([]views.Block, len(doc.Blocks))}
	for i, b := range doc.Blocks {
		vb := views.Block{Kind: string(b.Kind), Start: b.Start, End: b.End, Segments: make([]views.Segment, len(segs[i]))}
		for j, s := range segs[i] {
			vs := views.Segment{Text: s.Text, IDs: s.IDs, Depth: s.Depth()}
			if len(s.IDs) > 0 {
				vs.Tone = annotation.NeutralColor
				vs.Resolved = true
				vs.Dim = filtered
				toned := false
				vs.Tones = make([]string, len(s.IDs))
				for k, id := range s.IDs {
					l := looks[id]
					vs.Tones[k] = l.tone
					if !toned && l.tagged {
						vs.Tone, toned = l.tone, true
					}
					if !l.resolved {
						vs.Resolved = false
					}
					if l.match {
						vs.Dim = false
					}
				}
			}
			vb.Segments[j] = vs
		}
		out.Blocks[i] = vb
	}
	return out
}

// SidebarView lists the threads that pass the filter in reading order,
// the resolved ones apart (folded away) unless the filter asks for them,
// with what the viewer may do to each.
// textLength (in code points) places the threads on the overview strip.
func SidebarView(threads []annotation.Thread, registry map[string]annotation.Tag, f annotation.Filter, viewer store.User, textLength int) views.Sidebar {
	s := views.Sidebar{Total: len(threads), Filtered: !f.IsZero(), Cards: []views.Card{}}
	byTag, byAuthor := map[string]int{}, map[string]int{}
	var tagOrder, authorOrder []string
	for _, t := range threads {
		a := t.Annotation
		if a.Status == annotation.StatusOpen {
			s.Open++
		} else {
			s.ResolvedCount++
		}
		if !a.Deleted {
			for _, name := range a.Tags {
				k := annotation.TagKey(name)
				if byTag[k] == 0 {
					tagOrder = append(tagOrder, name)
				}
				byTag[k]++
			}
		}
		if byAuthor[a.Author.Name] == 0 {
			authorOrder = append(authorOrder, a.Author.Name)
		}
		byAuthor[a.Author.Name]++
	}
	for _, name := range tagOrder {
		color := annotation.NeutralColor
		if reg, ok := registry[annotation.TagKey(name)]; ok && reg.Color != "" {
			color = reg.Color
		}
		s.ByTag = append(s.ByTag, views.Count{Name: name, Color: color, N: byTag[annotation.TagKey(name)]})
	}
	for _, name := range authorOrder {
		s.ByAuthor = append(s.ByAuthor, views.Count{Name: name, N: byAuthor[name]})
	}
	byCount := func(a, b views.Count) int {
		return cmp.Or(b.N-a.N, strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)))
	}
	slices.SortFunc(s.ByTag, byCount)
	slices.SortFunc(s.ByAuthor, byCount)
	for _, t := range threads {
		if !f.Match(t) {
			continue
		}
		s.Shown++
		c := cardView(t, registry, viewer)
		if t.Annotation.Anchor == annotation.AnchorOrphaned {
			s.Orphans = append(s.Orphans, c)
			continue
		}
		s.Overview = append(s.Overview, views.OverviewMark{ID: c.ID, Quote: c.Quote, Tone: toneOf(t.Annotation, registry),
			Resolved: c.Status == string(annotation.StatusResolved),
			At:       strconv.FormatFloat(100*float64(t.Annotation.Start)/float64(max(textLength, 1)), 'f', 2, 64)})
		if t.Annotation.Status == annotation.StatusResolved && f.Status != annotation.StatusResolved {
			s.Resolved = append(s.Resolved, c)
		} else {
			s.Cards = append(s.Cards, c)
		}
	}
	return s
}

// cardView shapes one thread, its Markdown rendered and sanitized.
func cardView(t annotation.Thread, registry map[string]annotation.Tag, viewer store.User) views.Card {
	a := t.Annotation
	c := views.Card{
		ID:          a.ID,
		Version:     a.Version,
		Quote:       a.Exact,
		Comment:     renderer.render(a.Comment),
		CommentText: a.Comment,
		Author:      a.Author.Name,
		Created:     a.Created.Format(timeLayout),
		CreatedISO:  isoTime(a.Created),
		Edited:      a.Edited,
		Deleted:     a.Deleted,
		Status:      string(a.Status),
		Motivation:  string(a.Motivation),
		Replacement: a.Replacement,
		Anchor:      string(a.Anchor),
		AnchorLabel: anchorLabels[a.Anchor],
		AnchorScore: int(a.AnchorScore*100 + 0.5),
		Revision:    a.Revision,
		CanAnchor:   !a.Deleted && canAnchor(viewer, a),
		CanDecide: a.Motivation == annotation.Editing && a.Decision == nil && !a.Deleted &&
			a.Anchor != annotation.AnchorOrphaned && can(viewer.Role, actDecide),
		CanEdit:    !a.Deleted && canEditText(viewer, a.Author),
		CanRetag:   !a.Deleted && canRetag(viewer, a),
		CanDelete:  !a.Deleted && canDelete(viewer, a.Author),
		CanResolve: canResolve(viewer, a),
		CanReply:   can(viewer.Role, actAnnotate),
		Replies:    make([]views.ReplyView, 0, len(t.Replies)),
	}
	c.AuthorImported = a.Author.IsImported()
	for _, name := range a.Tags {
		color := annotation.NeutralColor
		if reg, ok := registry[annotation.TagKey(name)]; ok {
			color = reg.Color
		}
		c.Tags = append(c.Tags, views.TagChip{Name: name, Color: color})
	}
	if a.Motivation == annotation.Editing || a.Anchor != annotation.AnchorExact {
		c.OriginalExact = a.OriginalExact
	}
	if a.Motivation == annotation.Editing {
		old := a.OriginalExact
		if old == "" {
			old = a.Exact
		}
		for _, p := range annotation.WordDiff(old, a.Replacement) {
			c.Suggestion = append(c.Suggestion, views.DiffPiece{Kind: string(p.Kind), Text: p.Text})
		}
	}
	if a.Anchor == annotation.AnchorOrphaned {
		c.AnchorLabel = fmt.Sprintf("Orphaned: the passage it had in revision %d is gone", a.Revision)
	}
	if d := a.Decision; d != nil {
		c.Verdict, c.DecidedBy, c.DecidedAt = d.Verdict, d.By.Name, d.Time.Format(timeLayout)
	}
	if r := a.Resolution; r != nil && a.Status == annotation.StatusResolved {
		c.ResolvedBy, c.ResolvedAt = r.By.Name, r.Time.Format(timeLayout)
	}
	for _, r := range t.Replies {
		c.Replies = append(c.Replies, views.ReplyView{
			ID: r.ID, Version: r.Version, Author: r.Author.Name, AuthorImported: r.Author.IsImported(),
			Body: renderer.render(r.Comment), CommentText: r.Comment,
			Created: r.Created.Format(timeLayout), CreatedISO: isoTime(r.Created), Edited: r.Edited,
			CanEdit: canEditText(viewer, r.Author), CanDelete: canDelete(viewer, r.Author),
		})
	}
	activity := t.Activity()
	c.Activity, c.ActivityISO = activity.Format(timeLayout), isoTime(activity)
	return c
}

// readerFilters is the filter form, with the tags of the document's
// threads (counted there) and the authors of the document's threads to choose from. The author filter
// names accounts, so imported authors are not offered: one named like a
// user would stand for that user's threads.
func readerFilters(action string, p filterParams, tags []annotation.Tag, threads []annotation.Thread) views.Filters {
	var authors []string
	for _, t := range threads {
		if t.Annotation.Author.IsImported() {
			continue
		}
		if n := t.Annotation.Author.Name; n != "" && !slices.Contains(authors, n) {
			authors = append(authors, n)
		}
	}
	slices.SortFunc(authors, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return filterForm(action, p, documentTags(tags, threads), authors)
}

// documentTags are the registry's tags that this document's threads use,
// each counted over those threads: the reader's filter offers what is on
// the page, not the whole desk.
func documentTags(registry []annotation.Tag, threads []annotation.Thread) []annotation.Tag {
	counts := map[string]int{}
	for _, t := range threads {
		if t.Annotation.Deleted {
			continue
		}
		for _, name := range t.Annotation.Tags {
			counts[annotation.TagKey(name)]++
		}
	}
	out := make([]annotation.Tag, 0, len(counts))
	for _, t := range registry {
		if n := counts[annotation.TagKey(t.Name)]; n > 0 {
			t.Count = n
			out = append(out, t)
		}
	}
	return out
}

// filterForm shapes the filter form; the current choices are kept even
// when the lists lack them.
func filterForm(action string, p filterParams, tags []annotation.Tag, authors []string) views.Filters {
	f := views.Filters{Action: action, Tag: p.Tag, Author: p.Author, Status: p.Status, Text: p.Text,
		Active: p != filterParams{}, ClearURL: action}
	seenTag := false
	for _, t := range tags {
		if t.Count == 0 && !strings.EqualFold(t.Name, p.Tag) {
			continue
		}
		sel := strings.EqualFold(t.Name, p.Tag)
		seenTag = seenTag || sel
		f.Tags = append(f.Tags, views.Option{Value: t.Name, Label: fmt.Sprintf("%s (%d)", t.Name, t.Count), Selected: sel})
	}
	if p.Tag != "" && !seenTag {
		f.Tags = append(f.Tags, views.Option{Value: p.Tag, Label: p.Tag, Selected: true})
	}
	seenAuthor := false
	for _, a := range authors {
		sel := strings.EqualFold(a, p.Author)
		seenAuthor = seenAuthor || sel
		f.Authors = append(f.Authors, views.Option{Value: a, Label: a, Selected: sel})
	}
	if p.Author != "" && !seenAuthor {
		f.Authors = append(f.Authors, views.Option{Value: p.Author, Label: p.Author, Selected: true})
	}
	for _, o := range [][2]string{{"", "Open and resolved"}, {"open", "Open"}, {"resolved", "Resolved"}} {
		f.Statuses = append(f.Statuses, views.Option{Value: o[0], Label: o[1], Selected: p.Status == o[0]})
	}
	return f
}

// reviewView shapes the review panel.
func reviewView(doc annotation.Document, u store.User, open int, csrf, next string) views.Review {
	r := views.Review{
		Status: string(doc.Status), StatusLabel: statusLabels[doc.Status], OpenThreads: open,
		CanSet: can(u.Role, actSetStatus), CanOverride: can(u.Role, actOverride),
		Action: "/documents/" + doc.ID + "/status", Next: next, CSRF: csrf,
	}
	if s := doc.Review; s != nil {
		r.SetBy, r.SetAt, r.SetAtISO = s.By.Name, s.Time.Format(timeLayout), isoTime(s.Time)
		r.Note, r.Override = s.Note, s.Override
	}
	for _, st := range statusOrder {
		r.Options = append(r.Options, views.Option{Value: string(st), Label: statusLabels[st], Selected: st == doc.Status})
	}
	return r
}

// eventTypeNames is annotation.EventTypes as the reader page names them to
// its script: space-separated.
var eventTypeNames = func() string {
	names := make([]string, len(annotation.EventTypes))
	for i, t := range annotation.EventTypes {
		names[i] = string(t)
	}
	return strings.Join(names, " ")
}()

// activityView shapes the activity log; a thread that still exists is
// linked from its entries.
func activityView(events []annotation.Event, threads []annotation.Thread) views.Activity {
	var v views.Activity
	if len(events) > activityShown {
		events = events[len(events)-activityShown:]
		v.Earlier = true
	}
	live := make(map[string]bool, len(threads))
	for _, t := range threads {
		live[t.Annotation.ID] = true
	}
	for _, ev := range events {
		e := views.ActivityEntry{Type: string(ev.Type), Actor: ev.Actor.Name, ActorImported: ev.Actor.IsImported(), Quote: unquoted(ev.Quote),
			Time: ev.Time.Format(timeLayout), TimeISO: isoTime(ev.Time), Text: activityText(ev)}
		if ev.Annotation != "" && live[ev.Annotation] {
			e.Anchor = "#thread-" + ev.Annotation
		}
		v.Entries = append(v.Entries, e)
	}
	return v
}

// unquoted trims the quotation marks at a passage's ends: the log sets
// passages in quotation marks of its own, and “"Like any other…"” reads
// doubled.
func unquoted(q string) string {
	return strings.Trim(q, "\"'“”‘’«»„")
}

// activityText says what an event did, after the actor's name.
func activityText(ev annotation.Event) string {
	switch ev.Type {
	case annotation.EventAnnotationCreated:
		return "annotated"
	case annotation.EventAnnotationUpdated:
		return "edited the annotation on"
	case annotation.EventAnnotationDeleted:
		if ev.Whole {
			return "deleted the thread on"
		}
		return "deleted the annotation on"
	case annotation.EventAnnotationResolved:
		return "resolved the thread on"
	case annotation.EventAnnotationReopened:
		return "reopened the thread on"
	case annotation.EventReplyCreated:
		return "replied on"
	case annotation.EventReplyUpdated:
		return "edited a reply on"
	case annotation.EventReplyDeleted:
		return "deleted a reply on"
	case annotation.EventDocumentStatus:
		s := "set the status to " + statusLabels[ev.Status]
		if ev.Note != "" {
			s += ": " + ev.Note
		}
		return s
	case annotation.EventTagRenamed:
		if ev.Merged {
			return "merged the tag " + ev.From + " into " + ev.To
		}
		return "renamed the tag " + ev.From + " to " + ev.To
	case annotation.EventDocumentRevised:
		s := fmt.Sprintf("revised the text (revision %d)", ev.Revision)
		if ev.Note != "" {
			s += ": " + ev.Note
		}
		return s
	case annotation.EventAnnotationOrphaned:
		return "revised away the passage of"
	case annotation.EventSuggestionAccepted:
		return "accepted the suggestion on"
	case annotation.EventSuggestionRejected:
		return "rejected the suggestion on"
	}
	return string(ev.Type)
}

// threadsPage lists the threads of every document that pass the filter,
// newest activity first, a page at a time (?page=N).
func (h *Handler) threadsPage(c echo.Context) error {
	found, total, pageNo, params, err := h.findThreads(c)
	if err != nil {
		return err
	}
	tags, err := h.visibleTags(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	registry := tagRegistry(tags)
	v := views.ThreadsPage{Page: h.page(c, "Threads"), Total: total, PageNumber: pageNo,
		Pages: max(1, (total+threadsPerPage-1)/threadsPerPage)}
	v.Page.Nav = "threads"
	users, err := h.store.Users()
	if err != nil {
		return err
	}
	authors := make([]string, 0, len(users))
	for _, u := range users {
		authors = append(authors, u.Name)
	}
	v.Filters = filterForm("/threads", params, tags, authors)
	for _, t := range found {
		card := cardView(t.Thread, registry, u)
		card.DocumentTitle = t.DocumentTitle
		card.URL = "/documents/" + t.Annotation.Document + "#thread-" + t.Annotation.ID
		v.Threads = append(v.Threads, card)
	}
	link := func(n int) string {
		q := queryString(params)
		if q == "" {
			q = "?"
		} else {
			q += "&"
		}
		return "/threads" + q + "page=" + fmt.Sprint(n)
	}
	if pageNo > 1 {
		v.PrevURL = link(pageNo - 1)
	}
	if pageNo < v.Pages {
		v.NextURL = link(pageNo + 1)
	}
	return h.render(c, http.StatusOK, views.ThreadsList(v))
}

// pageParam reads ?page=, counting from 1.
func pageParam(c echo.Context) (int, error) {
	raw := c.QueryParam("page")
	if raw == "" {
		return 1, nil
	}
	var n int
	if _, err := fmt.Sscan(raw, &n); err != nil || n < 1 || fmt.Sprint(n) != raw {
		return 0, &apiError{Status: http.StatusBadRequest, Code: "bad_page", Message: "page must be a whole number from 1."}
	}
	return n, nil
}

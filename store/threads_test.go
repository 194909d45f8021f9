package store

import (
	"errors"
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"galley/annotation"
)

var (
	ann = annotation.Author{ID: "u1", Name: "Ann"}
	bob = annotation.Author{ID: "u2", Name: "Bob"}
)

// mustAnnotate stores an annotation by author with tags over [start, end).
func mustAnnotate(t *testing.T, db *DB, doc annotation.Document, start, end int, author annotation.Author, comment string, tags ...string) annotation.Annotation {
	t.Helper()
	a := testAnnotation(doc, start, end)
	a.Author, a.Comment, a.Tags = author, comment, tags
	a, err := db.CreateAnnotation(a)
	if err != nil {
		t.Fatalf("CreateAnnotation: %v", err)
	}
	return a
}

func mustReply(t *testing.T, db *DB, a annotation.Annotation, author annotation.Author, comment string) annotation.Reply {
	t.Helper()
	r, err := db.CreateReply(annotation.Reply{Annotation: a.ID, Author: author, Comment: comment})
	if err != nil {
		t.Fatalf("CreateReply: %v", err)
	}
	return r
}

// eventTypes lists the types of a document's events in order.
func eventTypes(t *testing.T, db *DB, docID string) []annotation.EventType {
	t.Helper()
	evs, err := db.Events(docID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := []annotation.EventType{}
	for _, ev := range evs {
		out = append(out, ev.Type)
	}
	return out
}

func TestEditAnnotationVersions(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	a := mustAnnotate(t, db, doc, 0, 7, ann, "first")
	at := day

	comment := "second"
	edited, err := db.EditAnnotation(a.ID, a.Version, AnnotationEdit{Comment: &comment, Actor: ann, Time: at})
	wantErr(t, err, nil)
	if edited.Version != a.Version+1 || edited.Comment != "second" || !edited.Edited || !edited.Modified.Equal(at) {
		t.Errorf("edited %+v, want version %d, comment second, edited, modified %v", edited, a.Version+1, at)
	}

	// The version the client saw is gone: refused, nothing written.
	stale := "from an old page"
	_, err = db.EditAnnotation(a.ID, a.Version, AnnotationEdit{Comment: &stale, Actor: ann, Time: at})
	var se *StaleError
	if !errors.As(err, &se) || se.Current != edited.Version || !errors.Is(err, ErrStale) {
		t.Fatalf("stale edit: error %v, want a StaleError at version %d", err, edited.Version)
	}
	if got, _ := db.Annotation(a.ID); got.Comment != "second" {
		t.Errorf("a stale edit wrote %q", got.Comment)
	}

	// The same text changes nothing and logs nothing.
	same, err := db.EditAnnotation(a.ID, edited.Version, AnnotationEdit{Comment: &comment, Actor: ann, Time: at})
	wantErr(t, err, nil)
	if same.Version != edited.Version {
		t.Errorf("a no-op edit bumped the version to %d", same.Version)
	}

	// AnyVersion, and tags: the registry learns them.
	tags := []string{"Style", "legal"}
	retagged, err := db.EditAnnotation(a.ID, AnyVersion, AnnotationEdit{Tags: &tags, Actor: ann, Time: at})
	wantErr(t, err, nil)
	if !slices.Equal(retagged.Tags, tags) || retagged.Version != edited.Version+1 {
		t.Errorf("retagged %+v", retagged)
	}
	_, err = db.EditAnnotation("nope", AnyVersion, AnnotationEdit{Comment: &comment})
	wantErr(t, err, ErrNotFound)

	want := []annotation.EventType{annotation.EventAnnotationCreated, annotation.EventAnnotationUpdated, annotation.EventAnnotationUpdated}
	if got := eventTypes(t, db, doc.ID); !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	assertIndexes(t, db)
}

func TestRepliesInOrderWithVersions(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	a := mustAnnotate(t, db, doc, 0, 7, ann, "Is this right?")
	r1 := mustReply(t, db, a, bob, "Yes.")
	r2 := mustReply(t, db, a, ann, "Thanks.")
	if r1.Document != doc.ID || r1.Version != 1 {
		t.Errorf("reply %+v, want document %s and version 1", r1, doc.ID)
	}
	_, err := db.CreateReply(annotation.Reply{Annotation: "missing", Author: bob, Comment: "x"})
	wantErr(t, err, ErrNotFound)

	th, err := db.Thread(a.ID)
	wantErr(t, err, nil)
	if len(th.Replies) != 2 || th.Replies[0].ID != r1.ID || th.Replies[1].ID != r2.ID {
		t.Fatalf("thread replies %+v, want r1 then r2", th.Replies)
	}

	edited, err := db.EditReply(r1.ID, 1, "Yes, checked.", bob, day)
	wantErr(t, err, nil)
	if edited.Version != 2 || !edited.Edited {
		t.Errorf("edited reply %+v", edited)
	}
	_, err = db.EditReply(r1.ID, 1, "overwrite", bob, day)
	wantErr(t, err, ErrStale)
	_, _, err = db.DeleteReply(r1.ID, 1, bob, day)
	wantErr(t, err, ErrStale)
	_, gone, err := db.DeleteReply(r1.ID, 2, bob, day)
	wantErr(t, err, nil)
	if gone {
		t.Error("deleting a reply of a live annotation removed the thread")
	}
	th, _ = db.Thread(a.ID)
	if len(th.Replies) != 1 || th.Replies[0].ID != r2.ID {
		t.Errorf("after deleting r1 the replies are %+v", th.Replies)
	}
	want := []annotation.EventType{annotation.EventAnnotationCreated, annotation.EventReplyCreated, annotation.EventReplyCreated,
		annotation.EventReplyUpdated, annotation.EventReplyDeleted}
	if got := eventTypes(t, db, doc.ID); !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	assertIndexes(t, db)
}

func TestDeleteAnnotation(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)

	t.Run("without replies it goes", func(t *testing.T) {
		a := mustAnnotate(t, db, doc, 0, 7, ann, "gone", "fact-check")
		_, _, err := db.DeleteAnnotation(a.ID, Deletion{Version: 2, Actor: ann, Time: day})
		wantErr(t, err, ErrStale)
		var kept bool
		_, kept, err = db.DeleteAnnotation(a.ID, Deletion{Version: 1, Actor: ann, Time: day})
		wantErr(t, err, nil)
		if kept {
			t.Error("kept a placeholder for a thread without replies")
		}
		_, err = db.Annotation(a.ID)
		wantErr(t, err, ErrNotFound)
		assertIndexes(t, db)
	})

	t.Run("with replies it leaves a placeholder", func(t *testing.T) {
		a := mustAnnotate(t, db, doc, 0, 7, ann, "secret", "fact-check")
		r := mustReply(t, db, a, bob, "a reply")
		got, kept, err := db.DeleteAnnotation(a.ID, Deletion{Version: a.Version, Actor: ann, Time: day})
		wantErr(t, err, nil)
		if !kept || !got.Deleted || got.Comment != "" || len(got.Tags) != 0 || got.Version != a.Version+1 {
			t.Fatalf("placeholder %+v (kept %v)", got, kept)
		}
		th, err := db.Thread(a.ID)
		wantErr(t, err, nil)
		if len(th.Replies) != 1 {
			t.Fatalf("the placeholder lost its replies: %+v", th.Replies)
		}
		_, _, err = db.DeleteAnnotation(a.ID, Deletion{Version: AnyVersion, Actor: ann, Time: day})
		wantErr(t, err, ErrConflict)
		if _, err := db.EditAnnotation(a.ID, AnyVersion, AnnotationEdit{Comment: new(string)}); !errors.Is(err, ErrConflict) {
			t.Errorf("editing a placeholder: %v, want ErrConflict", err)
		}
		assertIndexes(t, db)

		// The last reply takes the placeholder with it.
		_, gone, err := db.DeleteReply(r.ID, AnyVersion, bob, day)
		wantErr(t, err, nil)
		if !gone {
			t.Error("the placeholder stayed after its last reply went")
		}
		_, err = db.Annotation(a.ID)
		wantErr(t, err, ErrNotFound)
		assertIndexes(t, db)
	})

	t.Run("the whole thread on purpose", func(t *testing.T) {
		a := mustAnnotate(t, db, doc, 0, 7, ann, "thread")
		mustReply(t, db, a, ann, "mine")
		mustReply(t, db, a, bob, "Bob's")
		_, _, err := db.DeleteAnnotation(a.ID, Deletion{Version: AnyVersion, WholeThread: true, Actor: ann, Time: day})
		wantErr(t, err, ErrForbidden)
		if th, _ := db.Thread(a.ID); len(th.Replies) != 2 {
			t.Fatalf("a refused deletion removed replies: %+v", th.Replies)
		}
		_, kept, err := db.DeleteAnnotation(a.ID, Deletion{Version: AnyVersion, WholeThread: true, OthersReplies: true, Actor: ann, Time: day})
		wantErr(t, err, nil)
		if kept {
			t.Error("a whole-thread deletion kept a placeholder")
		}
		_, err = db.Thread(a.ID)
		wantErr(t, err, ErrNotFound)
		evs, _ := db.Events(doc.ID, 0, 0)
		if last := evs[len(evs)-1]; last.Type != annotation.EventAnnotationDeleted || !last.Whole {
			t.Errorf("last event %+v, want annotation.deleted of the whole thread", last)
		}
		assertIndexes(t, db)
	})
}

func TestSetAnnotationStatus(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	a := mustAnnotate(t, db, doc, 0, 7, ann, "x")
	res, err := db.SetAnnotationStatus(a.ID, a.Version, annotation.StatusResolved, bob, day)
	wantErr(t, err, nil)
	if res.Status != annotation.StatusResolved || res.Resolution == nil || res.Resolution.By != bob || res.Version != 2 {
		t.Fatalf("resolved %+v", res)
	}
	again, err := db.SetAnnotationStatus(a.ID, AnyVersion, annotation.StatusResolved, bob, day)
	wantErr(t, err, nil)
	if again.Version != 2 {
		t.Errorf("resolving twice bumped the version to %d", again.Version)
	}
	_, err = db.SetAnnotationStatus(a.ID, 1, annotation.StatusOpen, bob, day)
	wantErr(t, err, ErrStale)
	open, err := db.SetAnnotationStatus(a.ID, 2, annotation.StatusOpen, ann, day)
	wantErr(t, err, nil)
	if open.Status != annotation.StatusOpen || open.Resolution != nil {
		t.Errorf("reopened %+v", open)
	}
	want := []annotation.EventType{annotation.EventAnnotationCreated, annotation.EventAnnotationResolved, annotation.EventAnnotationReopened}
	if got := eventTypes(t, db, doc.ID); !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
}

func TestTagRegistry(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	a := mustAnnotate(t, db, doc, 0, 7, ann, "", "fact-check", "style")
	b := mustAnnotate(t, db, doc, 8, 13, bob, "", "Fact-Check")
	if !slices.Equal(b.Tags, []string{"fact-check"}) {
		t.Errorf("a new spelling of a known tag came back as %v, want the registry's [fact-check]", b.Tags)
	}
	mustAnnotate(t, db, doc, 14, 20, bob, "", "legal")
	tags, err := db.Tags()
	wantErr(t, err, nil)
	var names []string
	colors := map[string]bool{}
	for _, tg := range tags {
		names = append(names, tg.Name)
		colors[tg.Color] = true
	}
	if want := []string{"fact-check", "legal", "style"}; !slices.Equal(names, want) {
		t.Errorf("tags %v, want most used first then by name: %v", names, want)
	}
	if len(colors) != 3 {
		t.Errorf("three new tags share colors: %+v", tags)
	}
	if tags[0].Count != 2 {
		t.Errorf("fact-check counts %d, want 2", tags[0].Count)
	}

	_, err = db.SetTagColor("STYLE", "blue")
	wantErr(t, err, nil)
	if tg, _ := db.Tag("style"); tg.Color != "blue" {
		t.Errorf("style's color is %q, want blue", tg.Color)
	}
	_, err = db.SetTagColor("style", "chartreuse")
	wantErr(t, err, annotation.ErrInvalid)
	_, err = db.SetTagColor("nope", "blue")
	wantErr(t, err, ErrNotFound)

	// Counts follow edits and deletions.
	none := []string{}
	_, err = db.EditAnnotation(a.ID, AnyVersion, AnnotationEdit{Tags: &none, Actor: ann, Time: day})
	wantErr(t, err, nil)
	_, _, err = db.DeleteAnnotation(b.ID, Deletion{Version: AnyVersion, Actor: bob, Time: day})
	wantErr(t, err, nil)
	if tg, _ := db.Tag("fact-check"); tg.Count != 0 {
		t.Errorf("fact-check counts %d after its annotations dropped it, want 0", tg.Count)
	}
	assertIndexes(t, db)
}

func TestRenameTag(t *testing.T) {
	setup := func(t *testing.T) (*DB, annotation.Document, []annotation.Annotation) {
		db := openTestDB(t)
		doc := createTestDocument(t, db)
		other, err := db.CreateDocument(testDocument())
		wantErr(t, err, nil)
		anns := []annotation.Annotation{
			mustAnnotate(t, db, doc, 0, 7, ann, "", "factcheck", "style"),
			mustAnnotate(t, db, doc, 8, 13, bob, "", "fact-check", "factcheck"),
			mustAnnotate(t, db, other, 14, 20, bob, "", "factcheck"),
			mustAnnotate(t, db, doc, 21, 25, bob, "", "legal"),
		}
		return db, doc, anns
	}

	t.Run("merge moves everything", func(t *testing.T) {
		db, doc, anns := setup(t)
		target, _ := db.Tag("fact-check")
		_, err := db.RenameTag("factcheck", "fact-check", false, ann, day)
		wantErr(t, err, ErrConflict)
		got, err := db.RenameTag("FactCheck", "fact-check", true, ann, day)
		wantErr(t, err, nil)
		if got.Name != "fact-check" || got.Count != 3 || got.Color != target.Color {
			t.Errorf("merged tag %+v, want fact-check counting 3 in its own color %s", got, target.Color)
		}
		_, err = db.Tag("factcheck")
		wantErr(t, err, ErrNotFound)
		wantTags := [][]string{{"fact-check", "style"}, {"fact-check"}, {"fact-check"}, {"legal"}}
		for i, a := range anns {
			now, _ := db.Annotation(a.ID)
			if !slices.Equal(now.Tags, wantTags[i]) {
				t.Errorf("annotation %d has tags %v, want %v", i, now.Tags, wantTags[i])
			}
			if bumped := now.Version > a.Version; bumped != (i < 3) {
				t.Errorf("annotation %d: version %d -> %d", i, a.Version, now.Version)
			}
		}
		evs, _ := db.Events(doc.ID, 0, 0)
		if last := evs[len(evs)-1]; last.Type != annotation.EventTagRenamed || last.From != "factcheck" || last.To != "fact-check" || !last.Merged {
			t.Errorf("last event %+v, want tag.renamed factcheck -> fact-check, merged", last)
		}
		assertIndexes(t, db)
	})

	t.Run("rename keeps the color", func(t *testing.T) {
		db, _, anns := setup(t)
		old, _ := db.Tag("style")
		got, err := db.RenameTag("style", "Style guide", false, ann, day)
		wantErr(t, err, nil)
		if got.Name != "Style guide" || got.Color != old.Color || got.Count != 1 {
			t.Errorf("renamed %+v, want Style guide in %s counting 1", got, old.Color)
		}
		if a, _ := db.Annotation(anns[0].ID); !slices.Equal(a.Tags, []string{"factcheck", "Style guide"}) {
			t.Errorf("tags %v", a.Tags)
		}
		// A new spelling only.
		got, err = db.RenameTag("style guide", "style guide", false, ann, day)
		wantErr(t, err, nil)
		if got.Name != "style guide" || got.Count != 1 {
			t.Errorf("respelled %+v", got)
		}
		assertIndexes(t, db)
	})

	t.Run("all or nothing", func(t *testing.T) {
		db, _, anns := setup(t)
		// Break the last annotation the rename will reach: the rename
		// must fail and leave every other annotation as it was.
		err := db.bolt.Update(func(tx *bbolt.Tx) error {
			return tx.Bucket(bucketAnnotations).Put([]byte(anns[2].ID), []byte("{broken"))
		})
		wantErr(t, err, nil)
		if _, err := db.RenameTag("factcheck", "fact-check", true, ann, day); err == nil {
			t.Fatal("the rename succeeded over a broken record")
		}
		for _, a := range anns[:2] {
			now, _ := db.Annotation(a.ID)
			if !slices.Equal(now.Tags, a.Tags) || now.Version != a.Version {
				t.Errorf("a failed merge changed annotation %s: %v v%d", a.ID, now.Tags, now.Version)
			}
		}
		if tg, err := db.Tag("factcheck"); err != nil || tg.Count != 3 {
			t.Errorf("a failed merge changed the source tag: %+v, %v", tg, err)
		}
	})
}

func TestSetDocumentStatus(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	a := mustAnnotate(t, db, doc, 0, 7, ann, "open")
	step := func(s annotation.DocStatus, override bool, note string) annotation.ReviewStep {
		return annotation.ReviewStep{Status: s, By: bob, Time: day, Override: override, Note: note}
	}
	got, err := db.SetDocumentStatus(doc.ID, step(annotation.StatusInReview, false, ""))
	wantErr(t, err, nil)
	if got.Status != annotation.StatusInReview || got.Review == nil || got.Review.By != bob {
		t.Fatalf("in review: %+v", got)
	}
	_, err = db.SetDocumentStatus(doc.ID, step(annotation.StatusApproved, false, ""))
	wantErr(t, err, ErrOpenThreads)
	if d, _ := db.Document(doc.ID); d.Status != annotation.StatusInReview {
		t.Errorf("a refused approval left status %s", d.Status)
	}
	got, err = db.SetDocumentStatus(doc.ID, step(annotation.StatusApproved, true, "Ship it; the open point is minor."))
	wantErr(t, err, nil)
	if got.Status != annotation.StatusApproved || !got.Review.Override || got.Review.Note == "" {
		t.Errorf("override: %+v", got.Review)
	}
	_, err = db.SetDocumentStatus(doc.ID, step(annotation.StatusChangesRequested, false, ""))
	wantErr(t, err, nil)
	_, err = db.SetAnnotationStatus(a.ID, AnyVersion, annotation.StatusResolved, bob, day)
	wantErr(t, err, nil)
	got, err = db.SetDocumentStatus(doc.ID, step(annotation.StatusApproved, true, ""))
	wantErr(t, err, nil)
	if got.Review.Override {
		t.Error("an approval with nothing open is marked as an override")
	}
	_, err = db.SetDocumentStatus("missing", step(annotation.StatusApproved, false, ""))
	wantErr(t, err, ErrNotFound)
	evs, _ := db.Events(doc.ID, 0, 0)
	var statuses []annotation.DocStatus
	for _, ev := range evs {
		if ev.Type == annotation.EventDocumentStatus {
			statuses = append(statuses, ev.Status)
		}
	}
	want := []annotation.DocStatus{annotation.StatusInReview, annotation.StatusApproved, annotation.StatusChangesRequested, annotation.StatusApproved}
	if !slices.Equal(statuses, want) {
		t.Errorf("status events %v, want %v", statuses, want)
	}
}

func TestEventsResumeAndNotify(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	other, _ := db.CreateDocument(testDocument())
	signal, cancel := db.SubscribeEvents(doc.ID)
	defer cancel()

	a := mustAnnotate(t, db, doc, 0, 7, ann, "one")
	select {
	case <-signal:
	case <-time.After(10 * time.Second):
		t.Fatal("no signal after a commit")
	}
	mustAnnotate(t, db, other, 0, 7, ann, "elsewhere")
	select {
	case <-signal:
		t.Fatal("a change to another document signalled this one")
	default:
	}
	mustReply(t, db, a, bob, "two")
	mustReply(t, db, a, bob, "three")

	all, err := db.Events(doc.ID, 0, 0)
	wantErr(t, err, nil)
	if len(all) != 3 {
		t.Fatalf("%d events, want 3", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID <= all[i-1].ID {
			t.Errorf("event ids do not grow: %d then %d", all[i-1].ID, all[i].ID)
		}
	}
	rest, _ := db.Events(doc.ID, all[0].ID, 0)
	if len(rest) != 2 || rest[0].ID != all[1].ID {
		t.Errorf("events after %d: %+v", all[0].ID, rest)
	}
	page, _ := db.Events(doc.ID, 0, 2)
	if len(page) != 2 {
		t.Errorf("limit 2 gave %d events", len(page))
	}
	recent, last, err := db.RecentEvents(doc.ID, 2)
	wantErr(t, err, nil)
	if len(recent) != 2 || recent[0].ID != all[1].ID || recent[1].ID != all[2].ID || last != all[2].ID {
		t.Errorf("recent %+v last %d", recent, last)
	}
	if _, last, _ := db.RecentEvents(testDocID(t, db), 5); last != 0 {
		t.Errorf("a document without events has last id %d", last)
	}
	_, err = db.Events("missing", 0, 0)
	wantErr(t, err, ErrNotFound)
}

// testDocID stores a fresh document and returns its id.
func testDocID(t *testing.T, db *DB) string {
	t.Helper()
	return createTestDocument(t, db).ID
}

func TestFindThreads(t *testing.T) {
	db := openTestDB(t)
	d1 := createTestDocument(t, db)
	d2 := createTestDocument(t, db)
	at := func(m int) time.Time { return day.Add(time.Duration(m) * time.Minute) }
	create := func(doc annotation.Document, author annotation.Author, m int, comment string, tags ...string) annotation.Annotation {
		a := testAnnotation(doc, 0, 7)
		a.Author, a.Comment, a.Tags, a.Created = author, comment, tags, at(m)
		a, err := db.CreateAnnotation(a)
		wantErr(t, err, nil)
		return a
	}
	x := create(d1, ann, 1, "first", "fact-check")
	y := create(d2, bob, 2, "second", "fact-check")
	z := create(d1, bob, 3, "third", "style")
	// A reply makes x the thread with the newest activity.
	_, err := db.CreateReply(annotation.Reply{Annotation: x.ID, Author: bob, Comment: "Spiegel confirms", Created: at(10)})
	wantErr(t, err, nil)
	_, err = db.SetAnnotationStatus(y.ID, AnyVersion, annotation.StatusResolved, bob, at(4))
	wantErr(t, err, nil)

	ids := func(list []DocumentThread) []string {
		out := []string{}
		for _, th := range list {
			out = append(out, th.Annotation.ID)
		}
		return out
	}
	tests := []struct {
		name string
		f    annotation.Filter
		want []string
	}{
		{"all, newest activity first", annotation.Filter{}, []string{x.ID, y.ID, z.ID}},
		{"tag", annotation.Filter{Tag: "FACT-CHECK"}, []string{x.ID, y.ID}},
		{"open fact-check", annotation.Filter{Tag: "fact-check", Status: annotation.StatusOpen}, []string{x.ID}},
		{"author", annotation.Filter{AuthorID: bob.ID}, []string{y.ID, z.ID}},
		{"text in a reply", annotation.Filter{Text: "spiegel"}, []string{x.ID}},
		{"resolved", annotation.Filter{Status: annotation.StatusResolved}, []string{y.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := db.FindThreads(tt.f, 0, 0)
			wantErr(t, err, nil)
			if !slices.Equal(ids(got), tt.want) || total != len(tt.want) {
				t.Errorf("got %v (total %d), want %v", ids(got), total, tt.want)
			}
		})
	}
	page, total, _ := db.FindThreads(annotation.Filter{}, 1, 1)
	if !slices.Equal(ids(page), []string{y.ID}) || total != 3 {
		t.Errorf("page 2 of size 1: %v of %d", ids(page), total)
	}
	if page[0].DocumentTitle != d2.Title {
		t.Errorf("document title %q", page[0].DocumentTitle)
	}
	if page, _, _ := db.FindThreads(annotation.Filter{}, 10, 5); len(page) != 0 {
		t.Errorf("a page past the end has %d threads", len(page))
	}
}

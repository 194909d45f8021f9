package store

import (
	"testing"

	"galley/annotation"
)

// TestThreadsAfterWalksEveryThread pages through a document one thread at a
// time, far more calls than releaseEvery, so the mapped pages are released
// several times while reading: every thread still comes back, in order.
func TestThreadsAfterWalksEveryThread(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	var want []string
	for i := range 5 * releaseEvery {
		a, err := db.CreateAnnotation(testAnnotation(doc, i%20, 20+i%10))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, a.ID)
	}
	var got []string
	after := ""
	for {
		page, err := db.ThreadsAfter(doc.ID, after, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		th := page[0]
		if th.Annotation.Exact != testAnnotation(doc, th.Annotation.Start, th.Annotation.End).Exact {
			t.Fatalf("thread %s reads %q after pages were released", th.Annotation.ID, th.Annotation.Exact)
		}
		got = append(got, th.Annotation.ID)
		after = th.Annotation.ID
	}
	if len(got) != len(want) {
		t.Fatalf("walked %d threads, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("thread %d is %s, want %s (creation order)", i, got[i], want[i])
		}
	}
	threads, replies, err := db.CountThreads(doc.ID)
	if err != nil || threads != len(want) || replies != 0 {
		t.Fatalf("CountThreads = %d, %d, %v", threads, replies, err)
	}
}

// TestSeekItem finds the thread holding each item of an export, where
// items are each annotation followed by its replies.
func TestSeekItem(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	var ids []string
	for i, replies := range []int{2, 0, 1} {
		a, err := db.CreateAnnotation(testAnnotation(doc, i, 10+i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
		for range replies {
			r, err := annotation.NewReply(a, "a reply")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateReply(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Items: t0, r, r, t1, t2, r.
	tests := []struct {
		offset int
		after  string
		skip   int
	}{
		{0, "", 0}, {1, "", 1}, {2, "", 2}, {3, ids[0], 0}, {4, ids[1], 0}, {5, ids[1], 1}, {6, ids[2], 0}, {60, ids[2], 0},
	}
	for _, tt := range tests {
		after, skip, total, err := db.SeekItem(doc.ID, tt.offset)
		if err != nil || after != tt.after || skip != tt.skip || total != 6 {
			t.Errorf("SeekItem(%d) = %q, %d, %d, %v; want %q, %d, 6", tt.offset, after, skip, total, err, tt.after, tt.skip)
		}
	}
	if _, _, _, err := db.SeekItem("missing", 0); err == nil {
		t.Error("SeekItem on a missing document succeeded")
	}
}

package store

import (
	"testing"
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

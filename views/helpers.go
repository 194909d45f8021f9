package views

import (
	"strconv"
	"strings"
)

// tagList writes tags as the tag input takes them.
func tagList(tags []TagChip) string {
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// threadWord is "thread" or "threads".
func threadWord(n int) string {
	if n == 1 {
		return "thread"
	}
	return "threads"
}

// noteHint is the placeholder of the status note.
func noteHint(canOverride bool) string {
	if canOverride {
		return "Note (required to approve over open threads)"
	}
	return "Note (optional)"
}

// replyWord is "reply" or "replies".
func replyWord(n int) string {
	if n == 1 {
		return "reply"
	}
	return "replies"
}

// wordWord is "word" or "words".
func wordWord(n int) string {
	if n == 1 {
		return "word"
	}
	return "words"
}

// verdictLabel names a suggestion's verdict.
func verdictLabel(v string) string {
	if v == "accepted" {
		return "Accepted"
	}
	return "Rejected"
}

// overviewLabel names an overview mark for a screen reader: its place, its
// state and the start of its quote.
func overviewLabel(i, n int, m OverviewMark) string {
	state := "open"
	if m.Resolved {
		state = "resolved"
	}
	q := []rune(m.Quote)
	if len(q) > 60 {
		q = append(q[:60], '…')
	}
	return "Thread " + strconv.Itoa(i+1) + " of " + strconv.Itoa(n) + " (" + state + "): " + string(q)
}

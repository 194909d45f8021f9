package views

import "strings"

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

package annotation

// DiffKind says what a piece of a word diff is.
type DiffKind string

// Kinds of diff pieces.
const (
	DiffEqual  DiffKind = "equal"
	DiffInsert DiffKind = "insert"
	DiffDelete DiffKind = "delete"
)

// DiffPiece is a run of text that two revisions share, or that the newer
// one inserted or deleted.
type DiffPiece struct {
	Kind DiffKind
	Text string
}

// WordDiff compares two revisions of a text word by word, for people to
// read: the lines are diffed first, then each changed stretch of lines by
// words (runs of letters and digits, single spaces and punctuation), so a
// changed word shows whole rather than as scattered letters. Concatenating
// the equal and deleted pieces gives a; the equal and inserted pieces give
// b. Where a stretch changed, its deletion comes before its insertion, and
// neighbouring pieces never share a kind.
func WordDiff(a, b string) []DiffPiece {
	ar, br := []rune(a), []rune(b)
	al, bl := splitLines(ar), splitLines(br)
	intern := interner{}
	var out wordDiffBuilder
	ops := diffSeq(intern.seq(al), intern.seq(bl))
	ai, bi := 0, 0 // line indexes
	for k := 0; k < len(ops); k++ {
		if ops[k].kind == opEqual {
			out.add(DiffEqual, al[ai:ai+ops[k].n])
			ai += ops[k].n
			bi += ops[k].n
			continue
		}
		da, db := 0, 0
		for ; k < len(ops) && ops[k].kind != opEqual; k++ {
			if ops[k].kind == opDelete {
				da += ops[k].n
			} else {
				db += ops[k].n
			}
		}
		k--
		diffWordsInto(&out, al[ai:ai+da], bl[bi:bi+db])
		ai += da
		bi += db
	}
	return out.pieces
}

// diffWordsInto diffs a changed stretch of lines by words.
func diffWordsInto(out *wordDiffBuilder, olds, news [][]rune) {
	var a, b []rune
	for _, l := range olds {
		a = append(a, l...)
	}
	for _, l := range news {
		b = append(b, l...)
	}
	at, bt := splitWords(a), splitWords(b)
	intern := interner{}
	ai, bi := 0, 0
	for _, op := range diffSeq(intern.seq(at), intern.seq(bt)) {
		switch op.kind {
		case opEqual:
			out.add(DiffEqual, at[ai:ai+op.n])
			ai += op.n
			bi += op.n
		case opDelete:
			out.add(DiffDelete, at[ai:ai+op.n])
			ai += op.n
		case opInsert:
			out.add(DiffInsert, bt[bi:bi+op.n])
			bi += op.n
		}
	}
}

// wordDiffBuilder collects pieces, merging neighbours of one kind and
// putting a deletion before the insertion it sits next to.
type wordDiffBuilder struct{ pieces []DiffPiece }

func (b *wordDiffBuilder) add(kind DiffKind, toks [][]rune) {
	var n int
	for _, t := range toks {
		n += len(t)
	}
	if n == 0 {
		return
	}
	text := make([]rune, 0, n)
	for _, t := range toks {
		text = append(text, t...)
	}
	s := string(text)
	k := len(b.pieces)
	switch {
	case k > 0 && b.pieces[k-1].Kind == kind:
		b.pieces[k-1].Text += s
	case kind == DiffDelete && k > 0 && b.pieces[k-1].Kind == DiffInsert:
		// insert, delete -> delete, insert (merging with a deletion before).
		ins := b.pieces[k-1]
		if k > 1 && b.pieces[k-2].Kind == DiffDelete {
			b.pieces[k-2].Text += s
			return
		}
		b.pieces[k-1] = DiffPiece{Kind: DiffDelete, Text: s}
		b.pieces = append(b.pieces, ins)
	default:
		b.pieces = append(b.pieces, DiffPiece{Kind: kind, Text: s})
	}
}

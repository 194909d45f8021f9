package exchange_test

import (
	"testing"

	"galley/exchange"
)

func TestParsePrefer(t *testing.T) {
	const (
		minimal = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
		iris    = "http://www.w3.org/ns/oa#PreferContainedIRIs"
		descr   = "http://www.w3.org/ns/oa#PreferContainedDescriptions"
	)
	tests := []struct {
		name    string
		values  []string
		want    exchange.Preference
		applied bool
	}{
		{name: "none: descriptions by default", values: nil, want: exchange.PreferDescriptions},
		{name: "minimal", values: []string{`return=representation;include="` + minimal + `"`}, want: exchange.PreferMinimal, applied: true},
		{name: "IRIs, spaced", values: []string{`return=representation; include="` + iris + `"`}, want: exchange.PreferIRIs, applied: true},
		{name: "descriptions", values: []string{`return=representation;include="` + descr + `"`}, want: exchange.PreferDescriptions, applied: true},
		{name: "minimal with IRIs", values: []string{`return=representation;include="` + minimal + " " + iris + `"`}, want: exchange.PreferMinimal, applied: true},
		{name: "IRIs and descriptions, which clients must not send", values: []string{`return=representation;include="` + iris + " " + descr + `"`}, want: exchange.PreferDescriptions},
		{name: "among other preferences", values: []string{`respond-async, return=representation;include="` + iris + `"`}, want: exchange.PreferIRIs, applied: true},
		{name: "in a second header", values: []string{"wait=5", `return=representation;include="` + minimal + `"`}, want: exchange.PreferMinimal, applied: true},
		{name: "return=minimal is not the protocol's", values: []string{`return=minimal;include="` + minimal + `"`}, want: exchange.PreferDescriptions},
		{name: "an unknown IRI", values: []string{`return=representation;include="http://example.org/other"`}, want: exchange.PreferDescriptions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, applied := exchange.ParsePrefer(tc.values)
			if got != tc.want || applied != tc.applied {
				t.Errorf("ParsePrefer(%q) = %v, %v; want %v, %v", tc.values, got, applied, tc.want, tc.applied)
			}
		})
	}
}

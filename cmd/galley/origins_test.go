package main

import (
	"slices"
	"testing"
)

func TestParseOrigins(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
		bad  bool
	}{
		{name: "none", in: "", want: nil},
		{name: "two, spaced", in: " https://app.example.org, http://localhost:3000 ", want: []string{"https://app.example.org", "http://localhost:3000"}},
		{name: "a trailing slash", in: "https://app.example.org/", want: []string{"https://app.example.org"}},
		{name: "any origin", in: "*", bad: true},
		{name: "a path", in: "https://app.example.org/client", bad: true},
		{name: "no scheme", in: "app.example.org", bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseOrigins(tc.in)
			if (err != nil) != tc.bad {
				t.Fatalf("parseOrigins(%q) error %v, want error %v", tc.in, err, tc.bad)
			}
			if !tc.bad && !slices.Equal(got, tc.want) {
				t.Errorf("parseOrigins(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

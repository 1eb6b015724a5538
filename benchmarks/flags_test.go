package main

import (
	"io"
	"slices"
	"testing"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args    []string
		sizes   []int
		cases   []string
		wantErr bool
	}{
		{args: nil, sizes: []int{defaultEvents}},
		{args: []string{"-events", "100000"}, sizes: []int{100000}},
		{args: []string{"-sizes", "1150000, 2300000"}, sizes: []int{1150000, 2300000}},
		{args: []string{"-cases", "floor,by-user"}, sizes: []int{defaultEvents}, cases: []string{"floor", "by-user"}},
		{args: []string{"-sizes", "1,x"}, wantErr: true},
		{args: []string{"-events", "0"}, wantErr: true},
		{args: []string{"-workers", "0"}, wantErr: true},
		{args: []string{"extra"}, wantErr: true},
		{args: []string{"-shape", "cluster"}, sizes: []int{defaultEvents}},
		{args: []string{"-shape", "lab"}, sizes: []int{defaultEvents}},
		{args: []string{"-shape", "clusters"}, wantErr: true},
	}
	for _, tt := range tests {
		o, err := parseFlags(tt.args, io.Discard)
		if (err != nil) != tt.wantErr {
			t.Errorf("%q: error %v, want error %v", tt.args, err, tt.wantErr)
			continue
		}
		if err == nil && (!slices.Equal(o.sizes, tt.sizes) || !slices.Equal(o.cases, tt.cases)) {
			t.Errorf("%q: sizes %v cases %v, want %v %v", tt.args, o.sizes, o.cases, tt.sizes, tt.cases)
		}
	}
}

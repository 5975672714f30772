package auth_test

import (
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/auth"
)

func TestPolicy(t *testing.T) {
	t.Parallel()
	h, err := auth.NewHasher()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		password string
		want     string // substring of the complaint; "" = accepted
	}{
		{"correct horse battery", ""},
		{"Zürich-Straße-2026", ""},                  // non-ASCII passphrase
		{"пароль-для-закупок", ""},                  // Cyrillic
		{strings.Repeat("long passphrase ", 5), ""}, // 80 characters
		{"short", "at least 8"},
		{"1234567", "at least 8"},
		{"password", "most common"},
		{"Password1", "most common"},
		{"PASSWORD!", "most common"},
		{"qwertyuiop", "most common"},
		{"aaaaaaaaaaa", "repeat"},
		{"ada@example.test", "email"},
		{"ada@EXAMPLE.test", "email"},
		{"adalovelace", "name"},
		{strings.Repeat("x1", 129), "at most 256"},
		{"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "not valid text"},
	}
	for _, tt := range tests {
		got := h.Policy(tt.password, "ada@example.test", "Ada Lovelace")
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("Policy(%q) = %q, want %q", tt.password, got, tt.want)
		}
	}
}

func TestHashAndCheck(t *testing.T) {
	t.Parallel()
	h, err := auth.NewHasher()
	if err != nil {
		t.Fatal(err)
	}
	hash, err := h.Hash(t.Context(), "correct horse battery")
	if err != nil || !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q, %v", hash, err)
	}
	if ok, err := h.Check(t.Context(), "correct horse battery", hash); !ok || err != nil {
		t.Errorf("right password refused: %v", err)
	}
	if ok, _ := h.Check(t.Context(), "correct horse batterY", hash); ok {
		t.Error("wrong password accepted")
	}
	if ok, err := h.Check(t.Context(), "anything", ""); ok || err != nil {
		t.Errorf("unknown user: ok=%v err=%v", ok, err)
	}
}

// Command tlogcheck verifies Brake's checkpoints, cosignatures and Merkle proofs with the Go team's
// golang.org/x/mod/sumdb/note (C2SP signed notes) and golang.org/x/mod/sumdb/tlog (RFC 6962 tree
// hashing, inclusion and consistency proofs): implementations that share no code with Brake.
//
// note has no verifier for cosignature/v1 (signature type 0x04), so this file adds one through
// note's Verifier interface: the key hash is SHA-256(name || 0x0A || 0x04 || key)[:4], the signature
// after it is an 8-byte big-endian timestamp and a 64-byte Ed25519 signature of
// "cosignature/v1\ntime <T>\n" followed by the note text (c2sp.org/tlog-cosignature).
//
// Input (the file named by the only argument, or stdin), JSON:
//
//	{"cosigners": [{"name": "<origin>/<node>", "key": "<b64 32-byte Ed25519 key>"}], "quorum": 2,
//	 "note": "<signed note>", "leaves": ["<b64 leaf bytes>", ...],
//	 "inclusion": [{"leaf": "<b64>", "leafIndex": 3, "treeSize": 7, "hashes": ["<b64>", ...]}],
//	 "consistency": [{"from": 3, "to": 7, "fromRoot": "<b64>", "hashes": ["<b64>", ...]}]}
//
// Proofs are checked against the note's tree (size and root), and "leaves", when given, must hash
// to its root. Output: one JSON object {"ok": true, ...} and exit 0, or {"ok": false, "error": ...}
// and exit 1. Build: GO111MODULE=off GOPATH=/usr/share/gocode go build.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type cosigner struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

type inclusion struct {
	Leaf      string   `json:"leaf"`
	LeafIndex int64    `json:"leafIndex"`
	TreeSize  int64    `json:"treeSize"`
	Hashes    []string `json:"hashes"`
}

type consistency struct {
	From     int64    `json:"from"`
	To       int64    `json:"to"`
	FromRoot string   `json:"fromRoot"`
	Hashes   []string `json:"hashes"`
}

type request struct {
	Cosigners   []cosigner    `json:"cosigners"`
	Quorum      int           `json:"quorum"`
	Note        string        `json:"note"`
	Leaves      []string      `json:"leaves"`
	Inclusion   []inclusion   `json:"inclusion"`
	Consistency []consistency `json:"consistency"`
}

// cosignatureVerifier is a note.Verifier for one cosignature/v1 key.
type cosignatureVerifier struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func newCosignatureVerifier(name string, key []byte) (*cosignatureVerifier, error) {
	if len(key) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("key of %s is %d bytes, not 32", name, len(key))
	}
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', 0x04})
	h.Write(key)
	sum := h.Sum(nil)
	return &cosignatureVerifier{name: name, hash: binary.BigEndian.Uint32(sum[:4]), key: ed25519.PublicKey(key)}, nil
}

func (v *cosignatureVerifier) Name() string    { return v.name }
func (v *cosignatureVerifier) KeyHash() uint32 { return v.hash }
func (v *cosignatureVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	if t > 1<<63-1 {
		return false
	}
	signed := append([]byte("cosignature/v1\ntime "+strconv.FormatUint(t, 10)+"\n"), msg...)
	return ed25519.Verify(v.key, signed, sig[8:])
}

// parseCheckpoint reads the three-line body: origin, size, base64 root.
func parseCheckpoint(text string) (string, int64, tlog.Hash, error) {
	lines := strings.Split(text, "\n")
	if len(lines) != 4 || lines[3] != "" {
		return "", 0, tlog.Hash{}, fmt.Errorf("checkpoint body is not three lines: %q", text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return "", 0, tlog.Hash{}, fmt.Errorf("bad size line %q", lines[1])
	}
	root, err := decodeHash(lines[2])
	return lines[0], size, root, err
}

func decodeHash(text string) (tlog.Hash, error) {
	var h tlog.Hash
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(raw) != len(h) {
		return h, fmt.Errorf("not a base64 32-byte hash: %q", text)
	}
	copy(h[:], raw)
	return h, nil
}

func decodeHashes(texts []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, 0, len(texts))
	for _, t := range texts {
		h, err := decodeHash(t)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// treeHash computes the RFC 6962 tree head of the leaves with tlog's own storage layout.
func treeHash(leaves []string) (tlog.Hash, error) {
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, index := range indexes {
			if index >= int64(len(stored)) {
				return nil, errors.New("hash not stored")
			}
			out[i] = stored[index]
		}
		return out, nil
	})
	for n, leaf := range leaves {
		data, err := base64.StdEncoding.DecodeString(leaf)
		if err != nil {
			return tlog.Hash{}, fmt.Errorf("leaf %d is not base64", n)
		}
		hashes, err := tlog.StoredHashes(int64(n), data, reader)
		if err != nil {
			return tlog.Hash{}, err
		}
		stored = append(stored, hashes...)
	}
	return tlog.TreeHash(int64(len(leaves)), reader)
}

func run(req request) (map[string]any, error) {
	var verifiers []note.Verifier
	for _, c := range req.Cosigners {
		key, err := base64.StdEncoding.DecodeString(c.Key)
		if err != nil {
			return nil, fmt.Errorf("key of %s is not base64", c.Name)
		}
		v, err := newCosignatureVerifier(c.Name, key)
		if err != nil {
			return nil, err
		}
		verifiers = append(verifiers, v)
	}
	opened, err := note.Open([]byte(req.Note), note.VerifierList(verifiers...))
	if err != nil {
		var invalid *note.InvalidSignatureError
		if errors.As(err, &invalid) {
			return nil, fmt.Errorf("checkpoint: cosignature of %s does not verify", invalid.Name)
		}
		return nil, fmt.Errorf("checkpoint: %v", err)
	}
	var names []string
	for _, s := range opened.Sigs {
		names = append(names, s.Name)
	}
	if len(names) < req.Quorum {
		return nil, fmt.Errorf("checkpoint: %d cosignatures verify, quorum is %d", len(names), req.Quorum)
	}
	origin, size, root, err := parseCheckpoint(opened.Text)
	if err != nil {
		return nil, err
	}
	result := map[string]any{"ok": true, "origin": origin, "size": size, "root": base64.StdEncoding.EncodeToString(root[:]), "cosigners": names}
	if req.Leaves != nil {
		if int64(len(req.Leaves)) != size {
			return nil, fmt.Errorf("tree: %d leaves given, the checkpoint is for %d", len(req.Leaves), size)
		}
		th, err := treeHash(req.Leaves)
		if err != nil {
			return nil, err
		}
		if th != root {
			return nil, fmt.Errorf("tree: root of the leaves is %s, the checkpoint says %s", base64.StdEncoding.EncodeToString(th[:]), base64.StdEncoding.EncodeToString(root[:]))
		}
		result["treeHash"] = base64.StdEncoding.EncodeToString(th[:])
	}
	for i, p := range req.Inclusion {
		if p.TreeSize != size {
			return nil, fmt.Errorf("inclusion %d: for size %d, the checkpoint is %d", i, p.TreeSize, size)
		}
		data, err := base64.StdEncoding.DecodeString(p.Leaf)
		if err != nil {
			return nil, fmt.Errorf("inclusion %d: leaf is not base64", i)
		}
		proof, err := decodeHashes(p.Hashes)
		if err != nil {
			return nil, fmt.Errorf("inclusion %d: %v", i, err)
		}
		if err := tlog.CheckRecord(proof, size, root, p.LeafIndex, tlog.RecordHash(data)); err != nil {
			return nil, fmt.Errorf("inclusion of leaf %d: %v", p.LeafIndex, err)
		}
	}
	for i, p := range req.Consistency {
		if p.To != size {
			return nil, fmt.Errorf("consistency %d: to size %d, the checkpoint is %d", i, p.To, size)
		}
		old, err := decodeHash(p.FromRoot)
		if err != nil {
			return nil, fmt.Errorf("consistency %d: %v", i, err)
		}
		proof, err := decodeHashes(p.Hashes)
		if err != nil {
			return nil, fmt.Errorf("consistency %d: %v", i, err)
		}
		if err := tlog.CheckTree(proof, size, root, p.From, old); err != nil {
			return nil, fmt.Errorf("consistency from %d to %d: %v", p.From, size, err)
		}
	}
	result["inclusion"] = len(req.Inclusion)
	result["consistency"] = len(req.Consistency)
	return result, nil
}

func main() {
	var req request
	input := os.Stdin
	if len(os.Args) == 2 {
		file, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Println(`{"ok": false, "error": "cannot open the request"}`)
			os.Exit(2)
		}
		defer file.Close()
		input = file
	}
	if err := json.NewDecoder(input).Decode(&req); err != nil {
		fmt.Println(`{"ok": false, "error": "cannot read the request"}`)
		os.Exit(2)
	}
	result, err := run(req)
	if err != nil {
		out, _ := json.Marshal(map[string]any{"ok": false, "error": err.Error()})
		fmt.Println(string(out))
		os.Exit(1)
	}
	out, _ := json.Marshal(result)
	fmt.Println(string(bytes.TrimSpace(out)))
}

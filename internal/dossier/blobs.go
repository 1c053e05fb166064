package dossier

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Blobs stores the documents' bytes under random keys. The local folder is the default; an
// object store can implement the same three methods for several servers.
type Blobs interface {
	Put(ctx context.Context, key string, r io.Reader) error
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error
}

// ErrNoBlob is returned by Get for an unknown key.
var ErrNoBlob = errors.New("no such blob")

// NewBlobKey returns a random key (128 bits, hex): a blob's name never derives from the
// dossier, the file name or anything guessable.
func NewBlobKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func validKey(key string) bool {
	if len(key) != 32 {
		return false
	}
	_, err := hex.DecodeString(key)
	return err == nil
}

// LocalBlobs keeps blobs as files in a folder (DataDir/blobs), two levels deep by key
// prefix. The folder is private to the server: files are only served through the handler
// that checks who may read the dossier.
type LocalBlobs struct {
	Dir string
}

func (l LocalBlobs) path(key string) (string, error) {
	if !validKey(key) {
		return "", fmt.Errorf("blob key %q: not a key made by NewBlobKey", key)
	}
	return filepath.Join(l.Dir, key[:2], key), nil
}

// Put writes the blob through a temporary file renamed into place, so that a reader never
// sees half a file.
func (l LocalBlobs) Put(_ context.Context, key string, r io.Reader) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("blob folder: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("blob %s: %w", key, err)
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("blob %s: %w", key, err)
	}
	return nil
}

// Get opens the blob.
func (l LocalBlobs) Get(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoBlob
	}
	return f, err
}

// Delete removes the blob; an absent blob is not an error.
func (l LocalBlobs) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

package db

import "sync"

// watchers are the functions told, in this process, of the rows that its writes changed:
// an in-memory cache (sessions, campaigns) forgets what a write made stale at once, whatever
// path made the write. Changes made by other processes reach them otherwise (PostgreSQL's
// notifications, see Follow).
type watchers struct {
	mu sync.RWMutex
	fn map[string][]func(id int64)
}

// Watch calls fn with the id of every row of topic that a write of this process changes,
// after its transaction commits. Caches subscribe when they are built.
func (d *DB) Watch(topic string, fn func(id int64)) {
	d.watch.mu.Lock()
	defer d.watch.mu.Unlock()
	if d.watch.fn == nil {
		d.watch.fn = map[string][]func(int64){}
	}
	d.watch.fn[topic] = append(d.watch.fn[topic], fn)
}

// Changed tells the watchers of topic that the row id changed (a write outside any
// transaction, already durable).
func (d *DB) Changed(topic string, id int64) {
	d.watch.mu.RLock()
	fns := d.watch.fn[topic]
	d.watch.mu.RUnlock()
	for _, fn := range fns {
		fn(id)
	}
}

func (d *DB) dialect() Dialect { return d.Dialect }

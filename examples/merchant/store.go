package main

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the service's database: one schema, two engines.
//
// The SQL is written once, with ? placeholders, and is the same on both
// engines except where they differ in locking:
//
//   - SQLite allows one writer at a time. The store keeps one connection
//     (SetMaxOpenConns(1)), so every transaction is serialised, and the
//     catch-up job's lock is a mutex: SQLite is for one instance of the
//     service (its file is not shared between processes).
//   - PostgreSQL runs transactions concurrently under READ COMMITTED. A
//     credit first updates its order's row, which takes the row lock, so two
//     payments of one order are summed one after the other; a payout is
//     claimed by a compare-and-set UPDATE (WHERE state = 'planned'), which
//     PostgreSQL re-checks after a concurrent commit, so exactly one
//     instance wins; and the catch-up job holds a session advisory lock
//     (pg_try_advisory_lock) on a connection of its own, released when the
//     job ends or the connection dies with its process.
type Store struct {
	db       *sql.DB
	postgres bool
	jobs     sync.Map // SQLite: name -> *sync.Mutex
}

// OpenStore opens the database dsn names and brings its schema up to date.
// A dsn starting with postgres:// or postgresql:// is PostgreSQL; anything
// else is an SQLite file ("sqlite:" prefix optional).
func OpenStore(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{postgres: strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")}
	driver := "pgx"
	if !s.postgres {
		driver, dsn = "sqlite", sqliteDSN(dsn)
	}
	var err error
	if s.db, err = sql.Open(driver, dsn); err != nil {
		return nil, err
	}
	if !s.postgres {
		s.db.SetMaxOpenConns(1)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return s, nil
}

// sqliteDSN turns a path into modernc.org/sqlite's DSN: foreign keys on, and
// a wait rather than an error when the file is busy.
func sqliteDSN(dsn string) string {
	path := strings.TrimPrefix(dsn, "sqlite:")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return "file:" + path + sep + "_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// q rewrites a query's ? placeholders as PostgreSQL's $1, $2, ...
func (s *Store) q(query string) string {
	if !s.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Store) exec(ctx context.Context, x execer, query string, args ...any) (int64, error) {
	res, err := x.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// inTx runs fn in one transaction, committed when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// migrate applies the embedded migrations not applied yet, each in its own
// transaction, in the order of their names. A migration's statements end
// with ";", and no comment or string in it holds one. On PostgreSQL a transaction
// advisory lock keeps instances starting together from applying one twice.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.applyMigration(ctx, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if s.postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("migrate")); err != nil {
				return err
			}
		}
		var applied int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), name).Scan(&applied); err != nil {
			return err
		}
		if applied > 0 {
			return nil
		}
		for _, stmt := range strings.Split(string(body), ";") {
			if strings.TrimSpace(stripComments(stmt)) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		_, err := s.exec(ctx, tx, `INSERT INTO schema_migrations (version) VALUES (?)`, name)
		return err
	})
}

func stripComments(stmt string) string {
	var b strings.Builder
	for _, line := range strings.Split(stmt, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line)
	}
	return b.String()
}

// errLocked: another instance holds the job's lock.
var errLocked = errors.New("held by another instance")

// withJobLock runs fn while holding the named lock across every instance on
// this database, or returns errLocked at once if another holds it.
func (s *Store) withJobLock(ctx context.Context, name string, fn func() error) error {
	if !s.postgres {
		mu, _ := s.jobs.LoadOrStore(name, new(sync.Mutex))
		if !mu.(*sync.Mutex).TryLock() {
			return errLocked
		}
		defer mu.(*sync.Mutex).Unlock()
		return fn()
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, lockKey(name)).Scan(&got); err != nil {
		return err
	}
	if !got {
		return errLocked
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockKey(name))
	return fn()
}

// lockKey maps a lock's name to PostgreSQL's 64-bit advisory lock key.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("merchant:" + name))
	return int64(h.Sum64())
}

// loadCursor returns the text of the named cursor, nil if none was saved.
func (s *Store) loadCursor(ctx context.Context, name string) ([]byte, error) {
	var text string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT cursor FROM cursors WHERE name = ?`), name).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return []byte(text), err
}

// saveCursor stores the named cursor's text.
func (s *Store) saveCursor(ctx context.Context, name string, text []byte) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO cursors (name, cursor, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
		name, string(text), nowMicros())
	return err
}

// park records an event that can never be credited, once.
func (s *Store) park(ctx context.Context, key, kind, reason string) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO parked_events (dedupe_key, kind, reason, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`, key, kind, reason, nowMicros())
	return err
}

func nowMicros() int64 { return time.Now().UnixMicro() }

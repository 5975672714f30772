// Package devpg runs a private Postgres for development and tests: it finds
// the server binaries, creates a cluster once, starts it on a free loopback
// port and stops it cleanly. Run as root (as in CI and here), it runs initdb
// and the server as an unprivileged user, because Postgres refuses root.
//
// It is never linked into the production binary (only cmd/devpg uses it)
// and imports only the standard library.
package devpg

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNoBinaries is returned (wrapped, with the ways out) when no Postgres
// server binaries can be found.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries (initdb, postgres) found")

// Finder says where to look for Postgres binaries. The zero value looks on
// PATH, asks pg_config, then searches the versioned folders Debian and
// Ubuntu install (/usr/lib/postgresql/<version>/bin), newest first.
type Finder struct {
	Path     string   // PATH to search; "" means the process's PATH
	Versions []string // glob patterns of versioned bin folders; nil means the Debian/Ubuntu default
}

var debianBinDirs = []string{"/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/opt/homebrew/opt/postgresql*/bin"}

// BinDir returns a folder that holds both initdb and postgres.
func (f Finder) BinDir() (string, error) {
	path := f.Path
	if path == "" {
		path = os.Getenv("PATH")
	}
	has := func(dir string) bool {
		return isExec(filepath.Join(dir, "initdb")) && isExec(filepath.Join(dir, "postgres")) && isExec(filepath.Join(dir, "pg_ctl"))
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		// PATH may hold symlinks into the real folder (as /usr/local/bin
		// does on some machines); the real folder also has the clients.
		if real, err := filepath.EvalSymlinks(filepath.Join(dir, "initdb")); err == nil && has(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if has(dir) {
			return dir, nil
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if pgConfig := filepath.Join(dir, "pg_config"); dir != "" && isExec(pgConfig) {
			out, err := exec.Command(pgConfig, "--bindir").Output()
			if bin := strings.TrimSpace(string(out)); err == nil && has(bin) {
				return bin, nil
			}
		}
	}
	patterns := f.Versions
	if patterns == nil {
		patterns = debianBinDirs
	}
	var found []string
	for _, pat := range patterns {
		matches, _ := filepath.Glob(pat)
		for _, m := range matches {
			if has(m) {
				found = append(found, m)
			}
		}
	}
	if len(found) > 0 {
		sort.Slice(found, func(i, j int) bool { return versionOf(found[i]) > versionOf(found[j]) })
		return found[0], nil
	}
	return "", fmt.Errorf("%w. Three ways out:\n"+
		"  1. install the server: apt-get install postgresql (Debian/Ubuntu), brew install postgresql (macOS);\n"+
		"  2. run everything in Docker: docker compose up;\n"+
		"  3. point at a running Postgres: DATABASE_URL=postgres://user:pass@host:5432/db make run\n"+
		"     (and TEST_DATABASE_URL=... make test)", ErrNoBinaries)
}

// versionOf extracts the major version from ".../postgresql/15/bin", for
// choosing the newest; 0 when there is none.
func versionOf(dir string) int {
	parts := strings.Split(dir, string(filepath.Separator))
	for i := len(parts) - 1; i >= 0; i-- { // the last number: ".../postgresql/15/bin"
		if n, err := strconv.Atoi(parts[i]); err == nil {
			return n
		}
	}
	return 0
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// Cluster is one Postgres data directory and, while running, its server.
type Cluster struct {
	BinDir  string
	DataDir string
	Port    int
	// Runner is the OS user that owns the data and runs the server when the
	// process is root; nil when running as an ordinary user.
	Runner *Runner
	// Fast trades durability for speed (fsync off): for throwaway test
	// clusters only.
	Fast bool
	// Server sizes the cluster as a database server of this machine would
	// be configured (ServerSettings), for the load generator's cluster: the
	// defaults suit a laptop's development database, not a benchmark of a
	// write-heavy workload over several GB.
	Server bool

	cmd     *exec.Cmd
	exited  chan error
	adopted bool // the server was already running; Stop leaves it alone
	logPath string
}

// Runner is an unprivileged account to run Postgres as.
type Runner struct {
	Name     string
	UID, GID uint32
}

// RunnerForRoot returns nil when the process is not root, else an
// unprivileged account: "postgres" if it exists, else "nobody".
func RunnerForRoot() (*Runner, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		if uid == 0 {
			continue
		}
		return &Runner{Name: name, UID: uint32(uid), GID: uint32(gid)}, nil
	}
	return nil, errors.New("devpg: running as root, and neither a 'postgres' nor a 'nobody' user exists to run Postgres as (Postgres refuses to run as root); create one with: useradd --system postgres")
}

// CanReach reports whether r can walk down to dir (every ancestor
// searchable by r), which the server needs to open its data directory.
func (r *Runner) CanReach(dir string) bool {
	if r == nil {
		return true
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for p := filepath.Dir(abs); ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return false
		}
		mode := st.Mode().Perm()
		sys, _ := st.Sys().(*syscall.Stat_t)
		switch {
		case sys != nil && sys.Uid == r.UID:
			if mode&0o100 == 0 {
				return false
			}
		case sys != nil && sys.Gid == r.GID:
			if mode&0o010 == 0 {
				return false
			}
		default:
			if mode&0o001 == 0 {
				return false
			}
		}
		if p == filepath.Dir(p) {
			return true
		}
	}
}

func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.BinDir, name), args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // Ctrl-C in the terminal is ours to handle
	if c.Runner != nil {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: c.Runner.UID, Gid: c.Runner.GID}
		cmd.Dir = "/"
	}
	return cmd
}

// Initialized reports whether DataDir already holds a cluster.
func (c *Cluster) Initialized() bool {
	_, err := os.Stat(filepath.Join(c.DataDir, "PG_VERSION"))
	return err == nil
}

// Init creates the cluster with a "postgres" superuser that loopback
// connections reach without a password. It is a development cluster: it
// listens on 127.0.0.1 only.
func (c *Cluster) Init() error {
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("devpg: create %s: %w", c.DataDir, err)
	}
	if c.Runner != nil {
		if !c.Runner.CanReach(c.DataDir) {
			return fmt.Errorf("devpg: user %q cannot reach %s (a parent folder is not searchable by others); "+
				"clone the repository somewhere world-searchable, or set DATABASE_URL", c.Runner.Name, c.DataDir)
		}
		if err := os.Chown(c.DataDir, int(c.Runner.UID), int(c.Runner.GID)); err != nil {
			return fmt.Errorf("devpg: hand %s to %s: %w", c.DataDir, c.Runner.Name, err)
		}
	}
	var out bytes.Buffer
	cmd := c.command("initdb", "-D", c.DataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("devpg: initdb: %w\n%s", err, out.String())
	}
	return nil
}

// Start runs the server, or adopts one already running on DataDir (another
// `make run` in a second terminal). It returns when the server accepts
// connections.
func (c *Cluster) Start(ctx context.Context) error {
	if port, ok := c.runningPort(); ok {
		c.Port, c.adopted = port, true
		return c.waitReady(ctx)
	}
	if c.Port == 0 {
		p, err := FreePort()
		if err != nil {
			return err
		}
		c.Port = p
	}
	args := append([]string{"-D", c.DataDir, "-p", strconv.Itoa(c.Port)}, c.settings()...)
	c.logPath = filepath.Join(filepath.Dir(c.DataDir), filepath.Base(c.DataDir)+".log")
	logf, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("devpg: server log: %w", err)
	}
	cmd := c.command("postgres", args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("devpg: start postgres: %w", err)
	}
	c.cmd, c.exited = cmd, make(chan error, 1)
	go func() { c.exited <- cmd.Wait(); logf.Close() }()
	return c.waitReady(ctx)
}

// settings are the -c options the server runs with.
func (c *Cluster) settings() []string {
	args := []string{"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
		"-c", "max_connections=400", "-c", "shared_buffers=128MB"}
	if c.Fast {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	if c.Server {
		for _, kv := range ServerSettings(MemTotal()) {
			args = append(args, "-c", kv)
		}
	}
	return args
}

// Running reports whether a server already runs on DataDir (Start would
// adopt it).
func (c *Cluster) Running() bool {
	_, ok := c.runningPort()
	return ok
}

// runningPort reads postmaster.pid: a live server on this data directory
// and the port it listens on.
func (c *Cluster) runningPort() (int, bool) {
	f, err := os.Open(filepath.Join(c.DataDir, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) < 4 {
		return 0, false
	}
	pid, err1 := strconv.Atoi(strings.TrimSpace(lines[0]))
	port, err2 := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err1 != nil || err2 != nil || pid <= 0 {
		return 0, false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return 0, false // stale file from a crash; postgres removes it on start
	}
	return port, true
}

func (c *Cluster) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", c.Addr(), 200*time.Millisecond)
		if err == nil {
			conn.Close()
			// Accepting TCP is not yet accepting sessions; pg_isready knows.
			if isready := c.client("pg_isready"); isExec(isready) {
				if exec.CommandContext(ctx, isready, "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port)).Run() == nil {
					return nil
				}
			} else {
				return nil
			}
		}
		select {
		case err := <-c.exited:
			return fmt.Errorf("devpg: postgres exited during start-up (%v); its log:\n%s", err, c.tailLog())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("devpg: postgres did not accept connections within 30 s; its log:\n%s", c.tailLog())
		}
	}
}

func (c *Cluster) tailLog() string {
	b, _ := os.ReadFile(c.logPath)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// client is the path of a client program: beside the server binaries, or
// on PATH.
func (c *Cluster) client(name string) string {
	if p := filepath.Join(c.BinDir, name); isExec(p) {
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return filepath.Join(c.BinDir, name)
}

// Addr is host:port of the server.
func (c *Cluster) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port)) }

// URL is a connection URL for database db as the postgres superuser.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable", c.Addr(), db)
}

// CreateDatabase creates db unless it exists, with the createdb client.
func (c *Cluster) CreateDatabase(db string) error {
	var out bytes.Buffer
	cmd := exec.Command(c.client("createdb"), "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port), "-U", "postgres", db)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if strings.Contains(out.String(), "already exists") {
			return nil
		}
		return fmt.Errorf("devpg: createdb %s: %w: %s", db, err, out.String())
	}
	return nil
}

// Stop shuts the server down ("fast": open sessions are rolled back) and
// waits for it, unless Start adopted a server someone else runs.
func (c *Cluster) Stop() error {
	if c.cmd == nil || c.adopted {
		return nil
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT) // postgres: SIGINT = fast shutdown
	select {
	case <-c.exited:
		return nil
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return errors.New("devpg: postgres did not stop within 30 s and was killed")
	}
}

// FreePort asks the kernel for a free loopback port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("devpg: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ServerSettings are the settings a database server with memTotal bytes
// of RAM is commonly given, beyond Postgres's defaults (which are sized
// for a small shared machine): a quarter of the RAM for shared buffers
// (from 128 MB to 8 GB), and checkpoints spaced out to every 15 minutes or
// 8 GB of WAL. With the defaults, the load generator's submissions forced
// a checkpoint every ~40 s (1 GB of WAL), after each of which every index
// page first touched is written to the WAL whole; and its 9 GB database
// was read through 128 MB of buffers.
func ServerSettings(memTotal uint64) []string {
	const mb = 1 << 20
	buffers := min(max(memTotal/4/mb, 128), 8192)
	return []string{fmt.Sprintf("shared_buffers=%dMB", buffers), "max_wal_size=8GB", "checkpoint_timeout=15min"}
}

// MemTotal is the machine's RAM in bytes from /proc/meminfo, 0 when it
// cannot be read (ServerSettings then keeps 128 MB of buffers).
func MemTotal() uint64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			var kb uint64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

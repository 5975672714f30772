package devpg_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/devpg"
)

func fakeBin(t *testing.T, dir string, names ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFinderWithoutBinariesNamesTheWaysOut(t *testing.T) {
	t.Parallel()
	_, err := devpg.Finder{Path: t.TempDir(), Versions: []string{}}.BinDir()
	if !errors.Is(err, devpg.ErrNoBinaries) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"apt-get install postgresql", "docker compose up", "DATABASE_URL="} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message does not mention %q:\n%s", want, err)
		}
	}
}

func TestFinderPrefersNewestVersionedFolder(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, v := range []string{"13", "16", "9"} {
		fakeBin(t, filepath.Join(root, "postgresql", v, "bin"), "initdb", "postgres", "pg_ctl")
	}
	fakeBin(t, filepath.Join(root, "postgresql", "17", "bin"), "initdb") // incomplete: ignored
	got, err := devpg.Finder{Path: t.TempDir(), Versions: []string{filepath.Join(root, "postgresql", "*", "bin")}}.BinDir()
	if err != nil || got != filepath.Join(root, "postgresql", "16", "bin") {
		t.Errorf("BinDir = %q, %v", got, err)
	}
}

func TestFinderFollowsSymlinksOnPath(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	real := filepath.Join(root, "real", "bin")
	fakeBin(t, real, "initdb", "postgres", "pg_ctl", "createdb")
	onPath := filepath.Join(root, "path")
	if err := os.MkdirAll(onPath, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"initdb", "postgres", "pg_ctl"} {
		if err := os.Symlink(filepath.Join(real, n), filepath.Join(onPath, n)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := devpg.Finder{Path: onPath, Versions: []string{}}.BinDir()
	if err != nil || got != real {
		t.Errorf("BinDir = %q, %v; want the symlinks' real folder", got, err)
	}
}

// startStop runs a whole cluster life: init, start, a TCP connection,
// createdb, stop, and checks that the server process is gone. server
// starts it with ServerSettings (Postgres refuses to start on a setting it
// does not take).
func startStop(t *testing.T, runner *devpg.Runner, server bool) {
	t.Helper()
	bin, err := devpg.Finder{}.BinDir()
	if err != nil {
		t.Fatalf("these tests need Postgres binaries (.ci/run installs them): %v", err)
	}
	base, err := os.MkdirTemp("", "devpg-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	c := &devpg.Cluster{BinDir: bin, DataDir: filepath.Join(base, "data"), Runner: runner, Fast: true, Server: server}
	if err := c.Init(); err != nil {
		t.Fatal(err)
	}
	if !c.Initialized() {
		t.Fatal("not initialised after Init")
	}
	if server {
		// What the benchmark server's shared buffers take in huge pages:
		// at least the 128 MB minimum of buffers (64 pages of 2 MB).
		if n, err := c.HugePagesNeeded(); err != nil || (runtime.GOOS == "linux" && n < 64) {
			t.Errorf("HugePagesNeeded() = %d, %v; want at least 64", n, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", c.Addr(), time.Second)
	if err != nil {
		t.Fatalf("server not listening: %v", err)
	}
	conn.Close()
	if err := c.CreateDatabase("procure_test"); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateDatabase("procure_test"); err != nil {
		t.Errorf("creating an existing database again: %v", err)
	}
	pid := postmasterPID(t, c.DataDir)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("postgres (pid %d) still runs after Stop", pid)
	}
	if _, err := os.Stat(filepath.Join(c.DataDir, "postmaster.pid")); err == nil {
		t.Error("postmaster.pid left behind: not a clean shutdown")
	}
}

func postmasterPID(t *testing.T, dataDir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	for _, ch := range strings.SplitN(string(b), "\n", 2)[0] {
		pid = pid*10 + int(ch-'0')
	}
	return pid
}

// TestClusterAsRoot: as root, initdb and the server run as an unprivileged
// user, and the data directory belongs to that user.
func TestClusterAsRoot(t *testing.T) {
	if os.Getenv("DEVPG_CHILD") != "" {
		t.Skip("child process")
	}
	if os.Geteuid() != 0 {
		t.Skip("not root: the root path is exercised in CI, which runs as root")
	}
	runner, err := devpg.RunnerForRoot()
	if err != nil || runner == nil {
		t.Fatalf("no unprivileged user: %v", err)
	}
	startStop(t, runner, true)
}

// TestClusterAsNonRoot runs the same life cycle as an ordinary user: when
// the tests run as root, the test binary re-runs itself as that user.
func TestClusterAsNonRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		startStop(t, nil, false)
		return
	}
	runner, err := devpg.RunnerForRoot()
	if err != nil || runner == nil {
		t.Fatalf("no unprivileged user: %v", err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "devpg-child-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "devpg.test")
	copyFile(t, self, exe)
	cmd := exec.Command(exe, "-test.run", "^TestClusterAsNonRoot$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DEVPG_CHILD=1", "HOME="+dir, "TMPDIR=/tmp")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: runner.UID, Gid: runner.GID}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestClusterAsNonRoot") {
		t.Fatalf("as %s: %v\n%s", runner.Name, err, out)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRunnerCanReach(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a folder others cannot search")
	}
	runner, _ := devpg.RunnerForRoot()
	closed := filepath.Join(t.TempDir(), "closed")
	if err := os.MkdirAll(filepath.Join(closed, "inner"), 0o700); err != nil {
		t.Fatal(err)
	}
	if runner.CanReach(filepath.Join(closed, "inner", "data")) {
		t.Error("CanReach through a 0700 root folder")
	}
	open := filepath.Join(os.TempDir(), "devpg-open-"+filepath.Base(t.TempDir()))
	if err := os.MkdirAll(open, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(open)
	if !runner.CanReach(filepath.Join(open, "data")) {
		t.Error("cannot reach a world-searchable folder")
	}
}

func TestServerSettings(t *testing.T) {
	const gb = 1 << 30
	for _, tc := range []struct {
		mem     uint64
		buffers string
	}{
		{0, "shared_buffers=128MB"}, // unknown: the default
		{256 << 20, "shared_buffers=128MB"},
		{4 * gb, "shared_buffers=1024MB"},
		{24 * gb, "shared_buffers=6144MB"},
		{64 * gb, "shared_buffers=8192MB"},
	} {
		got := devpg.ServerSettings(tc.mem)
		if len(got) == 0 || got[0] != tc.buffers {
			t.Errorf("ServerSettings(%d) = %q, want %s first", tc.mem, got, tc.buffers)
		}
		if !slices.Contains(got, "max_wal_size=8GB") || !slices.Contains(got, "checkpoint_timeout=15min") {
			t.Errorf("ServerSettings(%d) = %q: checkpoints not spaced out", tc.mem, got)
		}
	}
	if devpg.MemTotal() == 0 {
		t.Error("MemTotal read nothing from /proc/meminfo")
	}
}

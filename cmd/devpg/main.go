// Command devpg runs a command beside a private Postgres, for `make run` and
// `make test` on a machine that has Postgres binaries but no server set up.
//
//	devpg [-test] [-server] [-data DIR] -- command [args...]
//
// Without -test it uses DATABASE_URL when set; otherwise it starts (or
// reuses) a persistent cluster under DIR (default .data/pg), creates the
// "procure" database and exports DATABASE_URL. With -test it uses
// TEST_DATABASE_URL when set; otherwise it starts a throwaway cluster
// (fsync off) and exports TEST_DATABASE_URL. Either way, when the command
// ends, the server devpg started is stopped. -server sizes a cluster devpg
// starts as this machine's database server would be (devpg.ServerSettings),
// its shared buffers on huge pages when the kernel has or (as root) can
// reserve enough, given back when the server stops (devpg/hugepages.go):
// `make load` runs its benchmark cluster so. Ctrl-C and SIGTERM go to the
// command first; Postgres stops after it.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/procure-app/procure/internal/devpg"
)

func main() {
	test := flag.Bool("test", false, "throwaway cluster for the test suite; exports TEST_DATABASE_URL")
	data := flag.String("data", ".data/pg", "data directory of the persistent development cluster")
	server := flag.Bool("server", false, "size the cluster as this machine's database server (shared buffers a quarter of RAM on huge pages, spaced checkpoints): for the load generator")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: devpg [-test] [-server] [-data DIR] -- command [args...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("component", "devpg")
	code, err := run(log, *test, *server, *data, flag.Args())
	if err != nil {
		log.Error(err.Error())
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func run(log *slog.Logger, test, server bool, dataDir string, argv []string) (int, error) {
	envVar := "DATABASE_URL"
	if test {
		envVar = "TEST_DATABASE_URL"
	}
	if os.Getenv(envVar) != "" {
		log.Info("using the database in " + envVar + "; no private Postgres started")
		return runCommand(argv, nil)
	}
	bin, err := devpg.Finder{}.BinDir()
	if err != nil {
		return 1, err
	}
	runner, err := devpg.RunnerForRoot()
	if err != nil {
		return 1, err
	}
	c := &devpg.Cluster{BinDir: bin, Runner: runner, Fast: test, Server: server}
	if test {
		tmp, err := os.MkdirTemp("", "procure-testpg-")
		if err != nil {
			return 1, err
		}
		defer os.RemoveAll(tmp)
		if err := os.Chmod(tmp, 0o755); err != nil { // the unprivileged runner must reach data/
			return 1, err
		}
		c.DataDir = filepath.Join(tmp, "data")
	} else {
		c.DataDir, err = filepath.Abs(dataDir)
		if err != nil {
			return 1, err
		}
		if err := os.MkdirAll(filepath.Dir(c.DataDir), 0o755); err != nil {
			return 1, err
		}
		if !runner.CanReach(c.DataDir) {
			// e.g. a clone under /root (0700): the runner cannot open it.
			sum := sha256.Sum256([]byte(c.DataDir))
			alt := filepath.Join("/var/tmp", "procure-pg-"+hex.EncodeToString(sum[:6]))
			log.Warn("the Postgres user cannot reach the data folder; keeping the cluster elsewhere",
				"wanted", c.DataDir, "using", alt, "user", runner.Name)
			c.DataDir = alt
		}
	}
	if !c.Initialized() {
		log.Info("creating a Postgres cluster", "data", c.DataDir, "bin", bin)
		if err := c.Init(); err != nil {
			return 1, err
		}
	}
	checkHuge := func() {}
	if server && !c.Running() {
		var release func()
		checkHuge, release = hugePages(log, c)
		defer release() // registered before Stop's defer: runs after the server is gone
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = c.Start(ctx)
	cancel()
	if err != nil {
		return 1, err
	}
	checkHuge()
	defer func() {
		if err := c.Stop(); err != nil {
			log.Error(err.Error())
		}
	}()
	if !test {
		if err := c.CreateDatabase("procure"); err != nil {
			return 1, err
		}
	}
	url := c.URL("procure")
	if test {
		url = c.URL("postgres")
	}
	log.Info("Postgres ready", "addr", c.Addr(), "data", c.DataDir, "env", envVar)
	return runCommand(argv, []string{envVar + "=" + url})
}

// hugePages reserves huge pages for the server's shared buffers when the
// kernel has too few free (devpg/hugepages.go: on this machine submissions
// ran ~1.5 times as fast). It returns a check to run once the server is up
// (Postgres claims its huge pages at start; if as many are still free, it
// took none) and what gives the reserved pages back. Without them (not
// root, not Linux, memory short) the server runs on regular pages, and the
// log says so and what to run.
func hugePages(log *slog.Logger, c *devpg.Cluster) (check, release func()) {
	check, release = func() {}, func() {}
	if runtime.GOOS != "linux" {
		return check, release
	}
	need, err := c.HugePagesNeeded()
	if err != nil || need == 0 {
		log.Warn("shared buffers on regular pages: huge pages unknown here", "err", err)
		return check, release
	}
	r, err := devpg.KernelHugePool.Reserve(need)
	if err != nil {
		log.Warn("shared buffers on regular pages (slower: every backend faults each buffer page in)", "huge_pages_needed", need, "err", err)
		return check, release
	}
	if r.After == r.Before {
		log.Info("huge pages free for the shared buffers", "huge_pages", need)
	} else {
		log.Info("huge pages reserved for the shared buffers until the server stops", "huge_pages", need,
			"vm.nr_hugepages", fmt.Sprintf("%d -> %d", r.Before, r.After))
	}
	before, err := devpg.KernelHugePool.Available()
	if err == nil {
		check = func() {
			if after, err := devpg.KernelHugePool.Available(); err == nil && after > before-need {
				log.Warn("Postgres did not take the huge pages free for it: shared buffers on regular pages", "huge_pages_free", after)
			}
		}
	}
	return check, func() {
		if err := r.Release(); err != nil {
			log.Error("huge pages not given back", "err", err, "vm.nr_hugepages", r.Before)
		}
	}
}

// runCommand runs argv in its own process group with extra environment and
// relays SIGINT/SIGTERM to that group, so the command shuts down first and
// Postgres after it. It returns the command's exit code.
func runCommand(argv []string, env []string) (int, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return 127, fmt.Errorf("start %s: %w", argv[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case s := <-sigs:
			_ = syscall.Kill(-cmd.Process.Pid, s.(syscall.Signal))
		case err := <-done:
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					return 128 + int(ws.Signal()), nil
				}
				return exit.ExitCode(), nil
			}
			if err != nil {
				return 1, err
			}
			return 0, nil
		}
	}
}

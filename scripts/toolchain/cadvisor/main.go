// Command cadvisor serves cAdvisor's container metrics for observability-stack.
//
// The upstream binary's module (github.com/google/cadvisor/cmd) is not served by the Go
// module proxy, so this is a small main of our own on the cAdvisor library at the version
// in versions.json: the container manager (Docker containers by name, every other cgroup
// raw), its Prometheus collectors on /metrics, and /healthz. It accepts the flags
// components/cadvisor/spec.ts passes to the official image (--port, --housekeeping_interval,
// --docker_only, --store_container_labels, --disable_metrics), plus the library's own flags.
// It needs root and the host mounts the spec declares (/rootfs, /sys, /var/run,
// /var/lib/docker), as the official image does.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"k8s.io/klog/v2"
	"k8s.io/utils/clock"

	"github.com/google/cadvisor/cache/memory"
	"github.com/google/cadvisor/container"
	_ "github.com/google/cadvisor/container/docker/install"
	v2 "github.com/google/cadvisor/info/v2"
	"github.com/google/cadvisor/manager"
	"github.com/google/cadvisor/metrics"
	"github.com/google/cadvisor/utils/sysfs"
)

// Version is set by scripts/toolchain/install.sh (-X main.Version=...).
var Version = "unknown"

// Upstream's default: the kinds that multiply series or cost a lot to collect.
var disabledMetrics = container.MetricSet{
	container.MemoryNumaMetrics:              struct{}{},
	container.NetworkTcpUsageMetrics:         struct{}{},
	container.NetworkUdpUsageMetrics:         struct{}{},
	container.NetworkAdvancedTcpUsageMetrics: struct{}{},
	container.ProcessSchedulerMetrics:        struct{}{},
	container.ProcessMetrics:                 struct{}{},
	container.HugetlbUsageMetrics:            struct{}{},
	container.ReferencedMemoryMetrics:        struct{}{},
	container.CPUTopologyMetrics:             struct{}{},
	container.ResctrlMetrics:                 struct{}{},
	container.CPUSetMetrics:                  struct{}{},
	container.PerfMetrics:                    struct{}{},
}

func main() {
	port := flag.Int("port", 8080, "port to serve /metrics and /healthz on")
	listenIP := flag.String("listen_ip", "", "IP to listen on; all addresses when empty")
	storeContainerLabels := flag.Bool("store_container_labels", true,
		"export every container label as a metric label; when false only --whitelisted_container_labels")
	whitelistedLabels := flag.String("whitelisted_container_labels", "",
		"comma-separated container labels to export when --store_container_labels=false")
	storageDuration := flag.Duration("storage_duration", 2*time.Minute, "how long stats are kept in memory")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Var(&disabledMetrics, "disable_metrics",
		"comma-separated metric kinds not to collect (cpu, memory, network, diskIO, disk, percpu, process, sched, tcp, udp, ...)")
	klog.InitFlags(flag.CommandLine)
	flag.Parse()
	if *showVersion {
		fmt.Printf("cadvisor version %s (observability-stack build on the cAdvisor library)\n", Version)
		return
	}

	included := container.AllMetrics.Difference(disabledMetrics)
	m, err := manager.New(memory.New(*storageDuration, nil), sysfs.NewRealSysFs(),
		manager.HousekeepingConfigFlags, included, http.DefaultClient, []string{""}, []string{""}, "", 0)
	if err != nil {
		klog.Fatalf("cannot create the container manager: %v", err)
	}
	if err := m.Start(); err != nil {
		klog.Fatalf("cannot start the container manager: %v", err)
	}

	labels := metrics.DefaultContainerLabels
	if !*storeContainerLabels {
		var allowed []string
		for _, l := range strings.Split(*whitelistedLabels, ",") {
			if l = strings.TrimSpace(l); l != "" {
				allowed = append(allowed, l)
			}
		}
		labels = metrics.BaseContainerLabels(allowed)
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(
		metrics.NewPrometheusCollector(m, labels, included, clock.RealClock{},
			v2.RequestOptions{IdType: v2.TypeName, Count: 1, Recursive: true}),
		metrics.NewPrometheusMachineCollector(m, included),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)

	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{ErrorLog: klogErrors{}}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	server := &http.Server{Addr: fmt.Sprintf("%s:%d", *listenIP, *port), Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-stop
		klog.Info("stopping")
		_ = m.Stop()
		_ = server.Close()
	}()
	klog.Infof("cadvisor %s serving /metrics and /healthz on %s (metrics: %s)", Version, server.Addr, included)
	if err := server.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		klog.Fatalf("serve: %v", err)
	}
}

type klogErrors struct{}

func (klogErrors) Println(v ...interface{}) { klog.Error(v...) }

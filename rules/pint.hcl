// pint (github.com/cloudflare/pint, the version in versions.json checkers.pint) checks the
// rule files `npm run render` writes (prometheus/rules/*.yml of every stack):
//   offline  test/tools/pint.test.ts: `pint --offline lint` on dev, staging and prod
//   online   test/support/pint.ts adds a `prometheus` block for a running Prometheus (the e2e)
// Every check of pint stays enabled. This file is the one place where a finding is accepted:
// a `disable` for the rules it concerns, with the reason beside it. The tests fail on any
// problem of any severity (information included) that is not accepted here.

// What every alert of ours carries: Alertmanager routes on severity, receivers show the
// summary and description, and each alert links its runbook (rules/render.ts adds it).
rule {
  match {
    kind = "alerting"
  }
  label "severity" {
    comment  = "Alertmanager's routes (alertmanager.yml) know these three severities only."
    severity = "bug"
    required = true
    values   = ["info", "warning", "critical"]
  }
  annotation "summary" {
    severity = "bug"
    required = true
  }
  annotation "description" {
    severity = "bug"
    required = true
  }
  annotation "runbook_url" {
    severity = "bug"
    required = true
    value    = "https://runbooks\\.observability-stack\\.dev/alerts/[a-z0-9]+"
  }
}

// Recording rules are named level:metric:operations, as Prometheus' naming practice says;
// dashboards and alerts read them by these names.
rule {
  match {
    kind = "recording"
  }
  name "[a-z_]+:[a-z0-9_]+:[a-z0-9_]+" {
    comment  = "Name recording rules level:metric:operations (prometheus.io/docs/practices/rules)."
    severity = "bug"
  }
}

// Accepted: Watchdog is the dead man's switch. It fires all the time on purpose, so the
// heartbeat receiver (config key deadMansSwitchUrl) notices when Prometheus, its rule
// evaluation or the way to Alertmanager stops.
rule {
  match {
    kind = "alerting"
    name = "Watchdog"
  }
  disable = ["alerts/comparison"]
}

// Online acceptances (pint's promql/series against the e2e's Prometheus,
// test/support/judgement.ts). Each matches what metrics/exemptions.ts lists, for the same
// reason.

// Accepted: Loki does not run in the e2e (its Go module is AGPL and is not built; a
// collector stands in on its OTLP path), so no loki_* series exist there.
rule {
  match {
    name = "Loki.+|job_route:loki_request_duration_seconds:p99_5m"
  }
  disable = ["promql/series"]
}

// Accepted: the error tracker and its probe run in their own e2e stack
// (test/e2e/error-tracking.test.ts), and no PostgreSQL runs in any test; both alerts are
// proven by their promtool tests.
rule {
  match {
    kind = "alerting"
    name = "ErrorTrackerDown|DatabaseDown"
  }
  disable = ["promql/series"]
}

// Accepted: the collector creates these counters with the first failed export, full queue
// or memory-limiter refusal, so a healthy stack has none; the alerts are proven by their
// promtool tests.
rule {
  match {
    kind = "alerting"
    name = "OtelCollector(ExporterFailed.+|ExporterEnqueueFailed|MemoryLimiterRefusing)"
  }
  disable = ["promql/series"]
}

// Accepted: cAdvisor writes CFS counters only for containers with a CPU quota; the alert is
// proven by its promtool test.
rule {
  match {
    kind = "alerting"
    name = "ContainerCpuThrottled"
  }
  disable = ["promql/series"]
}

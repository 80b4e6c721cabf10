import * as fs from "fs";
import * as path from "path";
import versions from "../../versions.json";
import * as alertmanager from "../../metrics/exporters/alertmanager";
import * as blackbox from "../../metrics/exporters/blackbox";
import * as cadvisor from "../../metrics/exporters/cadvisor";
import * as jaeger from "../../metrics/exporters/jaeger";
import * as nodeExporter from "../../metrics/exporters/node-exporter";
import * as otelCollector from "../../metrics/exporters/otel-collector";
import * as prometheus from "../../metrics/exporters/prometheus";
import { METRIC_EXEMPTIONS, MetricExemption } from "../../metrics/exemptions";
import { MetricDefinition } from "../../metrics/types";
import { sendTelemetry } from "../e2e/demo-activity";
import { Exporters, startExporters } from "../support/exporters";
import { eventually } from "../support/http";
import { RULES_DIR } from "../support/pint";
import { renderSettingsTo } from "../support/programs";
import { stackSettings } from "../support/settings";

/**
 * The hand-written exporter catalogs (metrics/exporters/) against what the exporters at the
 * pinned versions really expose: each runs here (toolchain binaries), a real Prometheus
 * scrapes it under the stack's job name, and every catalog metric must be among the names
 * Prometheus has from that job, with the labels the catalog gives it. A metric the exporter
 * only writes once something happens is listed once in metrics/exemptions.ts with that
 * condition. A version bump that renames a metric or a label fails here.
 *
 * Loki and Grafana are not run (see metrics/exemptions.ts); the application catalog is
 * prom-client's registry itself (metrics/registry.ts).
 */

interface Catalog {
  name: string;
  version: string;
  job: keyof Exporters["jobs"];
  metrics: MetricDefinition[];
  /** Labels the stack's scrape config adds (relabelling), not the exporter. */
  scrapeLabels?: string[];
  /**
   * Labels only some series have, which this test cannot produce: cAdvisor's `name` and
   * `image` belong to Docker containers, and none runs beside the tool tests (the e2e reads
   * them from the stack's containers).
   */
  runtimeLabels?: string[];
}

function definitions(value: unknown, depth = 0): MetricDefinition[] {
  const candidate = value as MetricDefinition;
  if (
    typeof value === "object" &&
    value !== null &&
    typeof candidate.name === "string" &&
    Array.isArray(candidate.labelNames)
  )
    return [candidate];
  if (typeof value !== "object" || value === null || depth > 2) return [];
  return Object.values(value).flatMap((nested) => definitions(nested, depth + 1));
}

const CATALOGS: Catalog[] = [
  {
    name: "Prometheus",
    version: versions.components.prometheus,
    job: "prometheus",
    // `up` is written by Prometheus for every target, not exposed: checked below.
    metrics: definitions(prometheus).filter((metric) => metric.name !== "up"),
  },
  {
    name: "Alertmanager",
    version: versions.components.alertmanager,
    job: "alertmanager",
    metrics: definitions(alertmanager),
  },
  {
    name: "node-exporter",
    version: versions.components.nodeExporter,
    job: "nodeExporter",
    metrics: definitions(nodeExporter),
  },
  {
    name: "cAdvisor",
    version: versions.components.cadvisor,
    job: "cadvisor",
    metrics: definitions(cadvisor),
    runtimeLabels: ["name", "image"],
  },
  {
    name: "OpenTelemetry collector",
    version: versions.components.otelCollector,
    job: "otelCollector",
    metrics: definitions(otelCollector.otelCollector),
  },
  {
    name: "Jaeger",
    version: versions.components.jaeger,
    job: "jaeger",
    metrics: definitions(jaeger),
  },
  {
    name: "blackbox_exporter",
    version: versions.errorTracking.probe,
    job: "probe",
    metrics: definitions(blackbox),
    scrapeLabels: ["service", "tracker"],
  },
];

/** Series names of a definition: a histogram's `_bucket`, `_sum` and `_count`. */
function seriesOf(metric: MetricDefinition): string[] {
  return metric.type === "histogram"
    ? ["bucket", "sum", "count"].map((part) => `${metric.name}_${part}`)
    : [metric.name];
}

export interface CatalogComparison {
  seen: string[];
  conditional: { metric: string; condition: string }[];
  missing: string[];
  /** `metric: label` pairs the catalog names but no series of the metric has. */
  missingLabels: string[];
}

/**
 * The catalog's metrics against the names and label names an exporter's job has in
 * Prometheus. A catalog metric that is not there is missing unless an exemption says when
 * the exporter writes it.
 */
export function compareCatalog(
  catalog: Catalog,
  exposed: Map<string, Set<string>>,
  exemptions: readonly MetricExemption[],
): CatalogComparison {
  const result: CatalogComparison = { seen: [], conditional: [], missing: [], missingLabels: [] };
  const exporterLabels = (metric: MetricDefinition) =>
    metric.labelNames.filter(
      (label) =>
        !["job", "instance"].includes(label) && !(catalog.scrapeLabels ?? []).includes(label),
    );
  for (const metric of catalog.metrics) {
    for (const series of seriesOf(metric)) {
      const labels = exposed.get(series);
      if (labels) {
        result.seen.push(series);
        for (const label of exporterLabels(metric))
          if (!labels.has(label) && !(catalog.runtimeLabels ?? []).includes(label))
            result.missingLabels.push(`${series}: ${label} (has ${[...labels].sort().join(", ")})`);
        continue;
      }
      const exemption = exemptions.find(
        (e) => e.kind === "conditional" && e.metrics.includes(series),
      );
      if (exemption) result.conditional.push({ metric: series, condition: exemption.condition! });
      else result.missing.push(series);
    }
  }
  return result;
}

let exporters: Exporters;
let renderDir: string;
/** By job: metric name → the label names its series have. */
const exposed = new Map<string, Map<string, Set<string>>>();

async function seriesOfJob(job: string): Promise<Map<string, Set<string>>> {
  const url = `${exporters.prometheusUrl}/api/v1/series?${new URLSearchParams({
    "match[]": `{job=${JSON.stringify(job)}}`,
    start: String(Date.now() / 1000 - 600),
  })}`;
  const body = (await (await fetch(url)).json()) as { data: Record<string, string>[] };
  const names = new Map<string, Set<string>>();
  for (const series of body.data) {
    const labels = names.get(series.__name__) ?? new Set<string>();
    for (const label of Object.keys(series)) labels.add(label);
    names.set(series.__name__, labels);
  }
  return names;
}

beforeAll(async () => {
  const settings = stackSettings("e2e");
  renderDir = renderSettingsTo(settings, "exporter-catalog");
  // The stack's rules, so Prometheus' rule evaluation metrics exist as in the stack.
  const ruleFiles = fs
    .readdirSync(path.join(renderDir, RULES_DIR))
    .map((file) => path.join(renderDir, RULES_DIR, file));
  exporters = await startExporters({ settings, renderDir, ruleFiles });
  // Traffic through the collector and into Jaeger, so their pipeline metrics exist: the
  // collector's exports fail (its destinations are the stack's hostnames), Jaeger stores.
  for (let i = 0; i < 5; i++) {
    await sendTelemetry(exporters.otlpHttp.otelCollector, "catalog-test");
    await sendTelemetry(exporters.otlpHttp.jaeger, "catalog-test").catch(() => undefined);
  }
  await eventually(
    "every job scraped, pipeline metrics of both collectors in",
    async () => {
      for (const job of Object.values(exporters.jobs)) exposed.set(job!, await seriesOfJob(job!));
      const ready = [...exposed.values()].every((names) => names.size > 0);
      const pipelines = [
        "otelcol_receiver_accepted_spans",
        "otelcol_receiver_accepted_spans_total",
      ];
      return ready &&
        exposed.get(exporters.jobs.otelCollector!)!.has(pipelines[0]) &&
        exposed.get(exporters.jobs.jaeger!)!.has(pipelines[1])
        ? true
        : undefined;
    },
    120_000,
    5000,
  );
  // A few more scrapes after the first, so series that appear a little later are in too.
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  for (const job of Object.values(exporters.jobs)) exposed.set(job!, await seriesOfJob(job!));
}, 300_000);

afterAll(async () => {
  await exporters?.stop();
  if (renderDir) fs.rmSync(renderDir, { recursive: true, force: true });
});

describe("the exporter catalogs are what the pinned exporters expose", () => {
  test.each(CATALOGS.map((catalog) => [`${catalog.name} ${catalog.version}`, catalog] as const))(
    "%s: every catalog metric is exposed with its labels, or listed with its condition",
    (_name, catalog) => {
      const job = exporters.jobs[catalog.job]!;
      const result = compareCatalog(catalog, exposed.get(job)!, METRIC_EXEMPTIONS);
      const total = result.seen.length + result.conditional.length + result.missing.length;
      console.log(
        [
          `${catalog.name} ${catalog.version} (job ${job}): seen ${result.seen.length}/${total}`,
          ...result.conditional.map((c) => `  conditional: ${c.metric} (${c.condition})`),
          ...result.missing.map((m) => `  MISSING: ${m}`),
          ...result.missingLabels.map((m) => `  MISSING LABEL: ${m}`),
        ].join("\n"),
      );
      expect(result.missing).toEqual([]);
      expect(result.missingLabels).toEqual([]);
      expect(result.seen.length).toBeGreaterThan(0);
    },
  );

  test("Prometheus writes `up` for every job", () => {
    for (const job of Object.values(exporters.jobs))
      expect([job, exposed.get(job!)!.has("up")]).toEqual([job, true]);
  });

  test("a renamed metric or label in a catalog is reported missing", () => {
    const nodeCatalog = CATALOGS.find((catalog) => catalog.job === "nodeExporter")!;
    const renamed: Catalog = {
      ...nodeCatalog,
      metrics: [
        { name: "node_cpu_seconds", help: "", type: "counter", labelNames: ["cpu", "mode"] },
        { name: "node_load1", help: "", type: "gauge", labelNames: ["core"] },
      ],
    };
    const result = compareCatalog(
      renamed,
      exposed.get(exporters.jobs.nodeExporter!)!,
      METRIC_EXEMPTIONS,
    );
    expect(result.missing).toEqual(["node_cpu_seconds"]);
    expect(result.missingLabels).toEqual([expect.stringMatching(/^node_load1: core \(has /)]);
  });

  test("every conditional exemption names a catalog metric and its condition", () => {
    const catalogSeries = new Set(CATALOGS.flatMap((c) => c.metrics.flatMap(seriesOf)));
    for (const exemption of METRIC_EXEMPTIONS.filter((e) => e.kind === "conditional")) {
      expect(exemption.condition).toBeTruthy();
      for (const metric of exemption.metrics)
        expect([metric, catalogSeries.has(metric)]).toEqual([metric, true]);
    }
  });
});

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { APPLICATION_METRICS } from "./application";
import { applicationMetricName } from "./naming";
import { LabelsOf, MetricDefinition } from "./types";

type Catalog = typeof APPLICATION_METRICS;
type Counters = { [K in keyof Catalog["counters"]]: Counter<LabelsOf<Catalog["counters"][K]>> };
type Gauges = { [K in keyof Catalog["gauges"]]: Gauge<LabelsOf<Catalog["gauges"][K]>> };
type Histograms = {
  [K in keyof Catalog["histograms"]]: Histogram<LabelsOf<Catalog["histograms"][K]>>;
};

/** prom-client instruments for every application metric, by their catalog names. */
export type ApplicationInstruments = Counters & Gauges & Histograms;

export interface RegistryOptions {
  /**
   * The `service` label every series of this registry gets unless a call sets another one.
   * Default: none, so each observation must name its service.
   */
  service?: string;
  /**
   * Also collect the client's process and Node.js metrics (`process_resident_memory_bytes`,
   * which HighMemoryUsage watches, among them). Default: true.
   */
  defaultMetrics?: boolean;
  /**
   * The stack's `applicationMetrics.prefix`, put before every application metric's name as
   * the stack's rules and dashboards expect it. Default: none. The client's process and
   * Node.js metrics keep their names, as client libraries write them unprefixed.
   */
  prefix?: string;
}

export interface ApplicationRegistry {
  registry: Registry;
  metrics: ApplicationInstruments;
}

function expectKind(definition: MetricDefinition, kind: MetricDefinition["type"]): void {
  if (definition.type !== kind) {
    throw new Error(`${definition.name} is a ${definition.type} but is listed with the ${kind}s`);
  }
}

function build<D extends Record<string, MetricDefinition>, I>(
  definitions: D,
  kind: MetricDefinition["type"],
  create: (definition: MetricDefinition) => I,
): Record<keyof D, I> {
  return Object.fromEntries(
    Object.entries(definitions).map(([key, definition]) => {
      expectKind(definition, kind);
      return [key, create(definition)];
    }),
  ) as Record<keyof D, I>;
}

/**
 * A fresh prom-client registry holding every application metric with the names, labels and
 * buckets the rule packs query, so a service that instruments itself through it matches
 * its alerts by construction. Give it the stack's prefix when the stack has one: the rules
 * and dashboards of that stack select the prefixed names (metrics/naming.ts).
 */
export function createRegistry(options: RegistryOptions = {}): ApplicationRegistry {
  const registry = new Registry();
  if (options.service) registry.setDefaultLabels({ service: options.service });
  const common = (definition: MetricDefinition) => ({
    name: applicationMetricName(definition, options.prefix ?? ""),
    help: definition.help,
    labelNames: [...definition.labelNames],
    registers: [registry],
  });
  const counters = build(APPLICATION_METRICS.counters, "counter", (d) => new Counter(common(d)));
  const gauges = build(APPLICATION_METRICS.gauges, "gauge", (d) => new Gauge(common(d)));
  const histograms = build(
    APPLICATION_METRICS.histograms,
    "histogram",
    (d) => new Histogram({ ...common(d), buckets: [...(d.buckets ?? [])] }),
  );
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return { registry, metrics: { ...counters, ...gauges, ...histograms } as ApplicationInstruments };
}

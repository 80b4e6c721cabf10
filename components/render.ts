import { budgetUse } from "../config/budget";
import { formatCpu, formatGibibytes } from "../config/quantity";
import { enabledComponents, SecretRef, Settings } from "../config/settings";
import { ComponentId } from "./definition";
import { CATALOG } from "./catalog";
import { buildSpecs } from "./specs";
import { ServiceSpec } from "./spec";
import { toJson } from "./yaml";
import { renderTracker, trackerManifest } from "./sentry/render";

/** A rendered file: its path below the output directory and its text. */
export interface RenderedFile {
  path: string;
  content: string;
}

export function secretPlaceholder(ref: SecretRef): string {
  return `<secret:${ref.secret}>`;
}

function componentManifest(spec: ServiceSpec, settings: Settings) {
  const standIn = settings.components[spec.id].standIn;
  return {
    // A test stack's stand-in says so where the component's image is read.
    ...(standIn && { standIn: `${standIn} (not ${CATALOG[spec.id].displayName} itself)` }),
    image: spec.image,
    workload: spec.workload,
    replicas: spec.replicas,
    ports: Object.fromEntries(
      spec.ports.map((port) => [
        port.name,
        { container: port.containerPort, published: port.publishedPort ?? null },
      ]),
    ),
    resources: spec.resources,
    storage: spec.dataVolume?.size ?? null,
    secretEnv: Object.fromEntries(
      Object.entries(spec.secretEnv).map(([key, ref]) => [key, secretPlaceholder(ref)]),
    ),
  };
}

/** A summary of what the stack would run, for people and for `npm run diff`. */
export function renderManifest(settings: Settings, specs: ServiceSpec[]) {
  const budget = budgetUse(settings.environment, enabledComponents(settings));
  return {
    stack: settings.stack,
    environment: settings.environment,
    target: settings.target,
    sampling: {
      ratio: settings.sampling.ratio,
      tail: settings.sampling.tail.enabled
        ? { enabled: true, latencyThreshold: settings.sampling.tail.latencyThreshold.text }
        : { enabled: false },
    },
    retention: {
      metrics: settings.retention.metrics.text,
      logs: settings.retention.logs.text,
      traces: settings.retention.traces.text,
    },
    budget: {
      memory: {
        used: formatGibibytes(budget.memory.used),
        percentOfMax: budget.memory.percentOfMax ?? null,
      },
      cpu: { used: formatCpu(budget.cpu.used), percentOfMax: budget.cpu.percentOfMax ?? null },
    },
    rulePacks: settings.rules.packs,
    errorTracking: trackerManifest(settings),
    components: Object.fromEntries(
      specs.map((spec) => [spec.id, componentManifest(spec, settings)]),
    ) as Record<ComponentId, ReturnType<typeof componentManifest>>,
  };
}

/** Every generated config of a stack, at the paths `npm run render` writes them. */
export function renderStack(settings: Settings): RenderedFile[] {
  const specs = buildSpecs(settings);
  const files = specs.flatMap((spec) =>
    spec.configFiles.map((file) => ({ path: file.renderPath, content: file.content })),
  );
  return [
    ...files,
    ...renderTracker(settings),
    { path: "manifest.json", content: toJson(renderManifest(settings, specs)) },
  ];
}

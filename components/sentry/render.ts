import { formatCpu, formatGibibytes } from "../../config/quantity";
import { Settings } from "../../config/settings";
import { JobSpec, ServiceSpec } from "../spec";
import { toYaml } from "../yaml";
import type { RenderedFile } from "../render";
import { trackerBudgetUse, TRACKER_BUDGETS } from "./budget";
import { BUGSINK_PROJECT, BUGSINK_TEAM } from "./bugsink";
import { TrackerServiceId } from "./definition";
import { trackerPlan } from "./plan";
import { SENTRY_ORGANIZATION, SENTRY_PROJECT, SENTRY_TEAM } from "./self-hosted";
import { inStackSentry, renderDir } from "./spec";

const placeholder = (secret: string) => `<secret:${secret}>`;

function secretEnv(env: Record<string, { secret: string }>) {
  return Object.fromEntries(
    Object.entries(env).map(([key, ref]) => [key, placeholder(ref.secret)]),
  );
}

/** A service as the platform will run it, in one platform-neutral document; secrets as placeholders. */
function serviceDocument(spec: ServiceSpec<TrackerServiceId>, waitsFor: string[]) {
  return {
    kind: "Service",
    name: spec.name,
    image: spec.image,
    workload: spec.workload,
    args: spec.args,
    env: spec.env,
    secretEnv: secretEnv(spec.secretEnv),
    ports: spec.ports.map((port) => ({
      name: port.name,
      container: port.containerPort,
      published: port.publishedPort ?? null,
    })),
    resources: spec.resources,
    storage: spec.dataVolume
      ? { mountPath: spec.dataVolume.mountPath, size: spec.dataVolume.size }
      : null,
    health: spec.health ? { port: spec.health.port, path: spec.health.path ?? null } : null,
    configFiles: spec.configFiles.map((file) => `${file.dir}/${file.file}`),
    security: {
      runAsUser: spec.security.runAsUser,
      readOnlyRootFilesystem: spec.security.readOnlyRootFilesystem,
    },
    ingressFrom: spec.ingress?.fromServices ?? [],
    waitsFor,
  };
}

function jobDocument(job: JobSpec, waitsFor: string[]) {
  return {
    kind: "Job",
    name: job.name,
    image: job.image,
    args: job.args,
    env: job.env,
    secretEnv: secretEnv(job.secretEnv),
    resources: job.resources,
    backoffLimit: job.backoffLimit,
    waitsFor,
  };
}

/** The project the stack creates and where its DSN goes. */
function projectDocument(settings: Settings) {
  const sentry = inStackSentry(settings)!;
  const bugsink = sentry.mode === "bugsink";
  return {
    kind: "Project",
    tracker: sentry.mode,
    apiUrl: sentry.url,
    ...(bugsink ? {} : { organization: SENTRY_ORGANIZATION }),
    team: bugsink ? BUGSINK_TEAM : SENTRY_TEAM,
    project: bugsink ? BUGSINK_PROJECT : SENTRY_PROJECT,
    dsn: placeholder(sentry.dsn.secret),
    dsnReaches: ["otel-collector (SENTRY_DSN)", "stack output sentryDsn"],
  };
}

/** The tracker's files for `npm run render`: one document per service and job, its configs, its project. */
export function renderTracker(settings: Settings): RenderedFile[] {
  const plan = trackerPlan(settings);
  const sentry = inStackSentry(settings);
  if (!plan || !sentry) return [];
  const dir = renderDir(sentry);
  return [
    ...plan.services.flatMap((spec) => [
      {
        path: `${dir}/${spec.name}.yaml`,
        content: toYaml(serviceDocument(spec, plan.waitsFor[spec.name] ?? [])),
      },
      ...spec.configFiles.map((file) => ({ path: file.renderPath, content: file.content })),
    ]),
    ...plan.jobs.map((job) => ({
      path: `${dir}/jobs/${job.name}.yaml`,
      content: toYaml(jobDocument(job, plan.waitsFor[job.name] ?? [])),
    })),
    { path: `${dir}/project.yaml`, content: toYaml(projectDocument(settings)) },
  ].filter((file, index, files) => files.findIndex((other) => other.path === file.path) === index);
}

/** The manifest's summary of the error tracker: mode, URL, DSN placeholder, budget, services. */
export function trackerManifest(settings: Settings) {
  const sentry = settings.sentry;
  if (sentry.mode === "disabled") return { mode: sentry.mode };
  if (sentry.mode === "external") {
    return { mode: sentry.mode, url: sentry.url ?? null, dsn: placeholder(sentry.dsn.secret) };
  }
  const plan = trackerPlan(settings)!;
  const use = trackerBudgetUse(sentry.mode, sentry.services);
  const minimum = TRACKER_BUDGETS[sentry.mode];
  return {
    mode: sentry.mode,
    url: sentry.url,
    dsn: placeholder(sentry.dsn.secret),
    budget: {
      memory: { used: formatGibibytes(use.memory.used), min: minimum.memory ?? null },
      cpu: { used: formatCpu(use.cpu.used), min: minimum.cpu ?? null },
    },
    services: Object.fromEntries(
      plan.services.map((spec) => [
        spec.id,
        {
          image: spec.image,
          workload: spec.workload,
          resources: spec.resources,
          storage: spec.dataVolume?.size ?? null,
          ports: Object.fromEntries(
            spec.ports.map((port) => [
              port.name,
              { container: port.containerPort, published: port.publishedPort ?? null },
            ]),
          ),
          secretEnv: secretEnv(spec.secretEnv),
        },
      ]),
    ),
    jobs: plan.jobs.map((job) => job.name),
  };
}

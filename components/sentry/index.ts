import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { GeneratedSecret, SecretRef, Settings } from "../../config/settings";
import { Platform, SecretResolver } from "../platforms/platform";
import { BUGSINK_ADMIN_EMAIL, BUGSINK_PROJECT, BUGSINK_TEAM } from "./bugsink";
import { TRACKER_SERVICES, TrackerSecret } from "./definition";
import { TrackerProject } from "./project";
import {
  SENTRY_ADMIN_EMAIL,
  SENTRY_ORGANIZATION,
  SENTRY_PROJECT,
  SENTRY_TEAM,
} from "./self-hosted";
import { inStackSentry, InStackSentry } from "./spec";
import { trackerPlan } from "./plan";

export interface ErrorTrackingArgs {
  settings: Settings;
  platform: Platform;
  /** Credentials from stack config (the external DSN). */
  secrets: SecretResolver;
}

/** How long `pulumi up` waits for the tracker's API before it fails with what to do. */
const API_TIMEOUT_SECONDS = 300;

/**
 * The stack's error tracker (`sentry.mode`): Bugsink or Sentry's errors-only set deployed by
 * the platform, its credentials generated, its project created and its DSN obtained; or an
 * external Sentry's DSN from config; or nothing. `dsn` is a secret, for the services that
 * report errors (the stack passes it to them as SENTRY_DSN) and for the stack's outputs.
 */
export class ErrorTracking extends pulumi.ComponentResource {
  readonly mode: Settings["sentry"]["mode"];
  readonly dsn?: pulumi.Output<string>;
  readonly url?: string;
  readonly adminUser?: string;
  readonly adminPassword?: pulumi.Output<string>;

  constructor(name: string, args: ErrorTrackingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability-stack:index:ErrorTracking", name, {}, opts);
    const { settings } = args;
    this.mode = settings.sentry.mode;
    const sentry = inStackSentry(settings);
    if (settings.sentry.mode === "external") {
      this.dsn = pulumi.secret(args.secrets(settings.sentry.dsn));
      this.url = settings.sentry.url;
    } else if (sentry) {
      const generated = this.generateSecrets(sentry);
      const resolve: SecretResolver = (ref: SecretRef) =>
        generated[ref.secret as TrackerSecret] ?? args.secrets(ref);
      const ready = this.deploy(settings, args.platform, resolve);
      const project = this.createProject(settings, sentry, generated, ready);
      this.dsn = pulumi.secret(project.dsn);
      this.url = sentry.url;
      this.adminUser = sentry.mode === "bugsink" ? BUGSINK_ADMIN_EMAIL : SENTRY_ADMIN_EMAIL;
      this.adminPassword = pulumi.secret(
        generated[sentry.mode === "bugsink" ? "bugsinkAdminPassword" : "sentryAdminPassword"]!,
      );
    }
    this.registerOutputs({ mode: this.mode, url: this.url, dsn: this.dsn });
  }

  /** Random credentials of the mode, children of this component (stable across updates). */
  private generateSecrets(
    sentry: InStackSentry,
  ): Partial<Record<TrackerSecret, pulumi.Output<string>>> {
    const opts = { parent: this };
    const password = (name: string, length: number) =>
      new random.RandomPassword(name, { length, special: false }, opts).result;
    // Both trackers take API tokens of lowercase hex: Bugsink 40 characters, Sentry 64.
    const hexToken = (name: string, bytes: number) =>
      new random.RandomId(name, { byteLength: bytes }, opts).hex;
    if (sentry.mode === "bugsink") {
      const admin = password("bugsink-admin-password", 24);
      return {
        bugsinkSecretKey: password("bugsink-secret-key", 64),
        bugsinkAdminPassword: admin,
        bugsinkSuperuser: pulumi.secret(pulumi.interpolate`${BUGSINK_ADMIN_EMAIL}:${admin}`),
        bugsinkApiToken: pulumi.secret(hexToken("bugsink-api-token", 20)),
      };
    }
    return {
      sentrySecretKey: password("sentry-secret-key", 64),
      sentryAdminPassword: password("sentry-admin-password", 24),
      sentryApiToken: pulumi.secret(hexToken("sentry-api-token", 32)),
    };
  }

  /** Jobs and services in the plan's order: each waits for what it names. */
  private deploy(settings: Settings, platform: Platform, secrets: SecretResolver): pulumi.Resource {
    const plan = trackerPlan(settings)!;
    const done = new Map<string, pulumi.Resource>();
    const waits = (name: string) =>
      (plan.waitsFor[name] ?? []).map((dependency) => {
        const resource = done.get(dependency);
        if (!resource)
          throw new Error(`${name} waits for ${dependency}, which is not deployed before it`);
        return resource;
      });
    const jobs = new Map(plan.jobs.map((job) => [job.name, job]));
    const runJobsReady = () => {
      for (const [jobName, job] of jobs) {
        const needs = plan.waitsFor[jobName] ?? [];
        if (needs.every((dependency) => done.has(dependency))) {
          done.set(jobName, platform.runJob(job, secrets, this, { dependsOn: waits(jobName) }));
          jobs.delete(jobName);
        }
      }
    };
    for (const spec of plan.services) {
      runJobsReady();
      const deployed = platform.deploy(spec, secrets, this, { dependsOn: waits(spec.name) });
      done.set(spec.name, deployed.workload);
    }
    runJobsReady();
    if (jobs.size > 0)
      throw new Error(`jobs ${[...jobs.keys()].join(", ")} wait for nothing deployed`);
    const ui = plan.mode === "bugsink" ? "bugsink" : "web";
    return done.get(TRACKER_SERVICES[ui].serviceName)!;
  }

  private createProject(
    settings: Settings,
    sentry: InStackSentry,
    generated: Partial<Record<GeneratedSecret, pulumi.Output<string>>>,
    ready: pulumi.Resource,
  ): TrackerProject {
    const bugsink = sentry.mode === "bugsink";
    const relay = TRACKER_SERVICES.relay;
    return new TrackerProject(
      "project",
      {
        kind: bugsink ? "bugsink" : "sentry",
        apiUrl: sentry.url,
        token: (bugsink ? generated.bugsinkApiToken : generated.sentryApiToken)!,
        team: bugsink ? BUGSINK_TEAM : SENTRY_TEAM,
        project: bugsink ? BUGSINK_PROJECT : SENTRY_PROJECT,
        organization: bugsink ? undefined : SENTRY_ORGANIZATION,
        // SDKs send to Relay; Sentry's own DSN names its UI.
        dsnOrigin: bugsink
          ? undefined
          : `http://${relay.serviceName}.${settings.kubernetes.namespace}.svc:${relay.ports.http.port}`,
        timeoutSeconds: API_TIMEOUT_SECONDS,
      },
      { parent: this, dependsOn: [ready] },
    );
  }
}

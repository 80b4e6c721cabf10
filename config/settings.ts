import { ComponentId, Workload } from "../components/definition";
import { Duration } from "./duration";
import { Environment, ResourcesText, Target } from "./presets";
import { AlertOverride } from "../rules/render";
import { SecretKey, StandIn } from "./schema";
import type { InStackMode, TrackerSecret, TrackerServiceId } from "../components/sentry/definition";

/** A credential by its config key; provisioning turns it into a Pulumi secret, rendering into a placeholder. */
export interface SecretRef {
  secret: SecretKey | GeneratedSecret;
}
/** Credentials the stack generates itself with @pulumi/random (or, for a DSN, obtains). */
export type GeneratedSecret = "grafanaAdminPassword" | TrackerSecret;

export interface ComponentSettings {
  id: ComponentId;
  enabled: boolean;
  image: string;
  replicas: number;
  workload: Workload;
  resources: ResourcesText;
  /** Port name to the port it is published on. */
  ports: Record<string, number>;
  /** Size of the persistent volume, for components that keep data. */
  storage?: string;
  /** The user and root filesystem the container runs with: the image's, or the config's override. */
  security: ComponentSecurity;
  /**
   * A test stack's stand-in that runs in the component's place (`components.<id>.standIn`);
   * undefined for the component itself. See STAND_INS.
   */
  standIn?: StandIn;
}

export interface ComponentSecurity {
  runAsUser: number;
  runAsNonRoot: boolean;
  readOnlyRootFilesystem: boolean;
}

export interface RuleSettings {
  /** Names of the enabled rule packs. */
  packs: string[];
  overrides: Record<string, AlertOverride>;
}

/** How the stack's services name their application metrics (metrics/naming.ts). */
export interface ApplicationMetricsSettings {
  /**
   * Put before every application metric of the catalog (`ops_center_` gives
   * `ops_center_http_requests_total`); empty for the catalog's own names.
   */
  prefix: string;
}

/** Receivers with a configured credential; the others render as receivers that drop. */
export interface AlertingSettings {
  slack?: SecretRef;
  pagerduty?: SecretRef;
  deadMansSwitch?: SecretRef;
}

/** A service of the user's that Prometheus scrapes, next to the stack's own components. */
export interface ScrapeJob {
  job: string;
  targets: string[];
  metricsPath: string;
  /** Query parameters of every scrape (Prometheus' `params`). */
  params?: Record<string, string[]>;
}

/** One service of the in-stack error tracker, with config applied. */
export interface TrackerServiceSettings {
  id: TrackerServiceId;
  image: string;
  resources: ResourcesText;
  /** Port name to the port it is published on. */
  ports: Record<string, number>;
  storage?: string;
}

/**
 * Where services report errors, and how they get the DSN: from the `sentryDsn` secret
 * (external), or from the project the stack creates in its own tracker (in-stack modes).
 */
export type SentrySettings =
  | { mode: "disabled" }
  | { mode: "external"; dsn: SecretRef; url?: string }
  | {
      mode: InStackMode;
      dsn: SecretRef;
      /** How people, Grafana links and the stack itself reach the tracker. */
      url: string;
      /** The mode's services, in the order they start. */
      services: TrackerServiceSettings[];
    };

/**
 * Who may connect to the stack's published ports on Kubernetes, beyond the connections its
 * wiring graph makes (components/platforms/network-policies.ts).
 */
export interface NetworkPolicySettings {
  /** Namespaces whose pods reach the UIs and APIs (an ingress controller's); none by default. */
  ingressNamespaces: string[];
  /**
   * Who sends telemetry to the intake ports (OTLP, error reports): anywhere (the default:
   * every pod, node and outside client that reaches the Service), or pods of these namespaces.
   */
  telemetryFrom: "anywhere" | string[];
}

/** The validated, fully defaulted settings of one stack: the only input of specs and renderers. */
export interface Settings {
  project: string;
  stack: string;
  environment: Environment;
  target: Target;
  sampling: { ratio: number; tail: { enabled: boolean; latencyThreshold: Duration } };
  retention: { metrics: Duration; logs: Duration; traces: Duration };
  components: Record<ComponentId, ComponentSettings>;
  docker: { bindAddress: string };
  kubernetes: {
    namespace: string;
    storageClass?: string;
    /** Prometheus checks the kubelets' serving certificates against the cluster's CA. */
    verifyKubeletCertificates: boolean;
    networkPolicy: NetworkPolicySettings;
  };
  sentry: SentrySettings;
  rules: RuleSettings;
  applicationMetrics: ApplicationMetricsSettings;
  alerting: AlertingSettings;
  scrapeJobs: ScrapeJob[];
}

export function enabledComponents(settings: Settings): ComponentSettings[] {
  return Object.values(settings.components).filter((component) => component.enabled);
}

export function isEnabled(settings: Settings, id: ComponentId): boolean {
  return settings.components[id].enabled;
}

/** The component runs as itself: enabled, and not replaced by a test stack's stand-in. */
export function runsItself(settings: Settings, id: ComponentId): boolean {
  return isEnabled(settings, id) && settings.components[id].standIn === undefined;
}

import { z } from "zod";
import { CATALOG } from "../components/catalog";
import { COMPONENT_IDS, ComponentId } from "../components/definition";
import { DURATION_HINT, parseDuration } from "./duration";
import { ENVIRONMENTS, TARGETS } from "./presets";
import { RULE_PACKS, RULE_PACK_NAMES } from "../rules/packs";
import {
  SENTRY_MODES,
  TRACKER_SERVICE_IDS,
  TRACKER_SERVICES,
  TrackerServiceId,
} from "../components/sentry/definition";
import { alertsOf } from "../rules/render";
import { CPU_HINT, MEMORY_HINT, parseCpu, parseMemory } from "./quantity";

/** Keys whose values are credentials: set with `pulumi config set --secret`, never in plain text. */
export const SECRET_KEYS = [
  "sentryDsn",
  "slackWebhookUrl",
  "pagerdutyRoutingKey",
  "deadMansSwitchUrl",
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

const durationText = z.string().refine((text) => parseDuration(text) !== undefined, {
  error: `must be ${DURATION_HINT}`,
});
const memoryText = z.string().refine((text) => parseMemory(text) !== undefined, {
  error: `must be ${MEMORY_HINT}`,
});
const cpuText = z
  .union([z.string(), z.number()])
  .transform((value) => String(value))
  .refine((text) => parseCpu(text) !== undefined && parseCpu(text)! > 0, {
    error: `must be ${CPU_HINT}`,
  });
const resource = z.strictObject({ cpu: cpuText.optional(), memory: memoryText.optional() });
const port = z.int().min(1).max(65535);
const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "must be a DNS label (a-z, 0-9, -)" });
const imageRepository = z.string().regex(/^[a-z0-9]+([._\-/:][a-z0-9]+)*$/, {
  error: "must be an image repository such as prom/prometheus",
});
const imageTag = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { error: "must be an image tag" })
  .refine((tag) => tag !== "latest", { error: "must be a pinned version, not latest" });
/**
 * Components a test stack may replace by a stand-in that is itself a real program, and the
 * stand-ins each allows. Loki is not built here (its module is AGPL): the e2e stack runs a
 * second OpenTelemetry collector in its place, which receives on Loki's OTLP path and prints
 * what it gets (components/loki/stand-in.ts). Never meant for a user's stack.
 */
export const STAND_INS = { loki: ["collector"] } as const satisfies Partial<
  Record<ComponentId, readonly string[]>
>;
export type StandIn = (typeof STAND_INS)["loki"][number];

const ipv4 = z.ipv4({ error: "must be an IPv4 address such as 127.0.0.1 or 0.0.0.0" });

/** A secret key's value: decrypted text under Pulumi, `{secure: ...}` read from a stack file. */
const secretValue = z.union([z.string().min(1), z.strictObject({ secure: z.string() })]);

/** Overrides of the image's user and root filesystem; Kubernetes checks them against Pod Security. */
const securityContextOverride = z.strictObject({
  runAsNonRoot: z.boolean().optional(),
  runAsUser: z.int().min(0).max(2147483647).optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
});

function componentOverride(id: ComponentId) {
  const portNames = Object.keys(CATALOG[id].ports);
  return z.strictObject({
    enabled: z.boolean().optional(),
    image: z
      .strictObject({ repository: imageRepository.optional(), tag: imageTag.optional() })
      .optional(),
    replicas: z.int().min(1).max(20).optional(),
    resources: z
      .strictObject({ requests: resource.optional(), limits: resource.optional() })
      .optional(),
    ports: z
      .strictObject(Object.fromEntries(portNames.map((name) => [name, port.optional()])))
      .optional(),
    storage: memoryText.optional(),
    securityContext: securityContextOverride.optional(),
    ...standInKey(id),
  });
}

const standInSchema = z.enum(STAND_INS.loki).optional();

/**
 * `standIn` exists only for the components STAND_INS names; the type has it everywhere (as
 * an optional value), the schema refuses it elsewhere as an unknown key.
 */
function standInKey(id: ComponentId): { standIn: typeof standInSchema } {
  return (id in STAND_INS ? { standIn: standInSchema } : {}) as { standIn: typeof standInSchema };
}

/** One service of the in-stack error tracker: the overrides a component has, less replicas. */
function trackerServiceOverride(id: TrackerServiceId) {
  const portNames = Object.entries(TRACKER_SERVICES[id].ports)
    .filter(([, definition]) => definition.published)
    .map(([name]) => name);
  return z.strictObject({
    image: z
      .strictObject({ repository: imageRepository.optional(), tag: imageTag.optional() })
      .optional(),
    resources: z
      .strictObject({ requests: resource.optional(), limits: resource.optional() })
      .optional(),
    ports: z
      .strictObject(Object.fromEntries(portNames.map((name) => [name, port.optional()])))
      .optional(),
    storage: memoryText.optional(),
  });
}

const sentryConfig = z.strictObject({
  mode: z.enum(SENTRY_MODES).optional(),
  url: z
    .url({
      protocol: /^https?$/,
      error: "must be an http(s) URL such as https://errors.example.com",
    })
    .optional(),
  services: z
    .strictObject(
      Object.fromEntries(
        TRACKER_SERVICE_IDS.map((id) => [id, trackerServiceOverride(id).optional()]),
      ),
    )
    .optional(),
});

const alertOverride = z.strictObject({
  // Any number, NaN and the infinities included: config/alerting.ts checks it against its alert's kind.
  threshold: z
    .custom<number>((value) => typeof value === "number", { error: "must be a number" })
    .optional(),
  for: z
    .string()
    .regex(/^\d+[smhdw]$/, { error: "must be a duration such as 30s, 5m, 1h" })
    .optional(),
  severity: z.enum(["critical", "warning", "info"]).optional(),
});
const alertNames = RULE_PACKS.flatMap((pack) => alertsOf(pack).map((alert) => alert.alert));

const rulesConfig = z.strictObject({
  packs: z
    .strictObject(Object.fromEntries(RULE_PACK_NAMES.map((name) => [name, z.boolean().optional()])))
    .optional(),
  overrides: z
    .strictObject(Object.fromEntries(alertNames.map((name) => [name, alertOverride.optional()])))
    .optional(),
});

const scrapeJob = z.strictObject({
  job: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_-]*$/, { error: "must be a job name (letters, digits, _ and -)" }),
  targets: z
    .array(
      z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, {
        error: "must be host:port, such as api:8000 or 10.0.0.5:9100",
      }),
    )
    .min(1),
  metricsPath: z.string().regex(/^\//, { error: "must start with /" }).optional(),
});

export const stackConfigSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS),
  target: z.enum(TARGETS).optional(),
  imageRegistry: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/, {
      error: "must be a registry host such as registry.example.com:5000",
    })
    .optional(),
  sampling: z
    .strictObject({
      ratio: z.number().min(0).max(1).optional(),
      tail: z
        .strictObject({
          enabled: z.boolean().optional(),
          latencyThreshold: durationText.optional(),
        })
        .optional(),
    })
    .optional(),
  retention: z
    .strictObject({
      metrics: durationText.optional(),
      logs: durationText.optional(),
      traces: durationText.optional(),
    })
    .optional(),
  components: z
    .strictObject(
      Object.fromEntries(COMPONENT_IDS.map((id) => [id, componentOverride(id).optional()])),
    )
    .optional(),
  docker: z.strictObject({ bindAddress: ipv4.optional() }).optional(),
  kubernetes: z
    .strictObject({ namespace: dnsLabel.optional(), storageClass: dnsLabel.optional() })
    .optional(),
  sentry: sentryConfig.optional(),
  rules: rulesConfig.optional(),
  scrapeJobs: z.array(scrapeJob).optional(),
  sentryDsn: secretValue.optional(),
  slackWebhookUrl: secretValue.optional(),
  pagerdutyRoutingKey: secretValue.optional(),
  deadMansSwitchUrl: secretValue.optional(),
});

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type ScrapeJobConfig = z.infer<typeof scrapeJob>;
export type AlertOverrideConfig = z.infer<typeof alertOverride>;
export type ComponentOverride = z.infer<ReturnType<typeof componentOverride>>;
export type SecurityContextOverride = z.infer<typeof securityContextOverride>;
export type SentryConfig = z.infer<typeof sentryConfig>;
export type TrackerServiceOverride = z.infer<ReturnType<typeof trackerServiceOverride>>;

import { z } from "zod";
import { CATALOG } from "../components/catalog";
import { COMPONENT_IDS, ComponentId } from "../components/definition";
import {
  Duration,
  DURATION_HINT,
  durationProblem,
  DurationRules,
  lokiRetentionProblem,
  parseDuration,
} from "./duration";
import { ENVIRONMENTS, TARGETS } from "./presets";
import { RULE_PACKS, RULE_PACK_NAMES } from "../rules/packs";
import {
  SENTRY_MODES,
  TRACKER_SERVICE_IDS,
  TRACKER_SERVICES,
  TrackerServiceId,
} from "../components/sentry/definition";
import { alertsOf } from "../rules/render";
import { repositoryProblem, TAG_HINT, tagProblem } from "./image-reference";
import {
  DNS_LABEL_HINT,
  DNS_SUBDOMAIN_HINT,
  namespaceProblem,
  sourceNamespaceProblem,
  storageClassProblem,
} from "./kubernetes-names";
import { metricsPathProblem, TARGET_HINT, targetProblem } from "./scrape-targets";
import { CPU_HINT, cpuProblem, MEMORY_HINT, memoryProblem } from "./quantity";
import { METRIC_PREFIX, METRIC_PREFIX_HINT } from "../metrics/naming";

export { SECRET_KEYS, type SecretKey } from "./credentials";

/**
 * Text refused with what its checker says, in the user's terms (the checkers live beside
 * their notation: config/duration.ts, quantity.ts, image-reference.ts, kubernetes-names.ts);
 * a value of another type gets the hint, so a number where a quantity is wanted reads
 * "must be a quantity ...", not "must be a string".
 */
function checkedText(hint: string, check: (text: string) => string | undefined) {
  return z.string({ error: `must be ${hint}` }).superRefine((text, context) => {
    const wrong = check(text);
    if (wrong) context.addIssue({ code: "custom", message: wrong, input: text });
  });
}

/**
 * A duration in the one notation, refused where the program that receives it would refuse
 * it; `receiver` adds that program's own limits.
 */
function durationText(
  rules: DurationRules = {},
  receiver?: (value: Duration) => string | undefined,
) {
  return checkedText(
    DURATION_HINT,
    (text) => durationProblem(text, rules) ?? receiver?.(parseDuration(text, rules)!),
  );
}
/** Memory and volume sizes: quantities with a unit, no less than Docker or a volume can use. */
const memoryText = checkedText(MEMORY_HINT, (text) => memoryProblem(text, "memory"));
const storageText = checkedText(MEMORY_HINT, (text) => memoryProblem(text, "storage"));
/** Cores as a number (0.5) or text ("500m"), within what Docker and Kubernetes both accept. */
const cpuText = z
  .union([z.string(), z.number()], { error: `must be ${CPU_HINT}` })
  .superRefine((value, context) => {
    const wrong = cpuProblem(String(value));
    if (wrong) context.addIssue({ code: "custom", message: wrong, input: value });
  })
  .transform((value) => String(value));
const resource = z.strictObject({ cpu: cpuText.optional(), memory: memoryText.optional() });
/** Ceilings above the preset-derived maximums (config/maximums.ts), for a deliberate large value. */
const maximums = z.strictObject({
  cpu: cpuText.optional(),
  memory: memoryText.optional(),
  storage: storageText.optional(),
});
const port = z.int().min(1).max(65535);
const imageRepository = checkedText(
  "an image repository such as prom/prometheus",
  repositoryProblem,
);
const imageTag = checkedText(TAG_HINT, tagProblem);
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
    storage: storageText.optional(),
    maximums: maximums.optional(),
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
    storage: storageText.optional(),
    maximums: maximums.optional(),
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

/**
 * Any number, NaN and the infinities included (z.number() refuses those with its own words):
 * config/alerting.ts checks it against its alert's kind and shows such values as written.
 */
export const anyNumber = z.custom<number>((value) => typeof value === "number", {
  error: "must be a number",
});

const alertOverride = z.strictObject({
  threshold: anyNumber.optional(),
  // Prometheus' `for`: 0s fires as soon as the expression is true.
  for: durationText({ zero: true }).optional(),
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

/** How the user's services name the catalog's application metrics (metrics/naming.ts). */
const applicationMetricsConfig = z.strictObject({
  prefix: z
    .string()
    .regex(METRIC_PREFIX, { error: `must be ${METRIC_PREFIX_HINT}` })
    .optional(),
});

const scrapeJob = z.strictObject({
  job: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_-]*$/, { error: "must be a job name (letters, digits, _ and -)" }),
  targets: z.array(checkedText(TARGET_HINT, targetProblem)).min(1),
  metricsPath: checkedText(
    "a path starting with /, such as /metrics",
    metricsPathProblem,
  ).optional(),
  /** Query parameters of every scrape, as Prometheus' scrape_config `params`. */
  params: z
    .record(
      z.string().min(1),
      z.array(z.string(), { error: "must be a list of values, such as [prometheus]" }).min(1),
    )
    .optional(),
});

/** A namespace whose pods a NetworkPolicy admits. */
const sourceNamespace = checkedText(DNS_LABEL_HINT, sourceNamespaceProblem);

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
          latencyThreshold: durationText().optional(),
        })
        .optional(),
    })
    .optional(),
  retention: z
    .strictObject({
      metrics: durationText().optional(),
      logs: durationText({}, lokiRetentionProblem).optional(),
      traces: durationText().optional(),
    })
    .optional(),
  components: z
    .strictObject(
      Object.fromEntries(COMPONENT_IDS.map((id) => [id, componentOverride(id).optional()])),
    )
    .optional(),
  docker: z.strictObject({ bindAddress: ipv4.optional() }).optional(),
  kubernetes: z
    .strictObject({
      namespace: checkedText(DNS_LABEL_HINT, namespaceProblem).optional(),
      storageClass: checkedText(DNS_SUBDOMAIN_HINT, storageClassProblem).optional(),
      verifyKubeletCertificates: z.boolean().optional(),
      networkPolicy: z
        .strictObject({
          ingressNamespaces: z.array(sourceNamespace).optional(),
          telemetryFrom: z
            .union(
              [
                z.literal("anywhere"),
                z
                  .array(sourceNamespace)
                  .min(1, { error: "must name at least one namespace, or be anywhere" }),
              ],
              {
                error: "must be anywhere, or a list of namespaces such as [shop, payments]",
              },
            )
            .optional(),
        })
        .optional(),
    })
    .optional(),
  sentry: sentryConfig.optional(),
  rules: rulesConfig.optional(),
  applicationMetrics: applicationMetricsConfig.optional(),
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

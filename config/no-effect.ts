import { CATALOG } from "../components/catalog";
import { ComponentId } from "../components/definition";
import { TRACKER_SERVICES, TrackerServiceId } from "../components/sentry/definition";
import { RULE_PACKS } from "../rules/packs";
import { alertsOf } from "../rules/render";
import { AlertRule } from "../rules/types";
import { configKey, problem } from "./errors";
import { ComponentOverride, StackConfig, TrackerServiceOverride } from "./schema";
import { Settings } from "./settings";

/**
 * Keys the schema accepts that the stack would then ignore: a user who writes one believes
 * it does something, so each is refused with what it would have needed to take effect.
 */
export function noEffectProblems(settings: Settings, config: StackConfig): string[] {
  return [
    ...platformProblems(settings, config),
    ...componentProblems(settings, config),
    ...trackerProblems(settings, config),
    ...ruleOverrideProblems(settings, config),
  ];
}

const onDocker = "has no effect on the Docker target (observability-stack:target is docker)";

/** Settings only one platform reads: `kubernetes.*` on Docker, `docker.*` on Kubernetes. */
function platformProblems(settings: Settings, config: StackConfig): string[] {
  if (settings.target === "docker") {
    return Object.entries(config.kubernetes ?? {}).map(([key, value]) =>
      problem(
        ["kubernetes", key],
        value,
        `${onDocker}: it is a Kubernetes setting; remove it, or set target to kubernetes`,
      ),
    );
  }
  return Object.entries(config.docker ?? {}).map(([key, value]) =>
    problem(
      ["docker", key],
      value,
      `has no effect on the Kubernetes target (observability-stack:target is kubernetes): it is a Docker setting; remove it, or set target to docker`,
    ),
  );
}

function componentProblems(settings: Settings, config: StackConfig): string[] {
  const overrides = Object.entries(config.components ?? {}) as [
    ComponentId,
    ComponentOverride | undefined,
  ][];
  return overrides.flatMap(([id, override]) => {
    if (override === undefined) return [];
    const definition = CATALOG[id];
    const path = ["components", id];
    const elsewhere = definition.onlyOn && definition.onlyOn.target !== settings.target;
    if (elsewhere) {
      return [
        otherTarget(path, override, settings.target, definition.displayName, definition.onlyOn!),
      ];
    }
    const problems: string[] = [];
    // A component on the host network listens on the host's own ports: its port is a
    // real choice (another program may hold 9100) although nothing publishes it.
    const unpublished = Object.entries(override.ports ?? {}).filter(
      ([name, port]) =>
        port !== undefined &&
        !definition.ports[name].published &&
        definition.hostNetwork === undefined,
    );
    const published = Object.entries(definition.ports)
      .filter(([, port]) => port.published)
      .map(([name]) => name);
    for (const [name, port] of unpublished) {
      problems.push(
        problem(
          [...path, "ports", name],
          port,
          `has no effect: ${definition.displayName}'s ${name} port is not published (only the stack's own services reach it, on ${definition.ports[name].port}); ${published.length > 0 ? `published ports you may set: ${published.join(", ")}` : "it publishes no port"}`,
        ),
      );
    }
    if (override.storage !== undefined && definition.dataPath === undefined) {
      problems.push(
        statelessStorage([...path, "storage"], override.storage, definition.displayName),
      );
    }
    if (settings.target === "docker") {
      // A component that cannot scale out is refused for its own reason already (replicaProblems).
      const scales = definition.workload !== "daemonset" && !definition.singleReplicaReason;
      if (scales && override.replicas !== undefined && override.replicas > 1) {
        problems.push(
          problem(
            [...path, "replicas"],
            override.replicas,
            `${onDocker}: Docker runs one container per component, while the resource budget would count ${override.replicas}; allowed: 1`,
          ),
        );
      }
      if (override.storage !== undefined && definition.dataPath !== undefined) {
        problems.push(dockerStorage([...path, "storage"], override.storage));
      }
      problems.push(...dockerOnlyLimits(path, override));
      problems.push(...dockerSecurity(path, override));
    }
    return problems;
  });
}

/** Every key of a component that the target does not run says so once, at the component. */
function otherTarget(
  path: string[],
  override: ComponentOverride,
  target: string,
  displayName: string,
  onlyOn: { target: string; reason: string },
): string {
  return problem(
    path,
    override,
    `has no effect on the ${target} target (observability-stack:target is ${target}): ${displayName} runs only on target ${onlyOn.target}, since ${onlyOn.reason}; remove the key`,
  );
}

function statelessStorage(path: string[], value: string, displayName: string): string {
  return problem(
    path,
    value,
    `has no effect: ${displayName} keeps no data, so it has no volume to size; remove the key`,
  );
}

function dockerStorage(path: string[], value: string): string {
  return problem(
    path,
    value,
    `${onDocker}: a Docker volume has no size, it grows on the engine's disk; remove the key (it sizes the PersistentVolumeClaim on Kubernetes)`,
  );
}

/** Docker caps a container at its limits; a request has nothing to reserve there. */
function dockerOnlyLimits(
  path: string[],
  override: ComponentOverride | TrackerServiceOverride,
): string[] {
  return Object.entries(override.resources?.requests ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([resource, value]) =>
      problem(
        [...path, "resources", "requests", resource],
        value,
        `${onDocker}: Docker applies only limits (resources.limits.${resource}); remove the key`,
      ),
    );
}

/** Docker runs the container as runAsUser; runAsNonRoot and a read-only root are Pod Security settings. */
function dockerSecurity(path: string[], override: ComponentOverride): string[] {
  const security = override.securityContext ?? {};
  return (["runAsNonRoot", "readOnlyRootFilesystem"] as const)
    .filter((key) => security[key] !== undefined)
    .map((key) =>
      problem(
        [...path, "securityContext", key],
        security[key],
        `${onDocker}: it is a Kubernetes security context setting (Docker takes only securityContext.runAsUser); remove it`,
      ),
    );
}

/** The error tracker's keys its mode reads: the DSN only when external, the URL unless disabled. */
function trackerProblems(settings: Settings, config: StackConfig): string[] {
  const mode = settings.sentry.mode;
  const problems: string[] = [];
  if (config.sentryDsn !== undefined && mode !== "external") {
    // A credential: named, never shown.
    problems.push(
      `${configKey(["sentryDsn"])} (a secret, not shown): has no effect while sentry.mode is "${mode}"; ${
        mode === "disabled"
          ? "no service reports errors"
          : "the stack creates its own tracker's project and takes that project's DSN"
      }; it is used only when sentry.mode is external: remove it (\`pulumi config rm sentryDsn\`) or set sentry.mode to external`,
    );
  }
  if (config.sentry?.url !== undefined && mode === "disabled") {
    problems.push(
      problem(
        ["sentry", "url"],
        config.sentry.url,
        `has no effect while sentry.mode is "disabled": no tracker is run or linked; remove it, or choose a mode (bugsink, self-hosted, external)`,
      ),
    );
  }
  // Overrides of services the mode does not run are refused by sentryProblems already.
  const running = new Set(
    "services" in settings.sentry ? settings.sentry.services.map((s) => s.id) : [],
  );
  const services = (
    Object.entries(config.sentry?.services ?? {}) as [
      TrackerServiceId,
      TrackerServiceOverride | undefined,
    ][]
  ).filter(([id]) => running.has(id));
  for (const [id, override] of services) {
    if (override?.storage === undefined) continue;
    const path = ["sentry", "services", id, "storage"];
    if (TRACKER_SERVICES[id].dataPath === undefined) {
      problems.push(statelessStorage(path, override.storage, TRACKER_SERVICES[id].displayName));
    } else if (settings.target === "docker") {
      problems.push(dockerStorage(path, override.storage));
    }
  }
  if (settings.target === "docker") {
    for (const [id, override] of services) {
      if (override) problems.push(...dockerOnlyLimits(["sentry", "services", id], override));
    }
  }
  return problems;
}

const ALERTS = new Map<string, { rule: AlertRule; pack: string }>(
  RULE_PACKS.flatMap((pack) =>
    alertsOf(pack).map((rule) => [rule.alert, { rule, pack: pack.name }] as const),
  ),
);

/** An override of an alert that is not rendered, or a threshold for an alert that has none. */
function ruleOverrideProblems(settings: Settings, config: StackConfig): string[] {
  return Object.entries(config.rules?.overrides ?? {}).flatMap(([alert, override]) => {
    const known = ALERTS.get(alert);
    if (override === undefined || known === undefined) return [];
    const path = ["rules", "overrides", alert];
    if (!settings.rules.packs.includes(known.pack)) {
      return [
        problem(
          path,
          override,
          `has no effect: ${alert} is in the rule pack "${known.pack}", which rules.packs.${known.pack} disables; remove the override, or enable the pack`,
        ),
      ];
    }
    if (override.threshold !== undefined && known.rule.threshold === undefined) {
      return [
        problem(
          [...path, "threshold"],
          override.threshold,
          `has no effect: ${alert} has no threshold (its condition is fixed); only for and severity may be overridden`,
        ),
      ];
    }
    return [];
  });
}

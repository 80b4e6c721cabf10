import { enabledComponents, Settings } from "../../config/settings";
import { CATALOG } from "../catalog";
import { ComponentId } from "../definition";
import { listenPort, ServiceId, ServiceSpec } from "../spec";
import { hostAgentNamespace } from "../prometheus/config";
import { Edge, wiring } from "../wiring";

interface NetworkPolicyIngressRule {
  from?: Record<string, unknown>[];
  ports: { protocol: string; port: number }[];
}
import { PART_OF, selectorLabels } from "./kubernetes-manifests";

/**
 * NetworkPolicies from the wiring graph (components/wiring.ts), so the connections the
 * configs make and the connections the cluster allows are declared once. Ingress only:
 * each namespace of the stack denies all ingress, then each component's policy allows one
 * rule per (source, port) that the wiring connects to it, plus its published ports to the
 * sources stack config declares (publishedSource): the UIs and APIs only to the namespaces
 * of `kubernetes.networkPolicy.ingressNamespaces` (none by default), so no pod elsewhere in
 * the cluster can write to Prometheus (remote write), silence alerts at Alertmanager or push
 * logs to Loki; the intake ports (OTLP) to `kubernetes.networkPolicy.telemetryFrom`
 * (anywhere by default). Egress stays open: no DNS rule is needed.
 *
 * A pod on the node's network (node-exporter, `hostNetwork: true`) is not isolated by any
 * NetworkPolicy: its traffic is the node's, which policies do not select (Kubernetes
 * documents the behaviour for such pods as undefined; the common CNIs leave them open). Its
 * policy is rendered all the same, at the port it listens on, for a CNI that applies it.
 */

/** Which of the stack's two namespaces: the restricted one or the host agents' one. */
export type NamespaceKind = "stack" | "host";

export function namespaceKind(id: ComponentId): NamespaceKind {
  return CATALOG[id].hostAccess === undefined ? "stack" : "host";
}

export function namespaceName(settings: Settings, kind: NamespaceKind): string {
  return kind === "stack" ? settings.kubernetes.namespace : hostAgentNamespace(settings);
}

/** Pods of the namespaces a config key names. */
export interface NamespacesSource {
  namespaces: string[];
  /** The config key that names them. */
  key: string;
}

/** Who a published port admits besides the wiring graph's sources; none when undefined. */
export type PublishedSource = "anywhere" | NamespacesSource;

/** One ingress rule of a policy, with the edges of the wiring it serves (none for published ports). */
export interface AllowRule {
  to: ComponentId;
  /** A component of the stack, or the sources stack config declares for a published port. */
  from: ComponentId | PublishedSource;
  portName: string;
  port: number;
  protocol: "TCP" | "UDP";
  edges: Edge[];
}

export interface NetworkPolicyModel {
  /** The object's name, unique in its namespace. */
  name: string;
  namespace: NamespaceKind;
  /** The component whose pods it selects; undefined for the namespace's default deny. */
  component?: ComponentId;
  rules: AllowRule[];
}

const NAME_LABEL = "kubernetes.io/metadata.name";

function portOf(settings: Settings, id: ComponentId, portName: string) {
  const port = CATALOG[id].ports[portName];
  return {
    port: listenPort(settings, id, portName),
    protocol: port.protocol.toUpperCase() as "TCP" | "UDP",
  };
}

/** Every allow rule of the stack: the wiring's edges grouped by (from, to, port), then published ports. */
export function allowRules(settings: Settings): AllowRule[] {
  const rules = new Map<string, AllowRule>();
  for (const edge of wiring(settings)) {
    const key = `${edge.from}>${edge.to}:${edge.port}`;
    const rule = rules.get(key) ?? {
      to: edge.to,
      from: edge.from,
      portName: edge.port,
      ...portOf(settings, edge.to, edge.port),
      edges: [],
    };
    rule.edges.push(edge);
    rules.set(key, rule);
  }
  for (const component of enabledComponents(settings)) {
    for (const [portName, port] of Object.entries(CATALOG[component.id].ports)) {
      const from = port.published ? publishedSource(settings, port) : undefined;
      if (!from) continue;
      rules.set(`${describeSource(from)}>${component.id}:${portName}`, {
        to: component.id,
        from,
        portName,
        ...portOf(settings, component.id, portName),
        edges: [],
      });
    }
  }
  return [...rules.values()];
}

const INGRESS_KEY = "kubernetes.networkPolicy.ingressNamespaces";
const TELEMETRY_KEY = "kubernetes.networkPolicy.telemetryFrom";

/**
 * Who may reach a published port beyond the wiring: an intake port the telemetry senders
 * (and the ingress namespaces), a UI or API the ingress namespaces only.
 */
export function publishedSource(
  settings: Settings,
  port: { intake?: boolean },
): PublishedSource | undefined {
  const { ingressNamespaces, telemetryFrom } = settings.kubernetes.networkPolicy;
  if (port.intake) {
    if (telemetryFrom === "anywhere") return "anywhere";
    return {
      namespaces: [...new Set([...telemetryFrom, ...ingressNamespaces])],
      key: TELEMETRY_KEY,
    };
  }
  return ingressNamespaces.length > 0
    ? { namespaces: ingressNamespaces, key: INGRESS_KEY }
    : undefined;
}

function isPublishedSource(source: ComponentId | PublishedSource): source is PublishedSource {
  return typeof source !== "string" || source === "anywhere";
}

export function describeSource(source: ComponentId | PublishedSource): string {
  if (typeof source === "string") return source;
  return `namespaces ${source.namespaces.join(", ")} (${source.key})`;
}

/** A published source as a rule's `from`: absent for anywhere, the namespaces by name. */
export function publishedPeers(source: PublishedSource) {
  if (source === "anywhere") return {};
  return {
    from: [
      {
        namespaceSelector: {
          matchExpressions: [{ key: NAME_LABEL, operator: "In", values: source.namespaces }],
        },
      },
    ],
  };
}

/** The policies of a stack: a default deny per namespace, then one policy per reachable component. */
export function networkPolicyModels(settings: Settings): NetworkPolicyModel[] {
  const rules = allowRules(settings);
  const perComponent = enabledComponents(settings)
    .map((component) => ({
      name: `${CATALOG[component.id].serviceName}-ingress`,
      namespace: namespaceKind(component.id),
      component: component.id,
      rules: rules.filter((rule) => rule.to === component.id),
    }))
    .filter((policy) => policy.rules.length > 0);
  return [
    { name: "default-deny-ingress", namespace: "stack", rules: [] },
    { name: "default-deny-ingress", namespace: "host", rules: [] },
    ...perComponent,
  ];
}

function podSelectorOf(settings: Settings, id: ComponentId) {
  return { matchLabels: selectorLabels({ name: CATALOG[id].serviceName }, settings.stack) };
}

function describeEdges(rules: AllowRule[]): string {
  return rules
    .map((rule) =>
      rule.edges.length === 0
        ? `${describeSource(rule.from)} -> ${rule.portName} (published)`
        : `${describeSource(rule.from)} -> ${rule.portName} (${rule.edges.map((edge) => edge.purpose).join(", ")})`,
    )
    .join("; ");
}

/** A policy as Kubernetes objects spell it; the namespace is its name in settings. */
export function networkPolicyManifest(settings: Settings, model: NetworkPolicyModel) {
  const namespace = namespaceName(settings, model.namespace);
  const labels: Record<string, string> = {
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/instance": settings.stack,
    ...(model.component ? { "app.kubernetes.io/component": model.component } : {}),
  };
  return {
    metadata: {
      name: model.name,
      namespace,
      labels,
      annotations: model.component
        ? { "observability-stack/allows": describeEdges(model.rules) }
        : { "observability-stack/allows": "nothing: ingress is denied unless a policy allows it" },
    },
    spec: {
      podSelector: model.component ? podSelectorOf(settings, model.component) : {},
      policyTypes: ["Ingress"],
      ingress: model.rules.map((rule) => ({
        ...(isPublishedSource(rule.from)
          ? publishedPeers(rule.from)
          : {
              from: [
                {
                  namespaceSelector: {
                    matchLabels: {
                      [NAME_LABEL]: namespaceName(settings, namespaceKind(rule.from)),
                    },
                  },
                  podSelector: podSelectorOf(settings, rule.from),
                },
              ],
            }),
        ports: [{ protocol: rule.protocol, port: rule.port }],
      })),
    },
  };
}

/**
 * The ingress of a service outside the wiring graph (the error tracker's): the named services
 * and jobs of the stack on every port; its published ports to the sources their kind declares
 * (the tracker's take the services' error reports: intake ports, to the telemetry senders). `allows` describes them for the policy's annotation.
 */
export function serviceIngressRules(settings: Settings, spec: ServiceSpec<ServiceId>) {
  const sources = [...(spec.ingress?.fromServices ?? [])].sort();
  const published = spec.ports.filter((port) => port.publishedPort !== undefined);
  const portsOf = (ports: typeof spec.ports) =>
    ports.map((port) => ({ protocol: port.protocol.toUpperCase(), port: port.containerPort }));
  const ingress: NetworkPolicyIngressRule[] = [];
  const allows: string[] = [];
  if (sources.length > 0 && spec.ports.length > 0) {
    ingress.push({
      from: [
        {
          podSelector: {
            matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: sources }],
            matchLabels: { "app.kubernetes.io/instance": settings.stack },
          },
        },
      ],
      ports: portsOf(spec.ports),
    });
    allows.push(`${sources.join(", ")} -> all ports`);
  }
  // Each published port admits the sources its kind declares (an intake port: the senders).
  const bySource = new Map<string, { source: PublishedSource; ports: typeof published }>();
  for (const port of published) {
    const source = publishedSource(settings, port);
    if (!source) continue;
    const entry = bySource.get(describeSource(source)) ?? { source, ports: [] };
    entry.ports.push(port);
    bySource.set(describeSource(source), entry);
  }
  for (const [name, { source, ports }] of bySource) {
    ingress.push({ ...publishedPeers(source), ports: portsOf(ports) });
    allows.push(...ports.map((port) => `${name} -> ${port.name} (published)`));
  }
  return { ingress, allows: allows.join("; ") || "nothing" };
}

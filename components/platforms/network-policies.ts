import { enabledComponents, Settings } from "../../config/settings";
import { CATALOG } from "../catalog";
import { ComponentId } from "../definition";
import { listenPort } from "../spec";
import { hostAgentNamespace } from "../prometheus/config";
import { Edge, wiring } from "../wiring";
import { PART_OF, selectorLabels } from "./kubernetes-manifests";

/**
 * NetworkPolicies from the wiring graph (components/wiring.ts), so the connections the
 * configs make and the connections the cluster allows are declared once. Ingress only:
 * each namespace of the stack denies all ingress, then each component's policy allows one
 * rule per (source, port) that the wiring connects to it, plus its published ports from
 * anywhere (users, OTLP senders). Egress stays open: no DNS rule is needed.
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

/** One ingress rule of a policy, with the edges of the wiring it serves (none for published ports). */
export interface AllowRule {
  to: ComponentId;
  /** A component of the stack, or anywhere for a published port. */
  from: ComponentId | "anywhere";
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
      if (!port.published) continue;
      rules.set(`anywhere>${component.id}:${portName}`, {
        to: component.id,
        from: "anywhere",
        portName,
        ...portOf(settings, component.id, portName),
        edges: [],
      });
    }
  }
  return [...rules.values()];
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
      rule.from === "anywhere"
        ? `anywhere -> ${rule.portName} (published)`
        : `${rule.from} -> ${rule.portName} (${rule.edges.map((edge) => edge.purpose).join(", ")})`,
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
        ...(rule.from === "anywhere"
          ? {}
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

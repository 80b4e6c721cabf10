import * as pulumi from "@pulumi/pulumi";
import { CATALOG } from "../../components/catalog";
import { ComponentId } from "../../components/definition";
import {
  configKey,
  containerSecurityContext,
  podSecurityContext,
  selectorLabels,
  standardLabels,
} from "../../components/platforms/kubernetes-manifests";
import {
  allowRules,
  namespaceName,
  networkPolicyManifest,
  networkPolicyModels,
} from "../../components/platforms/network-policies";
import { buildSpecs } from "../../components/specs";
import { ObservabilityStack } from "../../components/stack";
import { wiring } from "../../components/wiring";
import { ConfigError } from "../../config/errors";
import { Settings } from "../../config/settings";
import { recordResources, RecordedResource, settle } from "../support/mocks";
import { settingsFrom, stackSettings } from "../support/settings";

function problemsOf(values: Record<string, unknown>): string[] {
  try {
    settingsFrom(values);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("config was accepted");
}

describe("components.<id>.securityContext", () => {
  test("runAsNonRoot: false for a component in the restricted namespace is refused, naming the key", () => {
    expect(
      problemsOf({
        environment: "staging",
        components: { loki: { securityContext: { runAsNonRoot: false } } },
      }),
    ).toEqual([
      "observability-stack:components.loki.securityContext.runAsNonRoot = false: the stack's namespace (observability) enforces the restricted Pod Security level; its pods must run as non-root: remove the key or set it to true",
    ]);
  });

  test("runAsUser: 0 is refused too, naming that key", () => {
    expect(
      problemsOf({
        environment: "prod",
        kubernetes: { namespace: "obs" },
        components: { grafana: { securityContext: { runAsUser: 0 } } },
      }),
    ).toEqual([
      "observability-stack:components.grafana.securityContext.runAsUser = 0: the stack's namespace (obs) enforces the restricted Pod Security level; its pods must not run as user 0 (root): set another user, such as 472",
    ]);
  });

  test("both keys wrong: both named", () => {
    expect(
      problemsOf({
        environment: "staging",
        components: { jaeger: { securityContext: { runAsNonRoot: false, runAsUser: 0 } } },
      }),
    ).toEqual([
      expect.stringContaining("components.jaeger.securityContext.runAsNonRoot = false:"),
      expect.stringContaining("components.jaeger.securityContext.runAsUser = 0:"),
    ]);
  });

  test("runAsNonRoot: true beside runAsUser: 0 names only runAsUser", () => {
    expect(
      problemsOf({
        environment: "staging",
        components: { prometheus: { securityContext: { runAsNonRoot: true, runAsUser: 0 } } },
      }),
    ).toEqual([expect.stringContaining("components.prometheus.securityContext.runAsUser = 0:")]);
  });

  test("host agents run in the privileged namespace: root stays allowed there", () => {
    const settings = settingsFrom({
      environment: "staging",
      components: { nodeExporter: { securityContext: { runAsUser: 0 } } },
    });
    expect(settings.components.nodeExporter.security.runAsUser).toBe(0);
    expect(settings.components.cadvisor.security).toMatchObject({
      runAsUser: 0,
      runAsNonRoot: false,
    });
  });

  test("on Docker there is no Pod Security level: root is allowed", () => {
    const settings = settingsFrom({
      environment: "dev",
      components: { loki: { securityContext: { runAsUser: 0 } } },
    });
    expect(settings.components.loki.security).toEqual({
      runAsUser: 0,
      runAsNonRoot: false,
      readOnlyRootFilesystem: false,
    });
  });

  test("unknown keys and wrong types are refused with what is allowed", () => {
    expect(
      problemsOf({
        environment: "staging",
        components: { loki: { securityContext: { privileged: true, runAsUser: -1 } } },
      }),
    ).toEqual(
      expect.arrayContaining([
        "observability-stack:components.loki.securityContext.privileged: unknown key; allowed here: runAsNonRoot, runAsUser, readOnlyRootFilesystem",
        "observability-stack:components.loki.securityContext.runAsUser = -1: must be at least 0",
      ]),
    );
  });

  test("overrides flow into the spec's SecurityProfile and the pod's security context", () => {
    const settings = settingsFrom({
      environment: "staging",
      components: {
        loki: { securityContext: { runAsUser: 20001, readOnlyRootFilesystem: false } },
      },
    });
    const loki = buildSpecs(settings).find((spec) => spec.id === "loki")!;
    expect(loki.security).toMatchObject({
      runAsUser: 20001,
      runAsNonRoot: true,
      readOnlyRootFilesystem: false,
    });
    expect(podSecurityContext(loki)).toMatchObject({ runAsUser: 20001, runAsNonRoot: true });
    expect(containerSecurityContext(loki)).toMatchObject({ readOnlyRootFilesystem: false });
  });

  test("without overrides the images' own users are kept", () => {
    const settings = stackSettings("prod");
    for (const spec of buildSpecs(settings)) {
      expect(spec.security.runAsUser).toBe(CATALOG[spec.id].user);
    }
  });
});

/** The checks of the restricted Pod Security level that a pod template can fail. */
function restrictedViolations(pod: any): string[] {
  const problems: string[] = [];
  const podContext = pod.securityContext ?? {};
  if (pod.hostPID || pod.hostNetwork || pod.hostIPC) problems.push("host namespaces");
  if ((pod.volumes ?? []).some((volume: any) => volume.hostPath)) problems.push("hostPath volumes");
  for (const container of pod.containers) {
    const context = container.securityContext ?? {};
    if (context.privileged) problems.push("privileged");
    if (context.allowPrivilegeEscalation !== false)
      problems.push("allowPrivilegeEscalation != false");
    if (!(context.capabilities?.drop ?? []).includes("ALL"))
      problems.push("capabilities not dropped");
    if (context.runAsNonRoot !== true && podContext.runAsNonRoot !== true)
      problems.push("runAsNonRoot != true");
    if ((context.runAsUser ?? podContext.runAsUser) === 0) problems.push("runAsUser=0");
    const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type;
    if (!["RuntimeDefault", "Localhost"].includes(seccomp)) problems.push("seccompProfile");
  }
  return problems;
}

/** The checks of the baseline level that the host agents need to pass: they cannot. */
function baselineViolations(pod: any): string[] {
  const problems: string[] = [];
  if (pod.hostPID) problems.push("hostPID");
  if ((pod.volumes ?? []).some((volume: any) => volume.hostPath)) problems.push("hostPath volumes");
  if (pod.containers.some((container: any) => container.securityContext?.privileged)) {
    problems.push("privileged");
  }
  return problems;
}

describe("the Kubernetes objects of staging (mocked engine)", () => {
  const resources = recordResources("observability-stack", "unit-k8s");
  let list: RecordedResource[];
  let settings: Settings;
  beforeAll(async () => {
    settings = stackSettings("staging");
    new ObservabilityStack("observability", {
      settings,
      configSecret: (key) => pulumi.secret(`value-of-${key}`),
    });
    await settle();
    list = [...resources];
  });
  const ofKind = (kind: string) => list.filter((r) => r.type.endsWith(`:${kind}`));
  const workloads = () => [
    ...ofKind("Deployment"),
    ...ofKind("StatefulSet"),
    ...ofKind("DaemonSet"),
  ];
  const namespaceOfWorkload = (r: RecordedResource) => (r.inputs as any).metadata.namespace;

  test("every pod in the stack namespace passes the restricted level", () => {
    const inStack = workloads().filter((w) => namespaceOfWorkload(w) === "observability");
    // Seven components (kube-state-metrics with them), and staging's error tracker: Bugsink
    // and its probe.
    expect(inStack).toHaveLength(9);
    for (const workload of inStack) {
      expect([
        workload.name,
        restrictedViolations((workload.inputs as any).spec.template.spec),
      ]).toEqual([workload.name, []]);
    }
  });

  test("only kube-state-metrics and Prometheus get cluster-wide access: reads of what they report and scrape", () => {
    const roles = ofKind("ClusterRole").map((r) => r.inputs as any);
    const byName = Object.fromEntries(roles.map((role) => [role.metadata.name, role.rules]));
    expect(byName).toEqual({
      "observability-kube-state-metrics": [
        {
          apiGroups: [""],
          resources: ["pods", "persistentvolumeclaims", "nodes"],
          verbs: ["get", "list", "watch"],
        },
        {
          apiGroups: ["apps"],
          resources: ["deployments", "statefulsets", "daemonsets"],
          verbs: ["get", "list", "watch"],
        },
      ],
      "observability-prometheus": [
        { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
      ],
    });
    const bindings = ofKind("ClusterRoleBinding").map((r) => r.inputs as any);
    expect(bindings.map((binding) => [binding.roleRef.name, binding.subjects]).sort()).toEqual([
      [
        "observability-kube-state-metrics",
        [{ kind: "ServiceAccount", name: "kube-state-metrics", namespace: "observability" }],
      ],
      [
        "observability-prometheus",
        [{ kind: "ServiceAccount", name: "prometheus", namespace: "observability" }],
      ],
    ]);
    // Every other account has no token in its pods.
    const withToken = ofKind("ServiceAccount")
      .filter((r) => (r.inputs as any).automountServiceAccountToken)
      .map((r) => (r.inputs as any).metadata.name)
      .sort();
    expect(withToken).toEqual(["kube-state-metrics", "prometheus"]);
  });

  test("the host agents fail baseline (hence privileged, the least level that admits them)", () => {
    const host = workloads().filter((w) => namespaceOfWorkload(w) === "observability-host");
    expect(host.map((w) => w.name).sort()).toEqual(["cadvisor", "node-exporter"]);
    for (const workload of host) {
      expect(baselineViolations((workload.inputs as any).spec.template.spec)).toEqual(
        expect.arrayContaining(["hostPID", "hostPath volumes"]),
      );
    }
    const namespaces = ofKind("Namespace").map((n) => (n.inputs as any).metadata);
    expect(namespaces.map((m) => m.labels)).toEqual([
      expect.objectContaining({
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      }),
      expect.objectContaining({ "pod-security.kubernetes.io/enforce": "privileged" }),
    ]);
  });

  test("standard app.kubernetes.io labels on every object; selectors without the version", () => {
    for (const workload of workloads()) {
      const inputs = workload.inputs as any;
      for (const labels of [inputs.metadata.labels, inputs.spec.template.metadata.labels]) {
        expect(Object.keys(labels).sort()).toEqual([
          "app.kubernetes.io/component",
          "app.kubernetes.io/instance",
          "app.kubernetes.io/managed-by",
          "app.kubernetes.io/name",
          "app.kubernetes.io/part-of",
          "app.kubernetes.io/version",
        ]);
      }
      expect(Object.keys(inputs.spec.selector.matchLabels).sort()).toEqual([
        "app.kubernetes.io/instance",
        "app.kubernetes.io/name",
      ]);
    }
    for (const service of ofKind("Service")) {
      expect((service.inputs as any).spec.selector["app.kubernetes.io/version"]).toBeUndefined();
    }
  });

  test("one NetworkPolicy per model, in the namespace the model names", () => {
    const policies = ofKind("NetworkPolicy").map((p) => (p.inputs as any).metadata);
    const models = networkPolicyModels(settings);
    // The error tracker's services bring a policy each (components/sentry: ServiceSpec.ingress).
    const tracker = ["bugsink-ingress", "error-tracker-probe-ingress"].map(
      (name) => `${settings.kubernetes.namespace}/${name}`,
    );
    expect(policies.map((m) => `${m.namespace}/${m.name}`).sort()).toEqual(
      [
        ...models.map((m) => `${namespaceName(settings, m.namespace)}/${m.name}`),
        ...tracker,
      ].sort(),
    );
  });
});

describe("labels", () => {
  test("the version label follows the image tag; the selector is a subset without it", () => {
    for (const spec of buildSpecs(stackSettings("staging"))) {
      const labels = standardLabels(spec, "staging");
      expect(labels["app.kubernetes.io/version"]).toBe(spec.image.split(":").pop());
      expect(labels).toMatchObject(selectorLabels(spec, "staging"));
      expect(selectorLabels(spec, "staging")["app.kubernetes.io/version"]).toBeUndefined();
    }
  });
});

/** A policy's ingress rules read back as (from, to, port) in terms of the stack's components. */
function readPolicies(settings: Settings) {
  const byLabels = new Map(
    Object.values(CATALOG).map((definition) => [definition.serviceName, definition.id]),
  );
  const namespaces = new Set([namespaceName(settings, "stack"), namespaceName(settings, "host")]);
  const rules: {
    from: ComponentId | "anywhere" | `ns:${string}`;
    to: ComponentId;
    port: number;
  }[] = [];
  const denies: string[] = [];
  for (const model of networkPolicyModels(settings)) {
    const manifest = networkPolicyManifest(settings, model);
    expect(namespaces.has(manifest.metadata.namespace)).toBe(true);
    expect(manifest.spec.policyTypes).toEqual(["Ingress"]);
    const selected = (manifest.spec.podSelector as any).matchLabels;
    if (!selected) {
      expect(manifest.spec.ingress).toEqual([]);
      denies.push(manifest.metadata.namespace);
      continue;
    }
    const to = byLabels.get(selected["app.kubernetes.io/name"])!;
    expect(selected["app.kubernetes.io/instance"]).toBe(settings.stack);
    expect(manifest.metadata.namespace).toBe(
      namespaceName(settings, CATALOG[to].hostAccess ? "host" : "stack"),
    );
    for (const rule of manifest.spec.ingress as any[]) {
      expect(rule.ports).toHaveLength(1);
      const port = rule.ports[0].port as number;
      if (!rule.from) {
        rules.push({ from: "anywhere", to, port });
        continue;
      }
      expect(rule.from).toHaveLength(1);
      const peer = rule.from[0];
      if (!peer.podSelector) {
        const [names] = peer.namespaceSelector.matchExpressions;
        expect(names).toMatchObject({ key: "kubernetes.io/metadata.name", operator: "In" });
        rules.push({ from: `ns:${names.values.join(",")}`, to, port });
        continue;
      }
      const from = byLabels.get(peer.podSelector.matchLabels["app.kubernetes.io/name"])!;
      expect(peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe(
        namespaceName(settings, CATALOG[from].hostAccess ? "host" : "stack"),
      );
      rules.push({ from, to, port });
    }
  }
  return { rules, denies };
}

describe("NetworkPolicies follow the wiring graph", () => {
  const cases: [string, Settings][] = [
    ["staging", stackSettings("staging")],
    ["prod", stackSettings("prod")],
    [
      "staging without Loki and Grafana",
      settingsFrom({
        environment: "staging",
        components: { loki: { enabled: false }, grafana: { enabled: false } },
      }),
    ],
    [
      "staging without Prometheus",
      settingsFrom({ environment: "staging", components: { prometheus: { enabled: false } } }),
    ],
  ];

  test.each(cases)(
    "%s: every edge has exactly one allow rule, and no rule is extra",
    (_, settings) => {
      const { rules, denies } = readPolicies(settings);
      expect(denies.sort()).toEqual(
        [namespaceName(settings, "host"), namespaceName(settings, "stack")].sort(),
      );
      const key = (r: { from: string; to: string; port: number }) => `${r.from}>${r.to}:${r.port}`;
      const edges = wiring(settings);
      for (const edge of edges) {
        const port = CATALOG[edge.to].ports[edge.port].port;
        expect([
          key({ ...edge, port }),
          rules.filter((r) => key(r) === key({ ...edge, port })),
        ]).toEqual([key({ ...edge, port }), [{ from: edge.from, to: edge.to, port }]]);
      }
      const edgeKeys = new Set(
        edges.map((edge) => key({ ...edge, port: CATALOG[edge.to].ports[edge.port].port })),
      );
      // Without kubernetes.networkPolicy: only the collector's OTLP ports beyond the wiring.
      const published = ["anywhere>otelCollector:4317", "anywhere>otelCollector:4318"];
      expect(
        rules
          .map(key)
          .filter((k) => !edgeKeys.has(k))
          .sort(),
      ).toEqual(published.sort());
      expect(new Set(rules.map(key)).size).toBe(rules.length);
    },
  );

  test("kubernetes.networkPolicy: the UIs and APIs to the ingress namespaces, OTLP to the telemetry senders", () => {
    const settings = settingsFrom({
      environment: "staging",
      kubernetes: {
        networkPolicy: {
          ingressNamespaces: ["ingress-nginx"],
          telemetryFrom: ["shop", "payments"],
        },
      },
    });
    const { rules } = readPolicies(settings);
    const beyondWiring = rules
      .filter((rule) => rule.from.startsWith("ns:") || rule.from === "anywhere")
      .map((rule) => `${rule.from}>${rule.to}:${rule.port}`)
      .sort();
    expect(beyondWiring).toEqual([
      "ns:ingress-nginx>alertmanager:9093",
      "ns:ingress-nginx>grafana:3000",
      "ns:ingress-nginx>jaeger:16686",
      "ns:ingress-nginx>loki:3100",
      "ns:ingress-nginx>prometheus:9090",
      "ns:shop,payments,ingress-nginx>otelCollector:4317",
      "ns:shop,payments,ingress-nginx>otelCollector:4318",
    ]);
  });

  test("kubernetes.verifyKubeletCertificates and networkPolicy.telemetryFrom refuse values of another kind", () => {
    expect(
      problemsOf({
        environment: "staging",
        kubernetes: {
          verifyKubeletCertificates: "yes",
          networkPolicy: { telemetryFrom: "everywhere" },
        },
      }),
    ).toEqual([
      expect.stringMatching(
        /^observability-stack:kubernetes\.verifyKubeletCertificates = "yes": must be true or false$/,
      ),
      expect.stringMatching(
        /^observability-stack:kubernetes\.networkPolicy\.telemetryFrom = "everywhere": must be anywhere, or a list of namespaces/,
      ),
    ]);
  });

  test("kubernetes.networkPolicy: a namespace that is no DNS label is refused, naming the key", () => {
    expect(
      problemsOf({
        environment: "staging",
        kubernetes: { networkPolicy: { ingressNamespaces: ["Ingress_NGINX"], telemetryFrom: [] } },
      }),
    ).toEqual([
      expect.stringMatching(
        /^observability-stack:kubernetes\.networkPolicy\.ingressNamespaces\.0 = "Ingress_NGINX": must be a DNS label/,
      ),
      expect.stringMatching(
        /^observability-stack:kubernetes\.networkPolicy\.telemetryFrom = \[\]: must name at least one namespace, or be anywhere$/,
      ),
    ]);
  });

  test("the collector reaches Jaeger, Loki and Prometheus; Grafana its datasources; Prometheus every target", () => {
    const rules = allowRules(stackSettings("staging")).filter((rule) => rule.from !== "anywhere");
    const from = (id: ComponentId) =>
      rules
        .filter((rule) => rule.from === id)
        .map((rule) => `${rule.to}:${rule.port}`)
        .sort();
    expect(from("otelCollector")).toEqual(["jaeger:4317", "loki:3100", "prometheus:9090"]);
    expect(from("grafana")).toEqual([
      "alertmanager:9093",
      "jaeger:16686",
      "loki:3100",
      "prometheus:9090",
    ]);
    expect(from("prometheus")).toEqual([
      "alertmanager:9093",
      "cadvisor:8080",
      "grafana:3000",
      "jaeger:8888",
      "kubeStateMetrics:8080",
      "loki:3100",
      "nodeExporter:9100",
      "otelCollector:8888",
      "prometheus:9090",
    ]);
    const alertmanager = rules.find(
      (rule) => rule.from === "prometheus" && rule.to === "alertmanager",
    )!;
    expect(alertmanager.edges.map((edge) => edge.purpose).sort()).toEqual(["alerts", "scrape"]);
  });
});

describe("ConfigMaps", () => {
  test.each(["dev", "staging", "prod"])(
    "%s: every config file has a key of its own, valid for a ConfigMap",
    (name) => {
      for (const spec of buildSpecs(stackSettings(name))) {
        const keys = spec.configFiles.map(configKey);
        expect(new Set(keys).size).toBe(keys.length);
        for (const key of keys) expect(key).toMatch(/^[-._a-zA-Z0-9]{1,253}$/);
        // The render path is read back from the key (test/e2e-k8s compares them).
        for (const file of spec.configFiles) {
          expect(configKey(file).replace(/__/g, "/")).toBe(file.renderPath);
        }
      }
    },
  );

  test("Prometheus's config and its prometheus rule pack do not share a key", () => {
    const prometheus = buildSpecs(stackSettings("staging")).find((s) => s.id === "prometheus")!;
    const keyOf = (renderPath: string) =>
      configKey(prometheus.configFiles.find((file) => file.renderPath === renderPath)!);
    expect(keyOf("prometheus/prometheus.yml")).toBe("prometheus__prometheus.yml");
    expect(keyOf("prometheus/rules/prometheus.yml")).toBe("prometheus__rules__prometheus.yml");
  });
});

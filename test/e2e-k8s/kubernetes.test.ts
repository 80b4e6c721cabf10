import { namespaceName } from "../../components/platforms/network-policies";
import { renderStack } from "../../components/render";
import { eventually, getJson } from "../support/http";
import { RecordedResource } from "../support/mocks";
import { nowNanos, postOtlp, randomHex } from "../support/otlp";
import {
  CLIENT_IMAGE,
  items,
  kubeconfigPath,
  kubectl,
  kubectlOk,
  programObjects,
  requireRealNode,
} from "../support/k8s";
import { TestStack } from "../support/pulumi";
import { stackSettings } from "../support/settings";

/**
 * The staging model on the local cluster's real node (scripts/k8s, OBS_K8S_NODE=real): a
 * kubelet with containerd and runc, so every container really starts, with the images'
 * users, read-only roots, probes, mounts and Service DNS of a real cluster. The steps build
 * on each other and run in order.
 */
const STACK = "k8s-e2e";
const settings = stackSettings(STACK);
const namespace = namespaceName(settings, "stack");
const hostNamespace = namespaceName(settings, "host");
const namespaces = [namespace, hostNamespace];
const PART_OF = "app.kubernetes.io/part-of=observability-stack";

/**
 * What staging must run, written here and not taken from the program: Grafana is off (no
 * permitted image is built here) and Loki's place is taken by its stand-in, a collector.
 */
const EXPECTED = {
  deployments: [`${namespace}/kube-state-metrics`, `${namespace}/otel-collector`],
  statefulSets: [
    `${namespace}/alertmanager`,
    `${namespace}/jaeger`,
    `${namespace}/loki`,
    `${namespace}/prometheus`,
  ],
  daemonSets: [`${hostNamespace}/cadvisor`, `${hostNamespace}/node-exporter`],
  claims: ["data-alertmanager-0", "data-jaeger-0", "data-loki-0", "data-prometheus-0"],
  servicePorts: {
    [`${namespace}/prometheus`]: [9090],
    [`${namespace}/alertmanager`]: [9093],
    [`${namespace}/jaeger`]: [4317, 4318, 5778, 8888, 13133, 16686],
    [`${namespace}/kube-state-metrics`]: [8080, 8081],
    [`${namespace}/otel-collector`]: [4317, 4318, 8888, 13133],
    [`${namespace}/loki`]: [3100, 9096],
    [`${hostNamespace}/node-exporter`]: [9100],
    [`${hostNamespace}/cadvisor`]: [8080],
  } as Record<string, number[]>,
  /** Every job Prometheus scrapes in staging (Loki's stand-in is not scraped). */
  scrapeJobs: [
    "alertmanager",
    "cadvisor",
    "jaeger",
    "kube-state-metrics",
    "kubelet",
    "node-exporter",
    "otel-collector",
    "prometheus",
  ],
  /** The namespace Pulumi.k8s-e2e.yaml names in kubernetes.networkPolicy.ingressNamespaces. */
  ingressNamespace: "obs-e2e-ingress",
};
/** Where the test runs its own pods: a namespace the stack's wiring does not know. */
const SCRATCH = "obs-e2e-scratch";
const NOT_DEPLOYED = {
  grafana:
    "no permitted Grafana image is built here (AGPL module): components.grafana.enabled false",
  loki: "Loki is not built here (AGPL module): its stand-in, a collector, runs under its name and ports",
};

let stack: TestStack;
let deployed = false;
let traceIdSent = "";
/** What the program creates, from a run under Pulumi mocks: only for the ConfigMap check. */
let objects: RecordedResource[];

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;
const nameOf = (o: any) => `${o.metadata.namespace}/${o.metadata.name}`;

function inNamespaces(kind: string, selector = PART_OF): any[] {
  return namespaces.flatMap((ns) => items([kind, "-n", ns, "-l", selector]));
}

/** http://<ClusterIP>:<port> of a Service: the node routes to it through kube-proxy's rules. */
function serviceUrl(name: string, port: number, ns = namespace): string {
  const service = JSON.parse(kubectlOk(["get", "service", name, "-n", ns, "-o", "json"]));
  return `http://${service.spec.clusterIP}:${port}`;
}

/** Every container of the stack's pods: restarts and the reason of its last termination. */
function restarts(): string[] {
  return inNamespaces("pods").flatMap((pod) =>
    (pod.status.containerStatuses ?? [])
      .filter((c: any) => c.restartCount > 0 || c.lastState?.terminated)
      .map(
        (c: any) =>
          `${pod.metadata.name}/${c.name}: ${c.restartCount} restart(s), last ${c.lastState?.terminated?.reason ?? "?"}`,
      ),
  );
}

/** The PersistentVolumes whose claim is in one of the namespaces. */
function volumesOf(ns: string[]): any[] {
  return items(["persistentvolumes"]).filter((pv) => ns.includes(pv.spec.claimRef?.namespace));
}

/** A pod of the tests' own, as the restricted Pod Security level admits it. */
function clientPod(name: string, ns: string, script: string, restartPolicy: "Never" | "Always") {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels: { "observability-stack.test/client": name } },
    spec: {
      restartPolicy,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65534,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          name: "client",
          image: CLIENT_IMAGE,
          imagePullPolicy: "Never",
          args: ["-c", script],
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          },
        },
      ],
    },
  };
}

function ensureNamespace(name: string): void {
  const result = kubectl(["create", "namespace", name]);
  if (result.status !== 0 && !result.stderr.includes("AlreadyExists")) {
    throw new Error(`kubectl create namespace ${name}: ${result.stderr}`);
  }
}

/** Probe failures the kubelet reported for pods named `<prefix>-...` since a time. */
function probeFailures(prefix: string, since: number): string[] {
  return items(["events", "-n", namespace, "--field-selector", "reason=Unhealthy"])
    .filter((event) => event.involvedObject.name.startsWith(`${prefix}-`))
    .filter((event) => Date.parse(event.lastTimestamp ?? event.eventTime) >= since - 1000)
    .map((event) => `${event.involvedObject.name}: ${event.message}`);
}

/**
 * From a pod in `ns`: which of the stack's Services accept a TCP connection within 5 s.
 * NetworkPolicies drop what they refuse, so a refused connection times out.
 */
async function reachable(ns: string, targets: string[]): Promise<Record<string, boolean>> {
  const name = `reach-${randomHex(4)}`;
  const script = targets
    .map((t) => {
      const [service, port] = t.split(":");
      return `if timeout 5 nc ${service}.${namespace}.svc ${port} </dev/null >/dev/null 2>&1; then echo "${t} open"; else echo "${t} closed"; fi`;
    })
    .join("; ");
  kubectlOk(["create", "-f", "-"], JSON.stringify(clientPod(name, ns, script, "Never")));
  try {
    await eventually(
      `${name} done`,
      async () => {
        const phase = JSON.parse(kubectlOk(["get", "pod", name, "-n", ns, "-o", "json"])).status
          .phase;
        return phase === "Succeeded" || phase === "Failed" ? true : undefined;
      },
      120_000,
    );
    const log = kubectlOk(["logs", name, "-n", ns]);
    return Object.fromEntries(
      log
        .trim()
        .split("\n")
        .map((line) => line.split(" "))
        .map(([target, state]) => [target, state === "open"]),
    );
  } finally {
    kubectl(["delete", "pod", name, "-n", ns, "--wait=false"]);
  }
}

function rolledOut(kind: string, name: string, ns = namespace): void {
  kubectlOk(["rollout", "status", `${kind}/${name}`, "-n", ns, "--timeout=180s"]);
}

beforeAll(async () => {
  requireRealNode();
  objects = await programObjects(settings);
  stack = new TestStack(STACK);
  stack.env.KUBECONFIG = kubeconfigPath();
  console.log(
    `not deployed in ${STACK}: ${Object.entries(NOT_DEPLOYED)
      .map(([id, why]) => `${id} (${why})`)
      .join("; ")}`,
  );
});

afterAll(() => {
  kubectl(["delete", "namespace", SCRATCH, EXPECTED.ingressNamespace, "--ignore-not-found"]);
  if (!deployed) return;
  stack?.destroy();
  kubectl(["delete", "namespace", ...namespaces, "--ignore-not-found", "--wait=true"]);
});

describe("staging on a real Kubernetes node", () => {
  test("1a. pulumi preview against the cluster reports no error", () => {
    const result = stack.ok("preview", "--diff");
    expect(result.stdout).toMatch(/\+ \d+ to create/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s*error:/m);
  });

  test("1b. pulumi up: every workload available through its readiness probe, claims provisioned, Services with endpoints, no restart", () => {
    deployed = true;
    const started = Date.now();
    const result = stack.ok("up", "--yes", "--skip-preview");
    console.log(
      `pulumi up of ${STACK} on the real node -> everything ready: ${seconds(started)} s`,
    );
    expect(result.stdout).not.toMatch(/skipAwait|skip-await/);

    const deployments = items(["deployments", "-n", namespace, "-l", PART_OF]);
    const statefulSets = items(["statefulsets", "-n", namespace, "-l", PART_OF]);
    const daemonSets = items(["daemonsets", "-n", hostNamespace, "-l", PART_OF]);
    expect(deployments.map(nameOf).sort()).toEqual(EXPECTED.deployments);
    expect(statefulSets.map(nameOf).sort()).toEqual(EXPECTED.statefulSets);
    expect(daemonSets.map(nameOf).sort()).toEqual(EXPECTED.daemonSets);
    for (const w of [...deployments, ...statefulSets]) {
      expect([nameOf(w), w.status.availableReplicas]).toEqual([nameOf(w), w.spec.replicas]);
    }
    for (const d of daemonSets) {
      expect([nameOf(d), d.status.desiredNumberScheduled]).toEqual([nameOf(d), 1]);
      expect([nameOf(d), d.status.numberAvailable]).toEqual([nameOf(d), 1]);
    }
    // Every pod ran its containers on the node: no simulated node is in this cluster.
    for (const pod of inNamespaces("pods")) {
      expect([pod.metadata.name, pod.status.phase]).toEqual([pod.metadata.name, "Running"]);
      expect([
        pod.metadata.name,
        pod.status.containerStatuses.every((c: any) => c.ready && c.containerID),
      ]).toEqual([pod.metadata.name, true]);
    }

    const services = inNamespaces("services");
    expect(
      Object.fromEntries(
        services.map((s) => [
          nameOf(s),
          s.spec.ports.map((p: any) => p.port).sort((x: number, y: number) => x - y),
        ]),
      ),
    ).toEqual(EXPECTED.servicePorts);
    for (const service of services) {
      const slices = items([
        "endpointslices",
        "-n",
        service.metadata.namespace,
        "-l",
        `kubernetes.io/service-name=${service.metadata.name}`,
      ]);
      const ready = slices.flatMap((slice) =>
        (slice.endpoints ?? []).filter((e: any) => e.conditions?.ready),
      );
      expect([service.metadata.name, ready.length > 0]).toEqual([service.metadata.name, true]);
    }

    // Bound by the cluster: the node's provisioner made a volume when each pod was scheduled.
    const claims = items(["persistentvolumeclaims", "-n", namespace]);
    expect(claims.map((c) => c.metadata.name).sort()).toEqual(EXPECTED.claims);
    for (const claim of claims) {
      expect([claim.metadata.name, claim.status.phase]).toEqual([claim.metadata.name, "Bound"]);
      const volume = JSON.parse(kubectlOk(["get", "pv", claim.spec.volumeName, "-o", "json"]));
      expect([
        claim.metadata.name,
        volume.metadata.annotations?.["pv.kubernetes.io/provisioned-by"],
      ]).toEqual([claim.metadata.name, "observability-stack.test/local"]);
    }
    expect(restarts()).toEqual([]);
  });

  test("1c. inside the cluster: every target up through Kubernetes discovery, every rule group ok, the Watchdog at Alertmanager", async () => {
    const prometheus = serviceUrl("prometheus", 9090);
    const targets = await eventually(
      "every Prometheus target up",
      async () => {
        const active = (await getJson(`${prometheus}/api/v1/targets?state=active`)).data
          .activeTargets;
        const jobs = [...new Set(active.map((t: any) => t.labels.job))].sort();
        const down = active.filter((t: any) => t.health !== "up");
        return jobs.join() === EXPECTED.scrapeJobs.join() && down.length === 0 ? active : undefined;
      },
      120_000,
    );
    console.log(`Prometheus targets up: ${targets.length} (${EXPECTED.scrapeJobs.join(", ")})`);
    const groups = await eventually(
      "every rule evaluated",
      async () => {
        const all = (await getJson(`${prometheus}/api/v1/rules`)).data.groups;
        const rules = all.flatMap((g: any) => g.rules);
        return rules.length > 0 && rules.every((r: any) => r.health === "ok") ? all : undefined;
      },
      120_000,
    );
    expect(groups.length).toBeGreaterThan(0);
    const alertmanager = serviceUrl("alertmanager", 9093);
    await eventually(
      "the Watchdog at Alertmanager",
      async () => {
        const alerts = await getJson(`${alertmanager}/api/v2/alerts`);
        return alerts.some((a: any) => a.labels.alertname === "Watchdog") ? true : undefined;
      },
      180_000,
      5000,
    );
    // The exporters' series of this node and its pods.
    const query = async (q: string) =>
      (await getJson(`${prometheus}/api/v1/query?query=${encodeURIComponent(q)}`)).data.result;
    expect((await query('node_uname_info{job="node-exporter"}')).length).toBe(1);
    expect(
      (await query('container_memory_working_set_bytes{job="cadvisor",id=~"/kubepods.+"}')).length,
    ).toBeGreaterThan(0);
    // kube-state-metrics: the stack's own pods, Deployments, StatefulSets and the node.
    const running = await query(
      `kube_pod_status_phase{job="kube-state-metrics",namespace="${namespace}",phase="Running"} == 1`,
    );
    expect(running.length).toBe(
      inNamespaces("pods").filter((p) => p.metadata.namespace === namespace).length,
    );
    expect(
      (
        await query(
          `kube_statefulset_status_replicas_ready{job="kube-state-metrics",namespace="${namespace}"}`,
        )
      )
        .map((r: any) => r.metric.statefulset)
        .sort(),
    ).toEqual(EXPECTED.statefulSets.map((name) => name.split("/")[1]));
    expect(
      (
        await query(
          'kube_node_status_condition{job="kube-state-metrics",condition="Ready",status="true"}',
        )
      ).map((r: any) => [r.metric.node, r.value[1]]),
    ).toEqual([["obs-node", "1"]]);
    // The kubelet, scraped over HTTPS with Prometheus' token (its certificate verified).
    expect(
      (await query('kubelet_node_name{job="kubelet"}')).map((r: any) => r.metric.node),
    ).toEqual(["obs-node"]);
    const volumes = await query(
      `kubelet_volume_stats_capacity_bytes{job="kubelet",namespace="${namespace}"}`,
    );
    console.log(
      `kubelet volume stats for claims: ${
        volumes
          .map((r: any) => r.metric.persistentvolumeclaim)
          .sort()
          .join(", ") || "none"
      }`,
    );
  });

  test("1d. an OTLP trace sent to the collector's Service is found in Jaeger", async () => {
    const traceId = randomHex(16);
    await postOtlp(serviceUrl("otel-collector", 4318), "traces", {
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: "service.name", value: { stringValue: "k8s-e2e-client" } }],
          },
          scopeSpans: [
            {
              spans: [
                {
                  traceId,
                  spanId: randomHex(8),
                  name: "k8s-e2e",
                  kind: 2,
                  startTimeUnixNano: nowNanos(-50),
                  endTimeUnixNano: nowNanos(),
                },
              ],
            },
          ],
        },
      ],
    });
    const jaeger = serviceUrl("jaeger", 16686);
    await eventually(
      "the trace in Jaeger",
      async () => {
        const response = await fetch(`${jaeger}/api/traces/${traceId}`);
        return response.ok ? true : undefined;
      },
      60_000,
    );
    traceIdSent = traceId;
  });

  test("1e. each stateful pod deleted comes back Ready with its data: samples, silences, traces", async () => {
    const prometheus = serviceUrl("prometheus", 9090);
    const before = Date.now() / 1000;
    const sampleAt = async () =>
      (
        await getJson(
          `${prometheus}/api/v1/query?query=${encodeURIComponent('up{job="prometheus"}')}&time=${before}`,
        )
      ).data.result.length;
    await eventually(
      "a sample to keep",
      async () => ((await sampleAt()) > 0 ? true : undefined),
      60_000,
    );
    const alertmanager = serviceUrl("alertmanager", 9093);
    const created = await fetch(`${alertmanager}/api/v2/silences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        matchers: [{ name: "alertname", value: "K8sE2eKept", isRegex: false }],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: "k8s-e2e",
        comment: "must survive the pod",
      }),
    });
    const silence = (await created.json()) as { silenceID?: string };
    expect(silence.silenceID).toBeTruthy();

    for (const name of ["prometheus", "alertmanager", "jaeger"]) {
      const started = Date.now();
      kubectlOk(["delete", "pod", `${name}-0`, "-n", namespace, "--wait=true"]);
      rolledOut("statefulset", name);
      console.log(`${name}-0 deleted -> Ready again: ${seconds(started)} s`);
    }
    await eventually(
      "the sample after the restart",
      async () => ((await sampleAt()) > 0 ? true : undefined),
      120_000,
    );
    const silences = await getJson(`${serviceUrl("alertmanager", 9093)}/api/v2/silences`);
    expect(silences.map((s: any) => s.id)).toContain(silence.silenceID);
    const jaeger = serviceUrl("jaeger", 16686);
    await eventually(
      "the trace after Jaeger's restart",
      async () => ((await fetch(`${jaeger}/api/traces/${traceIdSent}`)).ok ? true : undefined),
      60_000,
    );
    expect(restarts()).toEqual([]);
  });

  test("2. the API server admitted every pod; the namespaces carry Pod Security labels; a privileged pod is refused", () => {
    const failed = items(["events", "-A", "--field-selector", "reason=FailedCreate"]).filter(
      (event) => namespaces.includes(event.metadata.namespace),
    );
    expect(failed.map((event) => event.message)).toEqual([]);
    const pods = inNamespaces("pods");
    const workloads =
      EXPECTED.deployments.length + EXPECTED.statefulSets.length + EXPECTED.daemonSets.length;
    expect(pods.length).toBeGreaterThanOrEqual(workloads);
    for (const pod of pods) {
      expect([pod.metadata.name, pod.status.phase]).toEqual([pod.metadata.name, "Running"]);
    }

    const labels = (ns: string) =>
      JSON.parse(kubectlOk(["get", "namespace", ns, "-o", "json"])).metadata.labels;
    for (const [ns, level] of [
      [namespace, "restricted"],
      [hostNamespace, "privileged"],
    ]) {
      expect(labels(ns)).toMatchObject({
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/warn": level,
        "pod-security.kubernetes.io/audit": level,
      });
    }

    const privileged = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "e2e-privileged", namespace },
      spec: {
        containers: [
          { name: "root", image: "busybox:1.37", securityContext: { privileged: true } },
        ],
      },
    };
    const refused = kubectl(["create", "-f", "-"], JSON.stringify(privileged));
    if (refused.status === 0) kubectl(["delete", "pod", "e2e-privileged", "-n", namespace]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/Forbidden/);
    expect(refused.stderr).toMatch(/violates PodSecurity "restricted:/);
    expect(refused.stderr).toContain("privileged");
  });

  test("3. each ConfigMap holds exactly what npm run render writes for the stack", () => {
    const rendered = new Map(renderStack(settings).map((file) => [file.path, file.content]));
    const configMaps = inNamespaces("configmaps");
    expect(configMaps.map((c) => `${c.metadata.namespace}/${c.metadata.name}`).sort()).toEqual(
      objects
        .filter((object) => object.type === "kubernetes:core/v1:ConfigMap")
        .map((object) => nameOf(object.inputs))
        .sort(),
    );
    const covered: string[] = [];
    for (const configMap of configMaps) {
      // A key is the file's render path with / spelled __ (kubernetes-manifests.ts configKey).
      for (const [key, content] of Object.entries(configMap.data as Record<string, string>)) {
        const renderPath = key.replace(/__/g, "/");
        expect([renderPath, rendered.has(renderPath)]).toEqual([renderPath, true]);
        expect([renderPath, content]).toEqual([renderPath, rendered.get(renderPath)]);
        covered.push(renderPath);
      }
    }
    // Every rendered config is in exactly one ConfigMap; only the summary is not deployed.
    expect(covered.sort()).toEqual(
      [...rendered.keys()].filter((p) => p !== "manifest.json").sort(),
    );
  });

  test("3b. a pod crash-looping in another namespace fires KubePodCrashLooping, at Prometheus and Alertmanager", async () => {
    ensureNamespace(SCRATCH);
    const name = "crash-loop";
    kubectlOk(["create", "-f", "-"], JSON.stringify(clientPod(name, SCRATCH, "exit 3", "Always")));
    const started = Date.now();
    try {
      const prometheus = serviceUrl("prometheus", 9090);
      const alerts = await eventually(
        "KubePodCrashLooping firing for the pod",
        async () => {
          const firing = (await getJson(`${prometheus}/api/v1/alerts`)).data.alerts.filter(
            (a: any) =>
              a.labels.alertname === "KubePodCrashLooping" &&
              a.labels.namespace === SCRATCH &&
              a.state === "firing",
          );
          return firing.length > 0 ? firing : undefined;
        },
        240_000,
        5000,
      );
      expect(alerts[0].labels).toMatchObject({ pod: name, container: "client" });
      const alertmanager = serviceUrl("alertmanager", 9093);
      await eventually(
        "KubePodCrashLooping at Alertmanager",
        async () => {
          const received = await getJson(`${alertmanager}/api/v2/alerts`);
          return received.some(
            (a: any) => a.labels.alertname === "KubePodCrashLooping" && a.labels.pod === name,
          )
            ? true
            : undefined;
        },
        120_000,
        5000,
      );
      console.log(
        `crash-looping pod created -> KubePodCrashLooping at Alertmanager: ${seconds(started)} s`,
      );
    } finally {
      kubectl(["delete", "pod", name, "-n", SCRATCH, "--wait=false"]);
    }
  });

  test("3c. NetworkPolicies enforced: a pod the wiring does not connect cannot reach Prometheus' or Alertmanager's API; the ingress namespace can; OTLP is open", async () => {
    ensureNamespace(SCRATCH);
    ensureNamespace(EXPECTED.ingressNamespace);
    const targets = ["prometheus:9090", "alertmanager:9093", "otel-collector:4318"];
    expect(await reachable(SCRATCH, targets)).toEqual({
      "prometheus:9090": false,
      "alertmanager:9093": false,
      "otel-collector:4318": true,
    });
    expect(await reachable(EXPECTED.ingressNamespace, targets)).toEqual({
      "prometheus:9090": true,
      "alertmanager:9093": true,
      "otel-collector:4318": true,
    });
    // The connections the wiring makes still work across the policies: every target is
    // still up (Prometheus to its targets), and a trace still goes through the collector
    // into Jaeger (collector to Jaeger), as 1c and 1d showed before.
    const prometheus = serviceUrl("prometheus", 9090);
    const active = (await getJson(`${prometheus}/api/v1/targets?state=active`)).data.activeTargets;
    expect(active.filter((t: any) => t.health !== "up").map((t: any) => t.scrapeUrl)).toEqual([]);
  });

  test("4a. a second preview reports no changes", () => {
    stack.ok("preview", "--expect-no-changes");
  });

  test("4b. retention and the collector's replicas change in place, never by replacement", () => {
    stack.setConfig("retention.metrics", "10d", { path: true });
    stack.setConfig("components.otelCollector.replicas", "2", { path: true });
    // Two collectors at half the limits: the sum stays within staging's budget.
    stack.setConfig("components.otelCollector.resources.limits.cpu", "200m", { path: true });
    stack.setConfig("components.otelCollector.resources.limits.memory", "128Mi", { path: true });
    const preview = JSON.parse(stack.ok("preview", "--json").stdout);
    const changed = (preview.steps as { op: string; urn: string }[]).filter(
      (step) => step.op !== "same",
    );
    const summary = changed.map((step) => `${step.op} ${step.urn.split("::").pop()}`);
    expect(
      changed.filter((step) => /replace|delete|create/.test(step.op)).map((s) => s.urn),
    ).toEqual([]);
    const opOf = (type: string, name: string) =>
      changed.find((step) => step.urn.endsWith(`${type}::${name}`))?.op;
    expect([summary, opOf("kubernetes:apps/v1:StatefulSet", "prometheus")]).toEqual([
      summary,
      "update",
    ]);
    expect([summary, opOf("kubernetes:apps/v1:Deployment", "otel-collector")]).toEqual([
      summary,
      "update",
    ]);
    // And the update goes through: Prometheus rolls, the collector scales to two ready pods.
    const rolled = Date.now();
    stack.ok("up", "--yes", "--skip-preview");
    const collector = JSON.parse(
      kubectlOk(["get", "deployment", "otel-collector", "-n", namespace, "-o", "json"]),
    );
    expect(collector.status.availableReplicas).toBe(2);
    const prometheus = JSON.parse(
      kubectlOk(["get", "statefulset", "prometheus", "-n", namespace, "-o", "json"]),
    );
    expect(prometheus.spec.template.spec.containers[0].args).toContain(
      "--storage.tsdb.retention.time=10d",
    );
    expect(prometheus.status.readyReplicas).toBe(1);
    // The rolled pods became Ready through their probes: no container restarted on the way,
    // and the new collectors' probes never failed.
    expect(restarts()).toEqual([]);
    expect(probeFailures("otel-collector", rolled)).toEqual([]);
    console.log(
      `probe failures while Prometheus rolled: ${probeFailures("prometheus", rolled).length}`,
    );
    stack.ok("preview", "--expect-no-changes");
  });

  test("5. pulumi destroy leaves no object of the stack in the cluster, and no volume", async () => {
    stack.ok("destroy", "--yes", "--skip-preview");
    deployed = false;
    const left = kubectl(["get", "namespace", ...namespaces, "--ignore-not-found", "-o", "name"]);
    expect(left.stdout.trim()).toBe("");
    const labelled = kubectlOk([
      "get",
      "all,configmaps,secrets,serviceaccounts,roles,rolebindings,clusterroles,clusterrolebindings,networkpolicies,persistentvolumeclaims",
      "-A",
      "-l",
      `app.kubernetes.io/instance=${STACK}`,
      "-o",
      "name",
    ]);
    expect(labelled.trim()).toBe("");
    // The claims went with the namespace, and their volumes with them (reclaim policy Delete).
    await eventually(
      "the stack's volumes removed",
      async () => (volumesOf(namespaces).length === 0 ? true : undefined),
      60_000,
    );
  });

  test("6. pulumi preview --stack prod runs against this cluster without error", () => {
    const prod = new TestStack("prod");
    prod.env.KUBECONFIG = kubeconfigPath();
    const result = prod.ok("preview");
    expect(result.stdout).toMatch(/\+ \d+ to create/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s*error:/m);
  });
});

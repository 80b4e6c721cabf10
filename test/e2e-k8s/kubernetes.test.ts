import { namespaceName } from "../../components/platforms/network-policies";
import { renderStack } from "../../components/render";
import { RecordedResource } from "../support/mocks";
import {
  Claim,
  claimsOf,
  createVolumes,
  deleteVolumes,
  items,
  kubeconfigPath,
  kubectl,
  kubectlOk,
  programObjects,
  requireCluster,
  volumesClaimedIn,
} from "../support/k8s";
import { TestStack } from "../support/pulumi";
import { stackSettings } from "../support/settings";

/**
 * The staging model on a real Kubernetes API server (scripts/k8s: etcd, kube-apiserver,
 * controller-manager, scheduler; kwok simulates the node, so pods become Running and Ready
 * without running a container). The steps build on each other and run in order.
 */
const STACK = "k8s-e2e";
const settings = stackSettings(STACK);
const namespace = namespaceName(settings, "stack");
const hostNamespace = namespaceName(settings, "host");
const namespaces = [namespace, hostNamespace];
const PART_OF = "app.kubernetes.io/part-of=observability-stack";

let stack: TestStack;
let deployed = false;
/** What the program creates, from a run under Pulumi mocks; and the claims of its StatefulSets. */
let objects: RecordedResource[];
let claims: Claim[];

const WORKLOAD_TYPES = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
];
const namesOf = (type: string | string[]) =>
  objects
    .filter((object) => [type].flat().includes(object.type))
    .map((object) => {
      const metadata = (object.inputs as any).metadata;
      return `${metadata.namespace}/${metadata.name}`;
    })
    .sort();

function inNamespaces(kind: string, selector = PART_OF): any[] {
  return namespaces.flatMap((ns) => items([kind, "-n", ns, "-l", selector]));
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

beforeAll(async () => {
  requireCluster();
  objects = await programObjects(settings);
  claims = claimsOf(objects);
  stack = new TestStack(STACK);
  stack.env.KUBECONFIG = kubeconfigPath();
  // A previous run that failed half-way must not leave volumes reserved for old claims.
  deleteVolumes(settings);
  createVolumes(settings, claims);
});

afterAll(() => {
  if (!deployed) return;
  stack?.destroy();
  kubectl(["delete", "namespace", ...namespaces, "--ignore-not-found", "--wait=true"]);
  deleteVolumes(settings);
});

describe("staging on a real Kubernetes API server", () => {
  test("1a. pulumi preview against the cluster reports no error", () => {
    const result = stack.ok("preview", "--diff");
    expect(result.stdout).toMatch(/\+ \d+ to create/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s*error:/m);
  });

  test("1b. pulumi up (await logic on) succeeds: workloads available, Services with endpoints, claims bound", () => {
    deployed = true;
    const started = Date.now();
    const result = stack.ok("up", "--yes", "--skip-preview");
    console.log(`pulumi up of ${STACK} -> everything ready: ${seconds(started)} s`);
    expect(result.stdout).not.toMatch(/skipAwait|skip-await/);

    for (const d of items(["deployments", "-n", namespace, "-l", PART_OF])) {
      expect([d.metadata.name, d.status.availableReplicas]).toEqual([
        d.metadata.name,
        d.spec.replicas,
      ]);
    }
    const statefulSets = items(["statefulsets", "-n", namespace, "-l", PART_OF]);
    for (const s of statefulSets) {
      expect([s.metadata.name, s.status.availableReplicas]).toEqual([
        s.metadata.name,
        s.spec.replicas,
      ]);
    }
    const daemonSets = items(["daemonsets", "-n", hostNamespace, "-l", PART_OF]);
    for (const d of daemonSets) {
      expect(d.status.desiredNumberScheduled).toBeGreaterThan(0);
      expect([d.metadata.name, d.status.numberAvailable]).toEqual([
        d.metadata.name,
        d.status.desiredNumberScheduled,
      ]);
    }
    const workloadNames = [
      ...items(["deployments", "-n", namespace, "-l", PART_OF]),
      ...statefulSets,
      ...daemonSets,
    ]
      .map((w) => `${w.metadata.namespace}/${w.metadata.name}`)
      .sort();
    expect(workloadNames).toEqual(namesOf(WORKLOAD_TYPES));

    for (const service of inNamespaces("services")) {
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

    const bound = items(["persistentvolumeclaims", "-n", namespace]);
    expect(bound.map((c) => c.metadata.name).sort()).toEqual(claims.map((c) => c.name).sort());
    for (const claim of bound) {
      expect([claim.metadata.name, claim.status.phase]).toEqual([claim.metadata.name, "Bound"]);
    }
  });

  test("2. the API server admitted every pod; the namespaces carry Pod Security labels; a privileged pod is refused", () => {
    const failed = items(["events", "-A", "--field-selector", "reason=FailedCreate"]).filter(
      (event) => namespaces.includes(event.metadata.namespace),
    );
    expect(failed.map((event) => event.message)).toEqual([]);
    const pods = inNamespaces("pods");
    expect(pods.length).toBeGreaterThanOrEqual(namesOf(WORKLOAD_TYPES).length);
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
      namesOf("kubernetes:core/v1:ConfigMap"),
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
    stack.ok("preview", "--expect-no-changes");
  });

  test("5. pulumi destroy leaves no object of the stack in the cluster", () => {
    stack.ok("destroy", "--yes", "--skip-preview");
    deployed = false;
    const left = kubectl(["get", "namespace", ...namespaces, "--ignore-not-found", "-o", "name"]);
    expect(left.stdout.trim()).toBe("");
    const labelled = kubectlOk([
      "get",
      "all,configmaps,secrets,serviceaccounts,roles,rolebindings,networkpolicies,persistentvolumeclaims",
      "-A",
      "-l",
      `app.kubernetes.io/instance=${STACK}`,
      "-o",
      "name",
    ]);
    expect(labelled.trim()).toBe("");
    // The claims went with the namespace; their static volumes are released: the test's to remove.
    expect(
      volumesClaimedIn(namespaces).every((pv) =>
        ["Released", "Available"].includes(pv.status.phase),
      ),
    ).toBe(true);
    deleteVolumes(settings);
    expect(volumesClaimedIn(namespaces)).toEqual([]);
  });

  test("6. pulumi preview --stack prod runs against this cluster without error", () => {
    const prod = new TestStack("prod");
    prod.env.KUBECONFIG = kubeconfigPath();
    const result = prod.ok("preview");
    expect(result.stdout).toMatch(/\+ \d+ to create/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s*error:/m);
  });
});

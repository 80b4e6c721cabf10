import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_IDS } from "../../components/definition";
import { ObservabilityStack } from "../../components/stack";
import { DOCKER_HOST_ALIAS } from "../../components/platforms/docker-host";
import {
  MOCK_GATEWAY,
  promiseOf,
  recordResources,
  RecordedResource,
  settle,
} from "../support/mocks";
import { allowRules } from "../../components/platforms/network-policies";
import { renderPrometheusConfig } from "../../components/prometheus/config";
import { buildSpecs } from "../../components/specs";
import { settingsFrom, stackSettings } from "../support/settings";
import { Settings } from "../../config/settings";
import { ruleFiles } from "../../rules";

const resources = recordResources("observability-stack", "unit");

async function build(stack: string) {
  resources.length = 0;
  const settings = stackSettings(stack);
  const built = new ObservabilityStack("observability", {
    settings,
    configSecret: (key) => pulumi.secret(`value-of-${key}`),
  });
  await settle();
  return { built, settings, resources: [...resources] };
}

function ofType(list: RecordedResource[], type: string) {
  return list.filter((resource) => resource.type === type);
}

describe("dev on Docker", () => {
  let list: RecordedResource[];
  let stack: ObservabilityStack;
  beforeAll(async () => {
    ({ resources: list, built: stack } = await build("dev"));
  });

  const allContainers = () => ofType(list, "docker:index/container:Container");
  /** The services' containers, without the one-off that hands Jaeger its volume. */
  const containers = () => allContainers().filter((c) => !c.name.endsWith("-volume-owner"));
  const container = (name: string) =>
    allContainers().find((c) => c.name === name)!.inputs as Record<string, any>;

  test("Jaeger's volume is handed to its user (10001) before Jaeger starts; no other volume needs it", () => {
    const owners = allContainers().filter((c) => c.name.endsWith("-volume-owner"));
    expect(owners.map((c) => c.name)).toEqual(["jaeger-volume-owner"]);
    const owner = container("jaeger-volume-owner");
    expect(owner).toMatchObject({
      image: container("jaeger").image,
      user: "0",
      entrypoints: ["chown", "10001", "/badger"],
      attach: true,
      mustRun: false,
    });
    expect(owner.volumes).toEqual(container("jaeger").volumes);
  });

  test("one container per component, on one network but node-exporter, on the host's", () => {
    expect(
      containers()
        .map((c) => c.name)
        .sort(),
    ).toEqual([
      "alertmanager",
      "bugsink",
      "cadvisor",
      "error-tracker-probe",
      "grafana",
      "jaeger",
      "loki",
      "node-exporter",
      "otel-collector",
      "prometheus",
    ]);
    expect(ofType(list, "docker:index/network:Network")).toHaveLength(1);
    for (const c of containers().filter((c) => c.name !== "node-exporter")) {
      expect([c.name, (c.inputs.networksAdvanced as any[])[0].aliases]).toEqual([c.name, [c.name]]);
      expect([c.name, c.inputs.networkMode]).toEqual([c.name, undefined]);
    }
  });

  test("node-exporter reads the host's network namespace and listens on the stack network's gateway only", async () => {
    const nodeExporter = container("node-exporter");
    expect(nodeExporter.networkMode).toBe("host");
    expect(nodeExporter.networksAdvanced).toBeUndefined();
    expect(nodeExporter.ports).toEqual([]);
    expect(nodeExporter.command).toContain(`--web.listen-address=${MOCK_GATEWAY}:9100`);
    expect(
      nodeExporter.command.filter((arg: string) => arg.startsWith("--web.listen")),
    ).toHaveLength(1);
    expect(nodeExporter.healthcheck.tests).toContain(`http://${MOCK_GATEWAY}:9100/`);
    // Prometheus reaches it by the name its scrape config uses, mapped to that gateway.
    expect(container("prometheus").hosts).toEqual([{ host: DOCKER_HOST_ALIAS, ip: MOCK_GATEWAY }]);
    for (const c of containers().filter((c) => c.name !== "prometheus")) {
      expect([c.name, c.inputs.hosts]).toEqual([c.name, undefined]);
    }
  });

  test("every container has memory and CPU limits, no swap, a health check (where the image can run one), a restart policy and log rotation", () => {
    for (const c of containers()) {
      const inputs = c.inputs as Record<string, any>;
      expect(inputs.memory).toBeGreaterThan(0);
      expect(inputs.memorySwap).toBe(inputs.memory);
      expect(Number(inputs.cpus)).toBeGreaterThan(0);
      if (c.name === "otel-collector") expect(inputs.healthcheck).toBeUndefined();
      // Bugsink's image has Python, not wget.
      else if (c.name === "bugsink") expect(inputs.healthcheck.tests).toContain("python3");
      else expect(inputs.healthcheck.tests).toContain("wget");
      expect(inputs.restart).toBe("unless-stopped");
      expect(inputs.logOpts).toEqual({ "max-size": "10m", "max-file": "3" });
    }
  });

  test("published ports bind to 127.0.0.1", () => {
    const ports = containers().flatMap((c) => (c.inputs.ports as any[]) ?? []);
    expect(ports.map((p) => p.external).sort((a, b) => a - b)).toEqual([
      3000, 3100, 4317, 4318, 9000, 9090, 9093, 16686,
    ]);
    for (const port of ports) expect(port.ip).toBe("127.0.0.1");
  });

  test("stateful services keep data on named volumes", () => {
    expect(
      ofType(list, "docker:index/volume:Volume")
        .map((v) => v.name)
        .sort(),
    ).toEqual([
      "alertmanager-data",
      "bugsink-data",
      "grafana-data",
      "jaeger-data",
      "loki-data",
      "prometheus-data",
    ]);
  });

  test("Prometheus keeps dev's 3 days of metrics", () => {
    expect(container("prometheus").command).toContain("--storage.tsdb.retention.time=3d");
  });

  test("Prometheus's config reaches it and scrapes every component", () => {
    const upload = (container("prometheus").uploads as any[]).find((u) =>
      u.file.endsWith("prometheus.yml"),
    );
    for (const target of [
      "prometheus:9090",
      "alertmanager:9093",
      "grafana:3000",
      "loki:3100",
      "jaeger:8888",
      "otel-collector:8888",
      `${DOCKER_HOST_ALIAS}:9100`,
      "cadvisor:8080",
    ]) {
      expect(upload.content).toContain(`- ${target}`);
    }
  });

  test("Loki and Jaeger get dev's log and trace retention", () => {
    const loki = (container("loki").uploads as any[])[0].content;
    expect(loki).toContain("retention_period: 168h");
    const jaeger = (container("jaeger").uploads as any[]).find((u) =>
      u.file.endsWith("config.yml"),
    ).content;
    expect(jaeger).toContain("spans: 24h");
  });

  test("Grafana's admin password comes from random and stays secret", async () => {
    expect(
      ofType(list, "random:index/randomPassword:RandomPassword").filter(
        (r) => r.name === "grafana-admin-password",
      ),
    ).toHaveLength(1);
    expect(pulumi.Output.isInstance(stack.grafanaAdminPassword)).toBe(true);
    const isSecret = await (stack.grafanaAdminPassword as any).isSecret;
    expect(isSecret).toBe(true);
  });

  test("URLs of the four UIs and the error tracker", async () => {
    expect(await promiseOf(stack.urls.grafana)).toBe("http://127.0.0.1:3000");
    expect(await promiseOf(stack.urls.errorTracker)).toBe("http://127.0.0.1:9000");
    expect(Object.keys(stack.urls).sort()).toEqual([
      "alertmanager",
      "errorTracker",
      "grafana",
      "jaeger",
      "prometheus",
    ]);
  });

  test("every Docker resource uses the explicit provider of the built plugin version", () => {
    const providers = ofType(list, "pulumi:providers:docker");
    expect(providers).toHaveLength(1);
  });
});

describe("prod on Kubernetes", () => {
  let list: RecordedResource[];
  beforeAll(async () => {
    ({ resources: list } = await build("prod"));
  });
  // The stack's components; prod's error tracker (Sentry) is tested in sentry.test.ts.
  const isComponent = (r: RecordedResource) =>
    (COMPONENT_IDS as readonly string[]).includes(
      (r.inputs as any).metadata.labels?.["app.kubernetes.io/component"],
    );
  const workloads = () =>
    list.filter(
      (r) =>
        [
          "kubernetes:apps/v1:Deployment",
          "kubernetes:apps/v1:StatefulSet",
          "kubernetes:apps/v1:DaemonSet",
        ].includes(r.type) && isComponent(r),
    );
  const podSpec = (name: string) =>
    (workloads().find((w) => w.name === name)!.inputs as any).spec.template.spec;

  test("a workload and a Service per component", () => {
    expect(workloads()).toHaveLength(COMPONENT_IDS.length);
    expect(ofType(list, "kubernetes:core/v1:Service").filter(isComponent)).toHaveLength(
      COMPONENT_IDS.length,
    );
  });

  test("stateful services are StatefulSets with PVCs; node agents are DaemonSets", () => {
    const kinds = Object.fromEntries(workloads().map((w) => [w.name, w.type.split(":").pop()]));
    expect(kinds).toEqual({
      prometheus: "StatefulSet",
      alertmanager: "StatefulSet",
      grafana: "StatefulSet",
      "kube-state-metrics": "Deployment",
      loki: "StatefulSet",
      jaeger: "StatefulSet",
      "otel-collector": "Deployment",
      "node-exporter": "DaemonSet",
      cadvisor: "DaemonSet",
    });
    const prometheus = workloads().find((w) => w.name === "prometheus")!.inputs as any;
    expect(prometheus.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("100Gi");
  });

  test("node-exporter runs on the node's network, listening on the node's address only", () => {
    const pod = podSpec("node-exporter");
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe("ClusterFirstWithHostNet");
    const [container] = pod.containers;
    expect(container.args).toContain("--web.listen-address=$(HOST_IP):9100");
    expect(container.env).toContainEqual({
      name: "HOST_IP",
      valueFrom: { fieldRef: { fieldPath: "status.hostIP" } },
    });
    expect(container.ports).toEqual([{ name: "http", containerPort: 9100, protocol: "TCP" }]);
    expect(container.readinessProbe.httpGet.port).toBe(9100);
    for (const name of ["prometheus", "cadvisor", "otel-collector"]) {
      expect([name, podSpec(name).hostNetwork]).toEqual([name, undefined]);
    }
  });

  test("every container has requests, limits, liveness and readiness probes", () => {
    for (const workload of workloads()) {
      const [container] = (workload.inputs as any).spec.template.spec.containers;
      expect(container.resources.requests.cpu).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();
      expect(container.livenessProbe.httpGet.path).toMatch(/^\//);
      expect(container.readinessProbe.httpGet.port).toBeGreaterThan(0);
    }
  });

  test("services in the stack namespace run as non-root with a read-only root where the image allows", () => {
    for (const name of ["prometheus", "alertmanager", "loki", "jaeger", "otel-collector"]) {
      const spec = podSpec(name);
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.containers[0].securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      });
    }
  });

  test("the stack namespace enforces restricted Pod Security; host agents have their own", () => {
    const namespaces = ofType(list, "kubernetes:core/v1:Namespace").map(
      (n) => (n.inputs as any).metadata,
    );
    expect(namespaces.map((m) => [m.name, m.labels["pod-security.kubernetes.io/enforce"]])).toEqual(
      [
        ["observability", "restricted"],
        ["observability-host", "privileged"],
      ],
    );
  });

  test("Prometheus keeps prod's 15 days and may discover the host agents", () => {
    expect(podSpec("prometheus").containers[0].args).toContain("--storage.tsdb.retention.time=15d");
    expect(ofType(list, "kubernetes:rbac.authorization.k8s.io/v1:Role")).toHaveLength(1);
  });

  test("the collector tail-samples: every error and every trace over 2 s", () => {
    const config = ofType(list, "kubernetes:core/v1:ConfigMap").find(
      (c) => c.name === "otel-collector-config",
    )!;
    const text = (config.inputs as any).data["otel-collector__config.yml"];
    expect(text).toContain("tail_sampling:");
    expect(text).toContain("threshold_ms: 2000");
    expect(text).toContain("sampling_percentage: 10");
  });

  test("selectors leave out the version label", () => {
    for (const workload of workloads()) {
      const selector = (workload.inputs as any).spec.selector.matchLabels;
      expect(Object.keys(selector).sort()).toEqual([
        "app.kubernetes.io/instance",
        "app.kubernetes.io/name",
      ]);
    }
  });

  test("Grafana's password reaches it through a Secret, never in plain text", () => {
    const secret = ofType(list, "kubernetes:core/v1:Secret").find(
      (s) => s.name === "grafana-secret",
    )!;
    // The engine receives the whole stringData wrapped as a secret value.
    const stringData = (secret.inputs as any).stringData;
    expect(stringData[pulumi.runtime.specialSigKey]).toBe(pulumi.runtime.specialSecretSig);
    expect(Object.keys(stringData.value)).toEqual(["GF_SECURITY_ADMIN_PASSWORD"]);
    const env = podSpec("grafana").containers[0].env as any[];
    expect(
      env.find((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD").valueFrom.secretKeyRef.key,
    ).toBe("GF_SECURITY_ADMIN_PASSWORD");
  });
});

describe("node-exporter's port on the host's network follows stack config", () => {
  const moved = (environment: string) =>
    settingsFrom({ environment, components: { nodeExporter: { ports: { http: 19100 } } } });
  const nodeExporterSpec = (environment: string) =>
    buildSpecs(moved(environment)).find((spec) => spec.id === "nodeExporter")!;

  test("it listens, is checked and is scraped on the port set (Docker)", () => {
    const spec = nodeExporterSpec("dev");
    expect(spec.hostNetwork).toEqual({ listenFlag: "--web.listen-address", port: 19100 });
    expect(spec.ports.map((port) => port.containerPort)).toEqual([19100]);
    expect(spec.health.port).toBe(19100);
    expect(spec.metrics.port).toBe(19100);
    const scrape = renderPrometheusConfig(moved("dev"), []).scrape_configs as any[];
    expect(scrape.find((job) => job.job_name === "node-exporter").static_configs).toEqual([
      { targets: [`${DOCKER_HOST_ALIAS}:19100`] },
    ]);
  });

  test("on Kubernetes the pod's port and its policy's port are the port set", () => {
    expect(nodeExporterSpec("staging").ports.map((port) => port.containerPort)).toEqual([19100]);
    const rule = allowRules(moved("staging")).find(
      (r) => r.from === "prometheus" && r.to === "nodeExporter",
    )!;
    expect(rule.port).toBe(19100);
  });

  test("components not on the host's network keep their own ports whatever is set", () => {
    const settings = settingsFrom({
      environment: "dev",
      components: { prometheus: { ports: { http: 19090 } } },
    });
    const prometheus = buildSpecs(settings).find((spec) => spec.id === "prometheus")!;
    expect(prometheus.ports[0]).toMatchObject({ containerPort: 9090, publishedPort: 19090 });
    expect(prometheus.hostNetwork).toBeUndefined();
  });
});

describe("the kubelets, scraped on Kubernetes only", () => {
  const kubeletJob = (settings: Settings) =>
    (renderPrometheusConfig(settings, []).scrape_configs as any[]).find(
      (job) => job.job_name === "kubelet",
    );

  test("over HTTPS with the service account's token, the certificate checked against the cluster's CA", () => {
    const job = kubeletJob(stackSettings("staging"));
    expect(job).toMatchObject({
      scheme: "https",
      authorization: { credentials_file: "/var/run/secrets/kubernetes.io/serviceaccount/token" },
      tls_config: {
        ca_file: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
        insecure_skip_verify: false,
      },
      kubernetes_sd_configs: [{ role: "node" }],
    });
    // Only the catalog's series are kept, never the kubelet's own histograms.
    expect(job.metric_relabel_configs).toEqual([
      {
        source_labels: ["__name__"],
        regex:
          "(kubelet_volume_stats_available_bytes|kubelet_volume_stats_capacity_bytes|kubelet_running_pods|kubelet_node_name)",
        action: "keep",
      },
    ]);
  });

  test("kubernetes.verifyKubeletCertificates: false for self-signed kubelet certificates", () => {
    const settings = settingsFrom({
      environment: "staging",
      kubernetes: { verifyKubeletCertificates: false },
    });
    expect(kubeletJob(settings).tls_config.insecure_skip_verify).toBe(true);
  });

  test("no kubelet job, and no workloads alert, on Docker", () => {
    expect(kubeletJob(stackSettings("dev"))).toBeUndefined();
    const text = ruleFiles(stackSettings("dev"))
      .map((file) => file.content)
      .join("\n");
    expect(text).not.toContain("KubePodCrashLooping");
    expect(
      ruleFiles(stackSettings("staging"))
        .map((file) => file.content)
        .join("\n"),
    ).toContain("KubePodCrashLooping");
  });
});

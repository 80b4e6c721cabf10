import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../../config/settings";
import { hostAgentNamespace } from "../prometheus/config";
import { ConfigFile, JobSpec, mountPath, SecretFile, ServiceId, ServiceSpec } from "../spec";
import {
  basename,
  configKey,
  containerSecurityContext,
  dirname,
  groupByDir,
  isHostAgent,
  PART_OF,
  podSecurityContext,
  probe,
  STARTUP_FAILURE_THRESHOLD,
  selectorLabels,
  standardLabels,
  volumeName,
} from "./kubernetes-manifests";
import {
  clusterRules,
  DISCOVERY_RULES,
  grantClusterWide,
  grantInNamespace,
} from "./kubernetes-rbac";
import {
  networkPolicyManifest,
  networkPolicyModels,
  serviceIngressRules,
} from "./network-policies";
import { contentHash, DeployedService, DeployOptions, Platform, SecretResolver } from "./platform";

export interface KubernetesPlatformArgs {
  settings: Settings;
}

type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

function podSecurityLabels(level: "restricted" | "privileged") {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/warn": level,
    "pod-security.kubernetes.io/audit": level,
  };
}

/**
 * The Kubernetes adapter. The stack's namespace enforces the restricted Pod Security level
 * (config/load.ts refuses overrides that would break it, before anything is created).
 * node-exporter and cAdvisor read the host, so they run in a namespace of their own at the
 * least level that admits them, which is privileged: both mount hostPath volumes and share
 * the host's PID namespace (hostPID), and cAdvisor runs privileged; the baseline level
 * forbids all three, so no level between restricted and privileged would admit them.
 * NetworkPolicies (network-policies.ts) deny ingress in both namespaces except along the
 * wiring graph and to the published ports' declared sources.
 */
export class KubernetesPlatform extends pulumi.ComponentResource implements Platform {
  readonly namespace: k8s.core.v1.Namespace;
  readonly hostNamespace: k8s.core.v1.Namespace;
  private readonly settings: Settings;

  constructor(name: string, args: KubernetesPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability-stack:platform:Kubernetes", name, {}, opts);
    this.settings = args.settings;
    const partOf = { "app.kubernetes.io/part-of": PART_OF };
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.settings.kubernetes.namespace,
          labels: { ...partOf, ...podSecurityLabels("restricted") },
        },
      },
      { parent: this },
    );
    this.hostNamespace = new k8s.core.v1.Namespace(
      `${name}-host-namespace`,
      {
        metadata: {
          name: hostAgentNamespace(args.settings),
          labels: { ...partOf, ...podSecurityLabels("privileged") },
        },
      },
      { parent: this },
    );
    const namespaces = { stack: this.namespace, host: this.hostNamespace };
    for (const model of networkPolicyModels(args.settings)) {
      const manifest = networkPolicyManifest(args.settings, model);
      new k8s.networking.v1.NetworkPolicy(
        `${model.namespace}-${model.name}`,
        {
          ...manifest,
          metadata: { ...manifest.metadata, namespace: namespaces[model.namespace].metadata.name },
        },
        { parent: this },
      );
    }
    this.registerOutputs({ namespace: this.namespace.metadata.name });
  }

  deploy(
    spec: ServiceSpec<ServiceId>,
    secrets: SecretResolver,
    parent: pulumi.Resource,
    options: DeployOptions = {},
  ): DeployedService {
    const opts = { parent, dependsOn: options.dependsOn };
    const namespace = isHostAgent(spec)
      ? this.hostNamespace.metadata.name
      : this.namespace.metadata.name;
    const labels = standardLabels(spec, this.settings.stack);
    const metadata = { name: spec.name, namespace, labels };
    const files = this.podFiles(spec, metadata, secrets, opts);
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${spec.name}-sa`,
      { metadata, automountServiceAccountToken: this.usesApi(spec) },
      opts,
    );
    this.grantAccess(spec, serviceAccount, opts);

    const volumes: Volume[] = [{ name: "tmp", emptyDir: {} }, ...files.volumes];
    const mounts: VolumeMount[] = [{ name: "tmp", mountPath: "/tmp" }, ...files.mounts];
    for (const mount of spec.hostMounts) {
      volumes.push({ name: mount.name, hostPath: { path: mount.hostPath } });
      mounts.push({ name: mount.name, mountPath: mount.mountPath, readOnly: true });
    }
    if (spec.dataVolume && spec.workload !== "statefulset") {
      volumes.push({ name: spec.dataVolume.name, emptyDir: {} });
    }
    if (spec.dataVolume)
      mounts.push({ name: spec.dataVolume.name, mountPath: spec.dataVolume.mountPath });

    // On the node's network (node-exporter) the pod listens on the node's address only, as
    // the downward API gives it: that is also the pod's IP, which Prometheus scrapes and the
    // kubelet probes. Cluster DNS needs ClusterFirstWithHostNet there.
    const hostNetwork = spec.hostNetwork;
    const hostIpVariable = "HOST_IP";
    const env = hostNetwork
      ? [
          ...files.env,
          { name: hostIpVariable, valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
        ]
      : files.env;
    const args = hostNetwork
      ? [...spec.args, `${hostNetwork.listenFlag}=$(${hostIpVariable}):${hostNetwork.port}`]
      : spec.args;
    const selector = selectorLabels(spec, this.settings.stack);
    const readiness = probe(spec, "readiness", 3);
    const liveness = probe(spec, "liveness", 6);
    const startup = probe(spec, "startup", STARTUP_FAILURE_THRESHOLD);
    const template: k8s.types.input.core.v1.PodTemplateSpec = {
      metadata: {
        labels,
        annotations: { "observability-stack/config-hash": files.configHash },
      },
      spec: {
        serviceAccountName: serviceAccount.metadata.name,
        securityContext: podSecurityContext(spec),
        hostPID: spec.security.hostPid || undefined,
        ...(hostNetwork && { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" }),
        volumes,
        containers: [
          {
            name: spec.name,
            image: spec.image,
            args,
            env,
            ports: spec.ports.map((port) => ({
              name: port.name.toLowerCase(),
              containerPort: port.containerPort,
              protocol: port.protocol.toUpperCase(),
            })),
            volumeMounts: mounts,
            resources: {
              requests: { ...spec.resources.requests },
              limits: { ...spec.resources.limits },
            },
            readinessProbe: readiness,
            startupProbe: startup,
            livenessProbe: liveness,
            securityContext: containerSecurityContext(spec),
          },
        ],
      },
    };
    const workload = this.workload(spec, metadata, selector, template, opts);
    if (spec.ingress) this.allowIngress(spec, metadata, selector, opts);
    if (spec.ports.length === 0) return { endpoints: {}, workload };

    const service = new k8s.core.v1.Service(
      spec.name,
      {
        metadata,
        spec: {
          selector,
          clusterIP: spec.workload === "daemonset" ? "None" : undefined,
          ports: spec.ports.map((port) => ({
            name: port.name.toLowerCase(),
            port: port.containerPort,
            targetPort: port.containerPort,
            protocol: port.protocol.toUpperCase(),
          })),
        },
      },
      opts,
    );
    const endpoints = Object.fromEntries(
      spec.ports
        .filter((port) => port.publishedPort !== undefined)
        .map((port) => [
          port.name,
          pulumi.interpolate`http://${service.metadata.name}.${namespace}.svc:${port.containerPort}`,
        ]),
    );
    return { endpoints, workload };
  }

  /**
   * A Job that runs once to completion; Pulumi waits for it to complete, so resources that
   * depend on it start after it (a schema migration before the services that need it).
   */
  runJob(
    job: JobSpec,
    secrets: SecretResolver,
    parent: pulumi.Resource,
    options: DeployOptions = {},
  ): pulumi.Resource {
    const opts = { parent, dependsOn: options.dependsOn };
    const namespace = this.namespace.metadata.name;
    const labels = {
      "app.kubernetes.io/name": job.name,
      "app.kubernetes.io/instance": this.settings.stack,
      "app.kubernetes.io/version": job.image.slice(job.image.lastIndexOf(":") + 1),
      "app.kubernetes.io/component": job.id,
      "app.kubernetes.io/part-of": PART_OF,
      "app.kubernetes.io/managed-by": "pulumi",
    };
    const metadata = { name: job.name, namespace, labels };
    const files = this.podFiles(job, metadata, secrets, opts);
    const podSpec = { security: { ...job.security } } as ServiceSpec<ServiceId>;
    return new k8s.batch.v1.Job(
      job.name,
      {
        metadata,
        spec: {
          backoffLimit: job.backoffLimit,
          template: {
            metadata: {
              labels,
              annotations: { "observability-stack/config-hash": files.configHash },
            },
            spec: {
              restartPolicy: "OnFailure",
              automountServiceAccountToken: false,
              securityContext: podSecurityContext(podSpec),
              volumes: [{ name: "tmp", emptyDir: {} }, ...files.volumes],
              containers: [
                {
                  name: job.name,
                  image: job.image,
                  args: job.args,
                  env: files.env,
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...files.mounts],
                  resources: {
                    requests: { ...job.resources.requests },
                    limits: { ...job.resources.limits },
                  },
                  securityContext: containerSecurityContext(podSpec),
                },
              ],
            },
          },
        },
      },
      opts,
    );
  }

  /** A pod's config files (ConfigMap), secret files and secret env (Secret), as volumes and env. */
  private podFiles(
    owner: {
      name: string;
      configFiles: ConfigFile[];
      secretFiles: SecretFile[];
      env: Record<string, string>;
      secretEnv: ServiceSpec<ServiceId>["secretEnv"];
    },
    metadata: { name: string; namespace: pulumi.Output<string>; labels: Record<string, string> },
    secrets: SecretResolver,
    opts: pulumi.CustomResourceOptions,
  ) {
    const spec = owner;
    const configMap =
      spec.configFiles.length > 0
        ? new k8s.core.v1.ConfigMap(
            `${spec.name}-config`,
            {
              metadata: { ...metadata, name: `${spec.name}-config` },
              data: Object.fromEntries(
                spec.configFiles.map((file) => [configKey(file), file.content]),
              ),
            },
            opts,
          )
        : undefined;
    const secretData: Record<string, pulumi.Output<string>> = {
      ...Object.fromEntries(
        Object.entries(spec.secretEnv).map(([key, ref]) => [key, secrets(ref)]),
      ),
      ...Object.fromEntries(
        spec.secretFiles.map((file) => [basename(file.mountPath), secrets(file.secret)]),
      ),
    };
    const secret =
      Object.keys(secretData).length > 0
        ? new k8s.core.v1.Secret(
            `${spec.name}-secret`,
            { metadata: { ...metadata, name: `${spec.name}-secret` }, stringData: secretData },
            opts,
          )
        : undefined;
    const volumes: Volume[] = [];
    const mounts: VolumeMount[] = [];
    if (configMap) {
      for (const [dir, files] of groupByDir(spec.configFiles, (file) => file.dir)) {
        const name = volumeName("config", dir);
        volumes.push({
          name,
          configMap: {
            name: configMap.metadata.name,
            items: files.map((file) => ({ key: configKey(file), path: file.file })),
          },
        });
        mounts.push({ name, mountPath: dir, readOnly: true });
      }
    }
    if (secret) {
      for (const [dir, files] of groupByDir(spec.secretFiles, (file) => dirname(file.mountPath))) {
        const name = volumeName("secret", dir);
        const items = files.map((file) => ({
          key: basename(file.mountPath),
          path: basename(file.mountPath),
        }));
        volumes.push({ name, secret: { secretName: secret.metadata.name, items } });
        mounts.push({ name, mountPath: dir, readOnly: true });
      }
    }
    const env = [
      ...Object.entries(spec.env).map(([name, value]) => ({ name, value })),
      ...Object.keys(spec.secretEnv).map((name) => ({
        name,
        valueFrom: { secretKeyRef: { name: secret!.metadata.name, key: name } },
      })),
    ];
    const configHash = contentHash(spec.configFiles.map((file) => mountPath(file) + file.content));
    return { volumes, mounts, env, configHash };
  }

  private workload(
    spec: ServiceSpec<ServiceId>,
    metadata: { name: string; namespace: pulumi.Output<string>; labels: Record<string, string> },
    selector: Record<string, string>,
    template: k8s.types.input.core.v1.PodTemplateSpec,
    opts: pulumi.CustomResourceOptions,
  ) {
    const matchLabels = { matchLabels: selector };
    switch (spec.workload) {
      case "daemonset":
        return new k8s.apps.v1.DaemonSet(
          spec.name,
          { metadata, spec: { selector: matchLabels, template } },
          opts,
        );
      case "deployment":
        return new k8s.apps.v1.Deployment(
          spec.name,
          { metadata, spec: { replicas: spec.replicas, selector: matchLabels, template } },
          opts,
        );
      case "statefulset":
        return new k8s.apps.v1.StatefulSet(
          spec.name,
          {
            metadata,
            spec: {
              replicas: spec.replicas,
              serviceName: spec.name,
              selector: matchLabels,
              template,
              volumeClaimTemplates: spec.dataVolume
                ? [
                    {
                      metadata: { name: spec.dataVolume.name },
                      spec: {
                        accessModes: ["ReadWriteOnce"],
                        storageClassName: this.settings.kubernetes.storageClass,
                        resources: { requests: { storage: spec.dataVolume.size } },
                      },
                    },
                  ]
                : [],
            },
          },
          opts,
        );
    }
  }

  /**
   * A service outside the wiring graph (the error tracker's) declares who may reach it: the
   * named services and jobs of the stack's namespace on every port, the telemetry senders on
   * its published ports (serviceIngressRules).
   */
  private allowIngress(
    spec: ServiceSpec<ServiceId>,
    metadata: { name: string; namespace: pulumi.Output<string>; labels: Record<string, string> },
    selector: Record<string, string>,
    opts: pulumi.CustomResourceOptions,
  ) {
    const { ingress, allows } = serviceIngressRules(this.settings, spec);
    return new k8s.networking.v1.NetworkPolicy(
      `${spec.name}-ingress`,
      {
        metadata: {
          ...metadata,
          name: `${spec.name}-ingress`,
          annotations: { "observability-stack/allows": allows },
        },
        spec: { podSelector: { matchLabels: selector }, policyTypes: ["Ingress"], ingress },
      },
      opts,
    );
  }

  /** Whether the service talks to the Kubernetes API, and so needs its account's token. */
  private usesApi(spec: ServiceSpec<ServiceId>): boolean {
    return spec.discoversHostAgents === true || clusterRules(spec).length > 0;
  }

  /** The API access a service needs: the host agents' endpoints, cluster-wide reads. */
  private grantAccess(
    spec: ServiceSpec<ServiceId>,
    account: k8s.core.v1.ServiceAccount,
    opts: pulumi.CustomResourceOptions,
  ) {
    if (spec.discoversHostAgents) {
      grantInNamespace({
        name: `${spec.name}-discovery`,
        namespace: this.hostNamespace.metadata.name,
        account,
        rules: DISCOVERY_RULES,
        opts,
      });
    }
    const rules = clusterRules(spec);
    if (rules.length > 0) {
      grantClusterWide({
        name: `${spec.name}-cluster-read`,
        clusterName: pulumi.interpolate`${this.namespace.metadata.name}-${spec.name}`,
        account,
        rules,
        opts,
      });
    }
  }
}

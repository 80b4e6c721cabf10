import * as pulumi from "@pulumi/pulumi";
import { SecretRef, Settings } from "../config/settings";
import { Alertmanager } from "./alertmanager";
import { Cadvisor } from "./cadvisor";
import { ComponentId } from "./definition";
import { Grafana } from "./grafana";
import { Jaeger } from "./jaeger";
import { KubeStateMetrics } from "./kube-state-metrics";
import { Loki } from "./loki";
import { NodeExporter } from "./node-exporter";
import { OtelCollector } from "./otel-collector";
import { DockerPlatform } from "./platforms/docker";
import { KubernetesPlatform } from "./platforms/kubernetes";
import { Platform, SecretResolver } from "./platforms/platform";
import { Prometheus } from "./prometheus";
import { ErrorTracking } from "./sentry";
import { isInStack } from "./sentry/definition";
import { ServiceArgs, ServiceComponent } from "./service";

export interface ObservabilityStackArgs {
  settings: Settings;
  /** Reads a credential from stack config; the real one is `pulumi.Config().requireSecret`. */
  configSecret: (key: string) => pulumi.Output<string>;
}

type ServiceClass = new (
  name: string,
  args: ServiceArgs,
  opts?: pulumi.ComponentResourceOptions,
) => ServiceComponent;

const SERVICE_CLASSES: Record<ComponentId, ServiceClass> = {
  prometheus: Prometheus,
  alertmanager: Alertmanager,
  grafana: Grafana,
  loki: Loki,
  jaeger: Jaeger,
  otelCollector: OtelCollector,
  nodeExporter: NodeExporter,
  cadvisor: Cadvisor,
  kubeStateMetrics: KubeStateMetrics,
};

/** The whole stack: one platform adapter and a component per enabled service. */
export class ObservabilityStack extends pulumi.ComponentResource {
  readonly platform: Platform;
  readonly services: Partial<Record<ComponentId, ServiceComponent>>;
  readonly urls: Record<string, pulumi.Output<string>>;
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  readonly errorTracking: ErrorTracking;

  constructor(name: string, args: ObservabilityStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability-stack:index:ObservabilityStack", name, {}, opts);
    const { settings } = args;
    this.platform =
      settings.target === "docker"
        ? new DockerPlatform("docker", { settings }, { parent: this })
        : new KubernetesPlatform("kubernetes", { settings }, { parent: this });
    const fromConfig: SecretResolver = (ref: SecretRef) =>
      pulumi.secret(args.configSecret(ref.secret));
    // The error tracker comes first: services that report errors get its DSN.
    this.errorTracking = new ErrorTracking(
      "error-tracking",
      { settings, platform: this.platform, secrets: fromConfig },
      { parent: this },
    );
    const dsn = this.errorTracking.dsn;
    const secrets: SecretResolver = (ref: SecretRef) =>
      ref.secret === "sentryProjectDsn" && dsn ? dsn : fromConfig(ref);
    this.services = {};
    for (const component of Object.values(settings.components).filter((c) => c.enabled)) {
      const Service = SERVICE_CLASSES[component.id];
      this.services[component.id] = new Service(
        component.id,
        { settings, platform: this.platform, secrets },
        { parent: this },
      );
    }
    this.urls = userFacingUrls(this.services);
    if (isInStack(settings.sentry.mode) && this.errorTracking.url) {
      this.urls.errorTracker = pulumi.output(this.errorTracking.url);
    }
    const grafana = this.services.grafana;
    this.grafanaAdminPassword = grafana instanceof Grafana ? grafana.adminPassword : undefined;
    this.registerOutputs({ urls: this.urls, grafanaAdminPassword: this.grafanaAdminPassword });
  }
}

/** The UIs people open: Grafana, Prometheus, Alertmanager and Jaeger. */
function userFacingUrls(services: Partial<Record<ComponentId, ServiceComponent>>) {
  const pick = (id: ComponentId, port: string) => services[id]?.endpoints[port];
  const urls: Record<string, pulumi.Output<string> | undefined> = {
    grafana: pick("grafana", "http"),
    prometheus: pick("prometheus", "http"),
    alertmanager: pick("alertmanager", "http"),
    jaeger: pick("jaeger", "ui"),
  };
  return Object.fromEntries(
    Object.entries(urls).filter(
      (entry): entry is [string, pulumi.Output<string>] => entry[1] !== undefined,
    ),
  );
}

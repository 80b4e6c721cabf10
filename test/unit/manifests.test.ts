import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { KubernetesObject, recordKubernetesObjects } from "../../scripts/manifests";
import { manifestFiles } from "../../scripts/manifests/files";
import { unwrap } from "../../scripts/manifests/record";
import { loadSettings } from "../../config/load";
import { readStackFile } from "../../config/stack-file";
import { PROJECT_DIR, stackSettings } from "../support/settings";
import { runRender } from "../support/render-command";

const SECRETS_FIXTURE = path.join(PROJECT_DIR, "test/fixtures/secrets");

const find = (objects: KubernetesObject[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name)! as any;

describe("Kubernetes manifests recorded from the program under mocks", () => {
  let prod: KubernetesObject[];
  beforeAll(async () => {
    prod = await recordKubernetesObjects(stackSettings("prod"));
  }, 120_000);

  test("every object names its apiVersion, kind, name, and a namespace unless it is one", () => {
    for (const object of prod) {
      expect(object.apiVersion).toMatch(/^([a-z0-9.]+\/)?v1$/);
      expect(object.metadata.name).toMatch(/^[a-z0-9-]+$/);
      const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(
        object.kind,
      );
      if (clusterScoped) expect(object.metadata.namespace).toBeUndefined();
      else expect(["observability", "observability-host"]).toContain(object.metadata.namespace);
    }
    expect(find(prod, "StatefulSet", "prometheus").spec.template.spec.containers[0].args).toContain(
      "--storage.tsdb.retention.time=15d",
    );
  });

  test("Prometheus and Alertmanager are restarted on /-/healthy, taken out of their Service on /-/ready", () => {
    for (const name of ["prometheus", "alertmanager"]) {
      const [container] = find(prod, "StatefulSet", name).spec.template.spec.containers;
      expect(container.livenessProbe.httpGet.path).toBe("/-/healthy");
      expect(container.readinessProbe.httpGet.path).toBe("/-/ready");
      // A slow start (a large WAL to replay) has five minutes before liveness applies.
      expect(container.startupProbe.httpGet.path).toBe("/-/healthy");
      expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBe(
        300,
      );
      expect(container.livenessProbe.initialDelaySeconds).toBeUndefined();
    }
    // Grafana has one health endpoint: both probes ask it.
    const [grafana] = find(prod, "StatefulSet", "grafana").spec.template.spec.containers;
    expect(grafana.livenessProbe.httpGet.path).toBe("/api/health");
    expect(grafana.readinessProbe.httpGet.path).toBe("/api/health");
  });

  test("generated credentials and the DSN the tracker's API returns are placeholders", () => {
    expect(find(prod, "Secret", "grafana-secret").stringData).toEqual({
      GF_SECURITY_ADMIN_PASSWORD: "<secret:grafanaAdminPassword>",
    });
    expect(find(prod, "Secret", "otel-collector-secret").stringData).toEqual({
      SENTRY_DSN: "<secret:sentryProjectDsn>",
    });
    expect(find(prod, "Secret", "sentry-web-secret").stringData).toEqual({
      SENTRY_SECRET_KEY: "<secret:sentrySecretKey>",
    });
    for (const secret of prod.filter((object) => object.kind === "Secret") as any[]) {
      expect(secret.data).toBeUndefined();
      for (const value of Object.values(secret.stringData) as string[])
        expect(value).toMatch(/<secret:[A-Za-z]+>/);
    }
  });

  test("one file per object, namespaces first, workloads after what they mount", () => {
    const files = manifestFiles(prod);
    expect(files).toHaveLength(prod.length);
    const paths = files.map((file) => file.path);
    expect(paths.slice(0, 2)).toEqual([
      "kubernetes/00-namespace.observability-host.yaml",
      "kubernetes/00-namespace.observability.yaml",
    ]);
    const index = (name: string) => paths.indexOf(`kubernetes/${name}.yaml`);
    expect(index("07-configmap.observability.prometheus-config")).toBeLessThan(
      index("10-statefulset.observability.prometheus"),
    );
    const doc = yaml.load(files.find((file) => file.path.includes("grafana-secret"))!.content);
    expect(Object.keys(doc as object).slice(0, 3)).toEqual(["apiVersion", "kind", "metadata"]);
  });

  test("a secret that reaches the recorder without a placeholder is refused", () => {
    const wrapped = {
      [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
      value: { password: "hunter2" },
    };
    expect(() => unwrap({ stringData: wrapped }, "Secret x")).toThrow(
      "Secret x.stringData.password is a secret without a <secret:key> placeholder",
    );
    expect(
      unwrap(
        {
          stringData: {
            [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
            value: { a: "<secret:a>" },
          },
        },
        "Secret y",
      ),
    ).toEqual({ stringData: { a: "<secret:a>" } });
  });
});

describe("npm run render -- --manifests", () => {
  test("writes the manifests below kubernetes/, stack config secrets as placeholders, never their (encrypted) text", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "render-manifests-"));
    const result = runRender(SECRETS_FIXTURE, [
      "--stack",
      "secrets-k8s",
      "--out",
      out,
      "--manifests",
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const dir = path.join(out, "kubernetes");
    const text = fs
      .readdirSync(dir)
      .map((name) => fs.readFileSync(path.join(dir, name), "utf8"))
      .join("\n");
    expect(text).not.toContain("encrypted");
    const alertmanager = yaml.load(
      fs.readFileSync(path.join(dir, "08-secret.observability.alertmanager-secret.yaml"), "utf8"),
    ) as any;
    expect(alertmanager.stringData).toEqual({
      pagerdutyRoutingKey: "<secret:pagerdutyRoutingKey>",
      slackWebhookUrl: "<secret:slackWebhookUrl>",
    });
    expect(text).toContain("SENTRY_DSN: <secret:sentryDsn>");
    // The config files are written too, as without --manifests.
    expect(fs.existsSync(path.join(out, "prometheus/prometheus.yml"))).toBe(true);
    fs.rmSync(out, { recursive: true, force: true });
  }, 120_000);

  test("a Docker stack is refused with the key that decides it", () => {
    const out = path.join(os.tmpdir(), `render-manifests-dev-${process.pid}`);
    const result = runRender(PROJECT_DIR, ["--stack", "dev", "--out", out, "--manifests"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "--manifests: stack dev deploys to docker (observability-stack:target); Kubernetes manifests need a stack whose target is kubernetes",
    );
    expect(fs.existsSync(out)).toBe(false);
  }, 60_000);

  test("the fixture's secrets are real stack config: the loader sees them as secrets", () => {
    const settings = loadSettings(readStackFile(SECRETS_FIXTURE, "secrets-k8s"));
    expect(settings.target).toBe("kubernetes");
    expect(settings.alerting.slack).toEqual({ secret: "slackWebhookUrl" });
  });
});

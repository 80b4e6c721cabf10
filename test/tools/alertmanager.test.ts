import * as fs from "fs";
import * as path from "path";
import { toYaml } from "../../components/yaml";
import { Settings } from "../../config/settings";
import { ALERTMANAGER_SECRETS_DIR, renderAlertmanagerConfig } from "../../rules/alertmanager";
import { settingsFrom } from "../support/settings";
import { run, scratchDir, tool, version } from "../support/tools";

const SECRET_KEYS = ["slackWebhookUrl", "pagerdutyRoutingKey", "deadMansSwitchUrl"];

const STACKS: [string, Settings][] = [
  ["no receiver credentials", settingsFrom({ environment: "dev" })],
  [
    "all three receiver credentials",
    settingsFrom(
      {
        environment: "dev",
        slackWebhookUrl: "x",
        pagerdutyRoutingKey: "y",
        deadMansSwitchUrl: "z",
      },
      SECRET_KEYS,
    ),
  ],
];

/** Every `*_file` option in a config, wherever it is nested. */
function fileOptions(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(fileOptions);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key.endsWith("_file") && typeof child === "string" ? [child] : fileOptions(child),
  );
}

/**
 * Writes the config with its secret paths moved into `dir`, and a placeholder file for
 * each secret the stack mounts, as the container would see them.
 */
function writeConfig(settings: Settings, dir: string): { file: string; secretPaths: string[] } {
  const { config, secretFiles } = renderAlertmanagerConfig(settings);
  const secrets = path.join(dir, "secrets");
  fs.mkdirSync(secrets, { recursive: true });
  for (const secret of secretFiles) {
    const local = path.join(secrets, path.relative(ALERTMANAGER_SECRETS_DIR, secret.mountPath));
    fs.writeFileSync(local, `placeholder for ${secret.secret.secret}\n`);
  }
  const text = toYaml(config).split(`${ALERTMANAGER_SECRETS_DIR}/`).join(`${secrets}/`);
  const file = path.join(dir, "alertmanager.yml");
  fs.writeFileSync(file, text);
  return { file, secretPaths: secretFiles.map((secret) => secret.mountPath) };
}

function routesTo(file: string, labels: string[]): string {
  const result = run(tool("amtool"), [
    "config",
    "routes",
    "test",
    `--config.file=${file}`,
    ...labels,
  ]);
  expect(result.status).toBe(0);
  return result.output.trim();
}

describe(`Alertmanager config with ${version(tool("amtool"))}`, () => {
  describe.each(STACKS)("with %s", (_name, settings) => {
    const dir = scratchDir("alertmanager");
    const { file, secretPaths } = writeConfig(settings, dir);

    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("every *_file option points at a secret file the stack mounts", () => {
      const { config } = renderAlertmanagerConfig(settings);
      expect(fileOptions(config).sort()).toEqual([...secretPaths].sort());
      for (const option of fileOptions(config)) {
        expect(option.startsWith(`${ALERTMANAGER_SECRETS_DIR}/`)).toBe(true);
      }
    });

    test("amtool check-config accepts it", () => {
      const result = run(tool("amtool"), ["check-config", file]);
      expect(result.output).toContain("SUCCESS");
      expect(result.status).toBe(0);
    });

    test.each([
      [["severity=critical", "alertname=HighAPIErrorRate", "service=api"], "pagerduty"],
      [["severity=critical", "alertname=KeycloakDown", "dependency=keycloak"], "pagerduty"],
      [["severity=warning", "alertname=SlowAPIResponse", "service=api"], "slack"],
      [["severity=info", "alertname=Watchdog", "watchdog=true"], "deadmansswitch"],
      [["severity=info", "alertname=SomethingToRecord"], "null"],
      [["alertname=NoSeverity"], "null"],
    ])("routes %p to %s", (labels, receiver) => {
      expect(routesTo(file, labels)).toBe(receiver);
      const verified = run(tool("amtool"), [
        "config",
        "routes",
        "test",
        `--config.file=${file}`,
        `--verify.receivers=${receiver}`,
        ...labels,
      ]);
      expect(verified.status).toBe(0);
    });

    test("amtool reports a route that goes elsewhere than expected", () => {
      const result = run(tool("amtool"), [
        "config",
        "routes",
        "test",
        `--config.file=${file}`,
        "--verify.receivers=slack",
        "severity=critical",
        "alertname=PaymentFailed",
      ]);
      expect(result.status).not.toBe(0);
    });
  });

  test("the receivers have credentials only when their secrets are configured", () => {
    const [bare, full] = STACKS.map(
      ([, settings]) => renderAlertmanagerConfig(settings).config as { receivers: object[] },
    );
    expect(bare.receivers).toEqual([
      { name: "pagerduty" },
      { name: "slack" },
      { name: "deadmansswitch" },
      { name: "null" },
    ]);
    expect(fileOptions(full.receivers)).toEqual([
      `${ALERTMANAGER_SECRETS_DIR}/pagerdutyRoutingKey`,
      `${ALERTMANAGER_SECRETS_DIR}/slackWebhookUrl`,
      `${ALERTMANAGER_SECRETS_DIR}/deadMansSwitchUrl`,
    ]);
  });
});

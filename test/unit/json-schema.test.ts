import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { STACK_FILE_SCHEMA_PATH, stackFileJsonSchemaText } from "../../config/json-schema";
import { loadSettings } from "../../config/load";
import { fromConfigMap } from "../../config/stack-file";
import { PROJECT_DIR } from "../support/settings";

/**
 * The published JSON Schema of Pulumi.<stack>.yaml, judged by a real JSON Schema validator
 * (ajv, draft-07) on the project's real stack files and on broken ones.
 */
const committed = fs.readFileSync(path.join(PROJECT_DIR, STACK_FILE_SCHEMA_PATH), "utf8");
const validate = new Ajv({ allErrors: true }).compile(JSON.parse(committed));

type StackFile = { config: Record<string, unknown> } & Record<string, unknown>;

function stackFile(file: string): StackFile {
  return yaml.load(fs.readFileSync(file, "utf8")) as StackFile;
}

/** The validator's complaints about a document, as "<where> <what>" lines. */
function complaints(document: unknown): string[] {
  return validate(document)
    ? []
    : validate.errors!.map((error) => `${error.dataPath} ${error.message}`);
}

const DEV = path.join(PROJECT_DIR, "Pulumi.dev.yaml");
/** dev's stack file with `changes` applied to its config (undefined deletes a key). */
function devWith(changes: Record<string, unknown>): StackFile {
  const document = stackFile(DEV);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete document.config[key];
    else document.config[key] = value;
  }
  return document;
}

test("the committed schema is what npm run schema generates now", () => {
  // When this fails after a change to config/schema.ts: npm run schema, and commit the file.
  expect(committed).toBe(stackFileJsonSchemaText());
});

test("it is draft-07, the draft ajv 6 and editors' YAML support read", () => {
  expect(JSON.parse(committed).$schema).toBe("http://json-schema.org/draft-07/schema#");
});

const stackFiles = [
  ...fs.readdirSync(PROJECT_DIR).filter((name) => /^Pulumi\..+\.yaml$/.test(name)),
  ...["secrets", "bad-config"].flatMap((dir) =>
    fs
      .readdirSync(path.join(PROJECT_DIR, "test/fixtures", dir))
      .map((name) => `test/fixtures/${dir}/${name}`),
  ),
].filter((name) => name !== "test/fixtures/bad-config/Pulumi.broken.yaml");

test.each(stackFiles)("%s validates, as the loader accepts it", (name) => {
  const document = stackFile(path.join(PROJECT_DIR, name));
  expect(complaints(document)).toEqual([]);
  // The loader accepts it too: the schema is not stricter than the loader.
  const stack = /Pulumi\.(.+)\.yaml$/.exec(name)![1];
  expect(() => loadSettings(fromConfigMap(stack, document.config))).not.toThrow();
});

test("encrypted credentials ({secure: ...}) and Pulumi's own keys validate", () => {
  const document = devWith({
    "observability-stack:slackWebhookUrl": { secure: "v1:AAAAbase64ciphertext" },
    "observability-stack:deadMansSwitchUrl": { secure: "v1:BBBBbase64ciphertext" },
    "kubernetes:context": "kind-obs",
  });
  document.encryptionsalt = "v1:salt:abc";
  expect(complaints(document)).toEqual([]);
});

describe("broken values are refused, naming where", () => {
  test.each<[string, Record<string, unknown>, string]>([
    [
      "environment missing",
      { "observability-stack:environment": undefined },
      "should have required property 'observability-stack:environment'",
    ],
    [
      "an unknown environment",
      { "observability-stack:environment": "qa" },
      ".config['observability-stack:environment'] should be equal to one of the allowed values",
    ],
    [
      "a misspelt key in our namespace",
      { "observability-stack:enviroment": "dev" },
      ".config property name 'observability-stack:enviroment' is invalid",
    ],
    [
      "a ratio above 1",
      { "observability-stack:sampling": { ratio: 1.5 } },
      ".config['observability-stack:sampling'].ratio should be <= 1",
    ],
    [
      "an unknown component",
      { "observability-stack:components": { tempo: { enabled: true } } },
      ".config['observability-stack:components'] should NOT have additional properties",
    ],
    [
      "an unknown key of a component",
      { "observability-stack:components": { loki: { replica: 2 } } },
      ".config['observability-stack:components'].loki should NOT have additional properties",
    ],
    [
      "replicas 0",
      { "observability-stack:components": { jaeger: { replicas: 0 } } },
      ".config['observability-stack:components'].jaeger.replicas should be >= 1",
    ],
    [
      "replicas not whole",
      { "observability-stack:components": { jaeger: { replicas: 1.5 } } },
      ".config['observability-stack:components'].jaeger.replicas should be integer",
    ],
    [
      "a port out of range",
      { "observability-stack:components": { prometheus: { ports: { http: 70000 } } } },
      ".config['observability-stack:components'].prometheus.ports.http should be <= 65535",
    ],
    [
      "a port name the component has not",
      { "observability-stack:components": { prometheus: { ports: { grpc: 9091 } } } },
      ".config['observability-stack:components'].prometheus.ports should NOT have additional properties",
    ],
    [
      "components as a list",
      { "observability-stack:components": ["prometheus"] },
      ".config['observability-stack:components'] should be object",
    ],
    [
      "a bind address that is not IPv4",
      { "observability-stack:docker": { bindAddress: "localhost" } },
      ".config['observability-stack:docker'].bindAddress should match format \"ipv4\"",
    ],
    [
      "an image registry with a scheme",
      { "observability-stack:imageRegistry": "https://registry.example.com" },
      ".config['observability-stack:imageRegistry'] should match pattern",
    ],
    [
      "a credential as a number",
      { "observability-stack:slackWebhookUrl": 42 },
      ".config['observability-stack:slackWebhookUrl'] should match some schema in anyOf",
    ],
    [
      "an encrypted value with another key",
      { "observability-stack:sentryDsn": { secure: "v1:x", plain: "y" } },
      ".config['observability-stack:sentryDsn'] should match some schema in anyOf",
    ],
    [
      "a scrape job without targets",
      { "observability-stack:scrapeJobs": [{ job: "api" }] },
      ".config['observability-stack:scrapeJobs'][0] should have required property 'targets'",
    ],
    [
      "an unknown sentry mode",
      { "observability-stack:sentry": { mode: "glitchtip" } },
      ".config['observability-stack:sentry'].mode should be equal to one of the allowed values",
    ],
  ])("%s", (_what, changes, complaint) => {
    const document = devWith(changes);
    expect(complaints(document).join("\n")).toContain(complaint);
    // The loader refuses it as well.
    expect(() => loadSettings(fromConfigMap("dev", document.config))).toThrow();
  });

  test("the broken fixture's ratio is refused by the schema", () => {
    const document = stackFile(
      path.join(PROJECT_DIR, "test/fixtures/bad-config/Pulumi.broken.yaml"),
    );
    expect(complaints(document)).toEqual([
      ".config['observability-stack:sampling'].ratio should be <= 1",
    ]);
  });
});

/**
 * What has no JSON Schema form (zod refinements: a duration's or a quantity's syntax, `latest`)
 * is the loader's alone, as the README says: the editor accepts these, the loader refuses them.
 */
describe("checked by the loader only", () => {
  test.each<[string, Record<string, unknown>]>([
    [
      "a namespace that is not a DNS label",
      { "observability-stack:kubernetes": { namespace: "Observability" } },
    ],
    ["a duration that is not one", { "observability-stack:retention": { metrics: "a fortnight" } }],
    [
      "a memory quantity that is not one",
      { "observability-stack:components": { loki: { storage: "a lot" } } },
    ],
    [
      "an image tag latest",
      { "observability-stack:components": { loki: { image: { tag: "latest" } } } },
    ],
    [
      "a credential in plain text",
      { "observability-stack:slackWebhookUrl": "https://hooks.slack.com/x" },
    ],
  ])("%s", (_what, changes) => {
    const document = devWith(changes);
    expect(complaints(document)).toEqual([]);
    expect(() => loadSettings(fromConfigMap("dev", document.config))).toThrow();
  });
});

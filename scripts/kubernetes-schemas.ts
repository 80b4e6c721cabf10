/**
 * npx ts-node --transpile-only scripts/kubernetes-schemas.ts [--check]
 *
 * Vendors the JSON schemas kubeconform validates `render --manifests` with, since no schema
 * site can be reached: generated from the OpenAPI spec of the Kubernetes version the tests use
 * (versions.json testInfra.kubernetes), the file `api/openapi-spec/swagger.json` of the Go
 * module k8s.io/kubernetes at that version (`go mod download`), for the kinds the program
 * creates (MANIFEST_KINDS) only. The layout is kubeconform's own: <dir>/v<version>-standalone-strict/
 * <kind>[-<group>]-<version>.json, each schema standalone (every $ref inlined) and strict (no
 * property outside the schema), as openapi2jsonschema's --kubernetes --stand-alone --strict
 * writes them. --check regenerates into a scratch directory and fails if anything differs.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import versions from "../versions.json";
import { MANIFEST_KINDS } from "./manifests/files";

export const SCHEMAS_ROOT = path.resolve(__dirname, "../test/fixtures/kubernetes-schemas");
export const KUBERNETES_VERSION = versions.testInfra.kubernetes;
export const SCHEMAS_DIR = path.join(SCHEMAS_ROOT, `v${KUBERNETES_VERSION}-standalone-strict`);

type Schema = Record<string, unknown>;
interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** kubeconform's file name: the group's first label and the version after the kind. */
export function schemaFileName(apiVersion: string, kind: string): string {
  const [groupOrVersion, version] = apiVersion.split("/");
  const group = version === undefined ? "" : `-${groupOrVersion.split(".")[0]}`;
  return `${kind.toLowerCase()}${group}-${version ?? groupOrVersion}.json`.toLowerCase();
}

/**
 * One definition made standalone and strict: $refs inlined, int-or-string as either type,
 * `additionalProperties: false` wherever properties are listed and nothing else is allowed,
 * apiVersion and kind fixed to the object's own. Descriptions and x-kubernetes-* annotations
 * are dropped: they validate nothing and would make the vendored files ten times larger.
 */
function expand(value: unknown, definitions: Record<string, Schema>, trail: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => expand(item, definitions, trail));
  if (value === null || typeof value !== "object") return value;
  const schema = value as Schema;
  const ref = schema.$ref;
  if (typeof ref === "string") {
    const name = ref.replace(/^#\/definitions\//, "");
    if (trail.includes(name)) throw new Error(`recursive schema ${[...trail, name].join(" -> ")}`);
    const target = definitions[name];
    if (!target) throw new Error(`no definition ${name} (from ${trail.join(" -> ")})`);
    return expand(target, definitions, [...trail, name]);
  }
  if (schema.format === "int-or-string")
    return { oneOf: [{ type: "string" }, { type: "integer" }] };
  const out: Schema = {};
  for (const [key, item] of Object.entries(schema)) {
    if (key === "description" || key.startsWith("x-kubernetes-")) continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(item as Schema).map(([name, property]) => [
          name,
          expand(property, definitions, trail),
        ]),
      );
    } else {
      out[key] = expand(item, definitions, trail);
    }
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** The vendored schema files for the given kinds, from a parsed swagger.json. */
export function generateSchemas(
  swagger: { definitions: Record<string, Schema> },
  kinds: readonly { apiVersion: string; kind: string }[],
): Map<string, string> {
  const files = new Map<string, string>();
  for (const { apiVersion, kind } of kinds) {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const found = Object.entries(swagger.definitions).find(([, definition]) =>
      ((definition["x-kubernetes-group-version-kind"] as GroupVersionKind[]) ?? []).some(
        (gvk) => gvk.group === group && gvk.version === version && gvk.kind === kind,
      ),
    );
    if (!found) throw new Error(`the OpenAPI spec has no ${apiVersion} ${kind}`);
    const schema = expand(found[1], swagger.definitions, [found[0]]) as Schema;
    const properties = schema.properties as Record<string, Schema>;
    properties.apiVersion = { ...properties.apiVersion, enum: [apiVersion] };
    properties.kind = { ...properties.kind, enum: [kind] };
    files.set(schemaFileName(apiVersion, kind), `${JSON.stringify(schema, null, 2)}\n`);
  }
  return files;
}

/** swagger.json of k8s.io/kubernetes at the tests' version, from the Go module proxy. */
export function swaggerPath(): string {
  const info = JSON.parse(
    execFileSync("go", ["mod", "download", "-json", `k8s.io/kubernetes@v${KUBERNETES_VERSION}`], {
      cwd: os.tmpdir(),
      encoding: "utf8",
      env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
    }),
  ) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download k8s.io/kubernetes: ${info.Error ?? "no Dir"}`);
  return path.join(info.Dir, "api/openapi-spec/swagger.json");
}

export function writeSchemas(dir: string, swaggerFile = swaggerPath()): string[] {
  const files = generateSchemas(JSON.parse(fs.readFileSync(swaggerFile, "utf8")), MANIFEST_KINDS);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of files) fs.writeFileSync(path.join(dir, name), content);
  return [...files.keys()].sort();
}

/** Files that differ between two schema directories (missing, extra or changed). */
export function schemaDifferences(expected: string, actual: string): string[] {
  const names = new Set([...fs.readdirSync(expected), ...fs.readdirSync(actual)]);
  return [...names].sort().filter((name) => {
    const [a, b] = [expected, actual].map((dir) => path.join(dir, name));
    return !fs.existsSync(a) || !fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b));
  });
}

function main(): void {
  if (process.argv.includes("--check")) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kubernetes-schemas-"));
    try {
      writeSchemas(scratch);
      const differences = schemaDifferences(SCHEMAS_DIR, scratch);
      if (differences.length > 0) {
        console.error(`vendored schemas differ from the generated ones: ${differences.join(", ")}`);
        process.exit(1);
      }
      console.log(`${path.relative(process.cwd(), SCHEMAS_DIR)} is up to date`);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    return;
  }
  const written = writeSchemas(SCHEMAS_DIR);
  console.log(`wrote ${written.length} schemas into ${path.relative(process.cwd(), SCHEMAS_DIR)}`);
}

if (require.main === module) main();

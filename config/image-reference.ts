/**
 * Image references as Docker and the Kubernetes kubelet parse them (the distribution
 * project's reference grammar): `[registry[:port]/]path/components` and a tag apart, since
 * the stack adds the tag itself (`components.<id>.image.tag`, or the pinned version).
 */

const DOMAIN_COMPONENT = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const PATH_COMPONENT = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX_NAME_LENGTH = 255;

const REPOSITORY_HINT =
  "an image repository such as prom/prometheus or registry.example.com:5000/prom/prometheus (path parts in lower case: a-z, 0-9, separated by ., _ or -)";
export const TAG_HINT =
  "an image tag: letters, digits, _, . and -, at most 128 characters, not starting with . or -";

/** Docker reads the first part as a registry when it has a dot or a port, or is localhost. */
function isRegistry(part: string): boolean {
  return part.includes(".") || part.includes(":") || part === "localhost";
}

function isRegistryHost(part: string): boolean {
  const [host, port, ...rest] = part.split(":");
  if (rest.length > 0 || (port !== undefined && !/^\d{1,5}$/.test(port))) return false;
  return host.split(".").every((label) => DOMAIN_COMPONENT.test(label));
}

/** What is wrong with a repository, or undefined when Docker and Kubernetes accept it. */
export function repositoryProblem(text: string): string | undefined {
  if (text.includes("@")) {
    return "must not hold a digest (@sha256:...): write the repository alone and pin the version with image.tag";
  }
  const parts = text.split("/");
  const last = parts[parts.length - 1];
  if (last.includes(":")) {
    const [name, tag] = last.split(":");
    const repository = [...parts.slice(0, -1), name].join("/");
    return `must not hold a tag: write ${JSON.stringify(repository)} and set the tag apart, in image.tag (${JSON.stringify(tag)})`;
  }
  const registry = parts.length > 1 && isRegistry(parts[0]) ? parts[0] : undefined;
  const path = registry === undefined ? parts : parts.slice(1);
  const valid =
    text.length <= MAX_NAME_LENGTH &&
    (registry === undefined || isRegistryHost(registry)) &&
    path.every((part) => PATH_COMPONENT.test(part));
  return valid ? undefined : `must be ${REPOSITORY_HINT}`;
}

/** What is wrong with a tag, or undefined when it is one that pins a version. */
export function tagProblem(text: string): string | undefined {
  if (!TAG.test(text)) return `must be ${TAG_HINT}`;
  if (text.toLowerCase() === "latest") {
    return "must be a pinned version, not latest (in any letter case): latest changes under a running stack";
  }
  return undefined;
}

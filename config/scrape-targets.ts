/** The user's own scrape jobs: targets Prometheus can dial, and a path without a query. */

const HOST_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const MAX_HOST = 253;

export const TARGET_HINT = "host:port, such as api:8000 or 10.0.0.5:9100";
const HOST_HINT =
  "a host name (labels of letters, digits, _ and -, 1 to 63 characters each, not starting or ending with -) or an IPv4 address";

function isIpv4(host: string): boolean {
  const octets = host.split(".");
  return (
    octets.length === 4 &&
    octets.every((octet) => /^(0|[1-9]\d{0,2})$/.test(octet) && Number(octet) <= 255)
  );
}

/**
 * Docker's DNS answers for container and service names, which may hold underscores
 * (`project_api_1`), so `_` is allowed beside letters, digits and hyphens.
 */
function isHostName(host: string): boolean {
  return host.length <= MAX_HOST && host.split(".").every((label) => HOST_LABEL.test(label));
}

/** What is wrong with a target, or undefined when Prometheus can dial it. */
export function targetProblem(target: string): string | undefined {
  const bracketed = /^\[([0-9A-Fa-f:.]+)\]:(\d+)$/.exec(target);
  const plain = /^([^:[\]]+):(\d+)$/.exec(target);
  const match = bracketed ?? plain;
  if (!match) return `must be ${TARGET_HINT}, or [IPv6]:port`;
  const [, host, port] = match;
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return `must be ${TARGET_HINT}, with a port from 1 to 65535`;
  }
  if (bracketed) return undefined;
  const numeric = /^[\d.]+$/.test(host);
  if (numeric ? !isIpv4(host) : !isHostName(host)) {
    return `must be ${TARGET_HINT}, with ${HOST_HINT}`;
  }
  return undefined;
}

/** What is wrong with a metrics path, or undefined when it is a plain path. */
export function metricsPathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return "must be a path starting with /, such as /metrics";
  if (path.includes("?")) {
    return "must be a path without a query string: put query parameters in the job's params, such as params: {format: [prometheus]}";
  }
  if (path.includes("#")) return "must be a path without a fragment (#)";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(path)) {
    return "must be a path without spaces or control characters";
  }
  return undefined;
}

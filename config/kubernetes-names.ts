/**
 * Kubernetes object names the stack's config chooses: namespaces are DNS labels (RFC 1123,
 * at most 63 characters), StorageClass names DNS subdomains (dotted labels, at most 253).
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_LABEL = 63;
const MAX_SUBDOMAIN = 253;

export const DNS_LABEL_HINT = `a DNS label: a-z, 0-9 and -, starting and ending with a letter or digit, at most ${MAX_LABEL} characters`;
export const DNS_SUBDOMAIN_HINT = `a DNS subdomain: DNS labels (a-z, 0-9 and -) joined by dots, at most ${MAX_SUBDOMAIN} characters`;

/** Namespaces every cluster has; the stack's objects would mix with the cluster's own. */
const CLUSTER_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** Where the node agents run on Kubernetes: apart from the stack, for their host access. */
export function hostAgentNamespace(settings: { kubernetes: { namespace: string } }): string {
  return `${settings.kubernetes.namespace}-host`;
}

function isDnsLabel(text: string): boolean {
  return text.length <= MAX_LABEL && DNS_LABEL.test(text);
}

/** What is wrong with the stack's namespace, or undefined when it and its derived names are valid. */
export function namespaceProblem(namespace: string): string | undefined {
  if (!isDnsLabel(namespace)) return `must be ${DNS_LABEL_HINT}`;
  if (CLUSTER_NAMESPACES.includes(namespace) || namespace.startsWith("kube-")) {
    return `must not be a namespace of the cluster's own (${CLUSTER_NAMESPACES.join(", ")}) nor start with kube- (reserved for Kubernetes): choose a namespace for the stack, such as observability`;
  }
  const host = hostAgentNamespace({ kubernetes: { namespace } });
  if (host.length > MAX_LABEL) {
    const room = MAX_LABEL - (host.length - namespace.length);
    return `must be at most ${room} characters: the host agents run in ${host} (${host.length} characters), and a namespace name is at most ${MAX_LABEL}`;
  }
  return undefined;
}

/** Any existing namespace a policy may name as a source (kube-system included). */
export function sourceNamespaceProblem(namespace: string): string | undefined {
  return isDnsLabel(namespace) ? undefined : `must be ${DNS_LABEL_HINT}`;
}

export function storageClassProblem(name: string): string | undefined {
  const valid = name.length <= MAX_SUBDOMAIN && name.split(".").every(isDnsLabel);
  return valid ? undefined : `must be ${DNS_SUBDOMAIN_HINT}`;
}

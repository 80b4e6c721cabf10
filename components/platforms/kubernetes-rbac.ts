import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ServiceId, ServiceSpec } from "../spec";

type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

const READ = ["get", "list", "watch"];

/** The API group of each kind a spec may read (ServiceSpec.readsClusterState). */
const API_GROUPS: Record<string, string> = {
  pods: "",
  nodes: "",
  persistentvolumeclaims: "",
  deployments: "apps",
  statefulsets: "apps",
  daemonsets: "apps",
};

/** Read access to the named kinds, one rule per API group. */
export function readRules(kinds: readonly string[]): PolicyRule[] {
  const groups = new Map<string, string[]>();
  for (const kind of kinds) {
    const group = API_GROUPS[kind];
    if (group === undefined) throw new Error(`no API group known for the kind ${kind}`);
    groups.set(group, [...(groups.get(group) ?? []), kind]);
  }
  return [...groups].map(([group, resources]) => ({
    apiGroups: [group],
    resources,
    verbs: READ,
  }));
}

/**
 * What Prometheus needs for the kubelets: the nodes, to find them, and `nodes/metrics`, which
 * each kubelet asks the API server about (webhook authorization) before it answers a scrape.
 */
export const KUBELET_SCRAPE_RULES: PolicyRule[] = [
  { apiGroups: [""], resources: ["nodes"], verbs: READ },
  { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
];

/** Read access to the host agents' endpoints, for Prometheus's service discovery. */
export const DISCOVERY_RULES: PolicyRule[] = [
  { apiGroups: [""], resources: ["endpoints", "services", "pods"], verbs: READ },
  { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: READ },
];

/** The cluster-wide rules a service's account gets; none for most. */
export function clusterRules(spec: ServiceSpec<ServiceId>): PolicyRule[] {
  return [
    ...(spec.readsClusterState ? readRules(spec.readsClusterState) : []),
    ...(spec.scrapesKubelets ? KUBELET_SCRAPE_RULES : []),
  ];
}

interface Grant {
  /** The resource name, unique in the program. */
  name: string;
  account: k8s.core.v1.ServiceAccount;
  rules: PolicyRule[];
  opts: pulumi.CustomResourceOptions;
}

function subjectOf(account: k8s.core.v1.ServiceAccount) {
  return {
    kind: "ServiceAccount",
    name: account.metadata.name,
    namespace: account.metadata.namespace,
  };
}

/** A Role in `namespace` and its binding to the account. */
export function grantInNamespace(grant: Grant & { namespace: pulumi.Input<string> }) {
  const metadata = { name: grant.name, namespace: grant.namespace };
  const role = new k8s.rbac.v1.Role(grant.name, { metadata, rules: grant.rules }, grant.opts);
  new k8s.rbac.v1.RoleBinding(
    grant.name,
    {
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      subjects: [subjectOf(grant.account)],
    },
    grant.opts,
  );
}

/**
 * A ClusterRole and its binding. Cluster-scoped names are shared by every stack in the
 * cluster, so `clusterName` carries the stack's namespace.
 */
export function grantClusterWide(grant: Grant & { clusterName: pulumi.Input<string> }) {
  const metadata = { name: grant.clusterName };
  const role = new k8s.rbac.v1.ClusterRole(
    grant.name,
    { metadata, rules: grant.rules },
    grant.opts,
  );
  new k8s.rbac.v1.ClusterRoleBinding(
    grant.name,
    {
      metadata,
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: role.metadata.name,
      },
      subjects: [subjectOf(grant.account)],
    },
    grant.opts,
  );
}

import { TestStack } from "../support/pulumi";

/** The prod stack previews on a machine with no cluster: what it would create on Kubernetes. */
test("pulumi preview --stack prod lists the Kubernetes resources without a cluster", () => {
  const stack = new TestStack("prod");
  // No kubeconfig: the provider previews offline instead of asking a cluster.
  stack.env.KUBECONFIG = `${stack.dir}/no-kubeconfig`;
  const result = stack.ok("preview", "--diff");
  for (const resource of [
    "kubernetes:core/v1:Namespace",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    // prod's error tracker: Sentry's errors-only set, its migration Jobs and its project.
    "kubernetes:batch/v1:Job",
    "pulumi-nodejs:dynamic/observability-stack:TrackerProject",
  ]) {
    expect(result.stdout).toContain(resource);
  }
  expect(result.stdout).toMatch(/\+ 1[0-9]{2} to create/);
  expect(result.stdout).toMatch(/sentryDsn +: \[unknown\]/);
  expect(result.stdout).toMatch(/grafanaAdminPassword +: \[unknown\]/);
});

/** Unit tests need nothing but Node; tool tests run the real programs that read our configs. */
const common = {
  preset: "ts-jest",
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
    { ...common, displayName: "tools", testMatch: ["<rootDir>/test/tools/**/*.test.ts"] },
    // Real engines (Pulumi, Docker): slow, run by `npm run test:e2e`, never by a plain `npm test`.
    ...(process.env.OBS_E2E === "1"
      ? [{ ...common, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] }]
      : []),
    // A local Kubernetes control plane (scripts/k8s/up.sh): run by `npm run test:e2e:k8s`.
    ...(process.env.OBS_E2E_K8S === "1"
      ? [{ ...common, displayName: "e2e-k8s", testMatch: ["<rootDir>/test/e2e-k8s/**/*.test.ts"] }]
      : []),
  ],
};

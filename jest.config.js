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
  ],
};

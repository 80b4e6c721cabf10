import { spawnSync } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "./settings";

/** `npm run render -- <args>` as a user runs it, from `projectDir`, with this tree's code. */
export function runRender(projectDir: string, args: string[]) {
  const result = spawnSync(
    process.execPath,
    // ts-node by its path: `projectDir` may be a scratch directory outside this project.
    [
      "-r",
      require.resolve("ts-node/register/transpile-only"),
      path.join(PROJECT_DIR, "scripts/render.ts"),
      ...args,
    ],
    {
      cwd: projectDir,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(PROJECT_DIR, "tsconfig.json") },
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

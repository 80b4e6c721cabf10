import * as fs from "fs";
import * as path from "path";

/**
 * The file `npm run render` leaves in every directory it writes: the proof that the directory
 * is its own, so that the next render may clear it. A directory without it is the user's.
 */
export const RENDER_MARKER = ".observability-stack-render";

/**
 * Makes `out` an empty directory that render owns, or throws without deleting anything. Render
 * clears only what it wrote before: a directory holding its marker, an empty one, or none.
 */
export function claimOutputDir(out: string, stack: string): void {
  const stat = fs.statSync(out, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) {
    throw new Error(`--out ${out} is a file, not a directory; nothing was written`);
  }
  if (stat) {
    const entries = fs.readdirSync(out);
    if (entries.length > 0 && !entries.includes(RENDER_MARKER)) {
      throw new Error(
        `--out ${out} holds ${entries.length} entr${entries.length === 1 ? "y" : "ies"} that npm run render did not write (no ${RENDER_MARKER} in it); ` +
          "render clears only its own output, so nothing was deleted or written. Name a new or empty directory",
      );
    }
    for (const entry of entries) fs.rmSync(path.join(out, entry), { recursive: true, force: true });
  }
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, RENDER_MARKER),
    `Written by npm run render -- --stack ${stack}. The next render into this directory deletes everything in it.\n`,
  );
}

/**
 * npm run images -- --stack <name>
 * Prints every image reference the stack deploys, one a line, sorted: the list to mirror into
 * a registry an air-gapped cluster can reach. Needs neither the Pulumi CLI nor a cluster.
 */
import { ConfigError } from "../config/errors";
import { loadSettings } from "../config/load";
import { readStackFile } from "../config/stack-file";
import { stackImages } from "../components/images";

const USAGE = "usage: npm run images -- --stack <name>";

function main(argv: string[]): void {
  if (argv.length !== 2 || argv[0] !== "--stack" || !argv[1]) throw new Error(USAGE);
  // Like the Pulumi CLI, the stack file is read from the working directory.
  const settings = loadSettings(readStackFile(process.cwd(), argv[1]));
  process.stdout.write(
    stackImages(settings)
      .map((image) => `${image}\n`)
      .join(""),
  );
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(
    error instanceof ConfigError ? error.message : `images failed: ${(error as Error).message}`,
  );
  process.exit(1);
}

#!/usr/bin/env node
// `kb`: the command-line face of the engine. Node >= 22.18 runs the TypeScript sources directly (type stripping),
// so there is no build step between a checkout and a working CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `kb: needs Node.js 22.18 or newer (this is ${process.versions.node}); run it as "npx kb" inside the project, ` +
      'which uses the Node 22 installed by npm ci\n',
  );
  process.exit(2);
}
// `kb … | head`: a reader that goes away is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { runCli } = await import('../electron/cli/runCli.ts');
const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: Boolean(process.stderr.isTTY),
  env: process.env,
});
process.exitCode = code;

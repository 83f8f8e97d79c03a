import type { Command } from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import { DEFAULT_BASE_PORT, defaultStateDir } from '../testbed/paths.js';

// The testbed pulls in the Kubernetes client: load it only when a testbed command runs.
const testbed = () => import('../testbed/index.js');
import { UsageError } from '../model/errors.js';
import { setExitCode } from './exit-code.js';

const stateDirOption = () =>
  new Option('--state-dir <dir>', 'where the running clusters keep their state').default(defaultStateDir(), '$FLOTILLA_TESTBED_STATE or ~/.cache/flotilla/testbed/state/default');

const progress = (msg: string): void => {
  process.stderr.write(`[testbed] ${msg}\n`);
};

export function registerTestbedCommands(program: Command): void {
  const group = program.command('testbed').description('local member clusters (real Kubernetes control planes, KWOK nodes) for demos and tests');

  group
    .command('up')
    .description('build the binaries once (cached), start the member clusters and write a kubeconfig')
    .option('-n, --clusters <n>', 'number of member clusters', (v) => positiveInt(v, '--clusters'), 3)
    .option('--base-port <port>', 'first loopback port; each member uses 10 from here', (v) => portNumber(v, '--base-port'), DEFAULT_BASE_PORT)
    .addOption(stateDirOption())
    .action(async (opts) => {
      const t0 = Date.now();
      const { testbedUp, readBuildInfo, formatSeconds } = await testbed();
      const state = await testbedUp({ clusters: opts.clusters, basePort: opts.basePort, stateDir: opts.stateDir, progress });
      const info = readBuildInfo(state.binDir);
      console.log(`Testbed up: ${state.members.length} clusters in ${formatSeconds((Date.now() - t0) / 1000)} (Kubernetes ${info?.versions.kubernetes ?? '?'}).`);
      for (const m of state.members) console.log(`  ${m.name.padEnd(10)} https://127.0.0.1:${m.ports.apiserver}  region ${m.topology.region}`);
      console.log(`\nKubeconfig: ${state.kubeconfig}`);
      console.log(`  kubectl --kubeconfig ${state.kubeconfig} --context member1 get nodes -L topology.kubernetes.io/zone`);
      console.log(`  export KUBECONFIG=${state.kubeconfig}   # contexts: ${state.members.map((m) => m.name).join(', ')}`);
      console.log(`kubectl built with the testbed: ${state.binDir}/kubectl`);
    });

  group
    .command('down')
    .description('stop every testbed process and remove its state')
    .addOption(stateDirOption())
    .action(async (opts) => {
      await (await testbed()).testbedDown(opts.stateDir);
      console.log('Testbed down.');
    });

  group
    .command('status')
    .description("show each member cluster's readiness")
    .addOption(stateDirOption())
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (opts, cmd) => {
      const { state, members } = await (await testbed()).testbedStatus(opts.stateDir);
      if (opts.output === 'json') {
        console.log(JSON.stringify({ kubeconfig: state?.kubeconfig ?? null, members }, null, 2));
      } else if (!state) {
        console.log(`No testbed in ${opts.stateDir}. Start one with: npx flotilla testbed up`);
      } else {
        for (const m of members) {
          console.log(`${m.name.padEnd(10)} ${m.ready ? 'Ready   ' : 'NotReady'} ${m.server}  region ${m.region}  ${m.message}  rss ${(m.residentBytes / 2 ** 20).toFixed(0)} MiB`);
        }
        console.log(`Kubeconfig: ${state.kubeconfig}`);
      }
      if (!state || members.some((m) => !m.ready)) setExitCode(cmd, 1);
    });

  group
    .command('stop')
    .description('stop one member cluster (its data is kept)')
    .argument('<member>')
    .addOption(stateDirOption())
    .action(async (member, opts) => {
      await (await testbed()).testbedStopMember(member, opts.stateDir);
      console.log(`${member} stopped.`);
    });

  group
    .command('start')
    .description('start a stopped member cluster again')
    .argument('<member>')
    .addOption(stateDirOption())
    .action(async (member, opts) => {
      await (await testbed()).testbedStartMember(member, opts.stateDir, progress);
      console.log(`${member} started.`);
    });

  group
    .command('helm')
    .description('run the helm the testbed builds from the Go module proxy (once, cached); with no arguments, print its path')
    .argument('[args...]', 'arguments for helm, after --')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (args, _opts, cmd) => {
      const { ensureHelm, runHelm } = await testbed();
      if (args.length === 0) {
        console.log(await ensureHelm(progress));
        return;
      }
      const code = await runHelm(args, progress);
      if (code !== 0) setExitCode(cmd, code);
    });
}

function portNumber(value: string, flag: string): number {
  const n = positiveInt(value, flag);
  if (n > 65535) throw new UsageError(`${flag}: expected a port number up to 65535, got "${value}"`);
  return n;
}

export function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag}: expected a positive integer, got "${value}"`);
  return n;
}

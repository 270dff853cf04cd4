import { OpsError } from '../ops/errors.ts';

// Shared by the backup and restore commands: argument picking and "a message, not a stack trace".

/** The value after `name` on the command line (`--out dir`, `--out=dir`). */
export function option(name: string, argv = process.argv.slice(2)): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i].startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

/** The first argument that is neither an option nor an option's value. */
export function positional(argv = process.argv.slice(2)): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      if (!argv[i].includes('=')) i++;
      continue;
    }
    return argv[i];
  }
  return undefined;
}

/**
 * Runs a command and exits: 0 on success, the OpsError's code (1 does not verify, 2 refused or
 * wrong arguments), 3 for anything else (database unreachable, pg_dump missing …).
 * Usage: `runCli('backup', async () => { … })`.
 */
export function runCli(name: string, work: () => Promise<void>): void {
  work().then(
    () => process.exit(0),
    (err: Error) => {
      const code = err instanceof OpsError ? err.exitCode : 3;
      console.error(`${name} failed${err instanceof OpsError ? ` [${err.code}]` : ''}: ${err.message}`);
      process.exit(code);
    },
  );
}

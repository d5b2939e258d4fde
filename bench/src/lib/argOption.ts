/** The value after `--<name>` on the command line (`process.argv`), else `fallback`. For the probe scripts. */
export function argOption(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

// Runs a command-line `main` that resolves with its exit code; an unexpected failure prints one line
// and exits 2 ("could not be checked / done at all"), distinct from the command's own 1.
export function exitWith(main: () => Promise<number>, failure: string): void {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`${failure}: ${error.message}`);
      process.exit(2);
    },
  );
}

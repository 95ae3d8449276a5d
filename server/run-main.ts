import { BootError } from "./app-server";

/**
 * Runs a long-lived entry point: operator errors print one line and exit 1; SIGINT/SIGTERM
 * stop it cleanly (the embedded database must be closed to flush its files).
 */
export function runMain(main: () => Promise<() => Promise<void>>): void {
  main()
    .then((stop) => {
      let stopping = false;
      const shutdown = () => {
        if (stopping) return;
        stopping = true;
        stop().finally(() => process.exit(0));
      };
      process.on("SIGINT", shutdown);
      process.on("SIGTERM", shutdown);
    })
    .catch((error: unknown) => {
      if (error instanceof BootError) {
        console.error(`error: ${error.message}`);
      } else {
        console.error(error);
      }
      process.exit(1);
    });
}

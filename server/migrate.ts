/**
 * Applies prisma/migrations with `prisma migrate deploy` on the JS schema engine (the
 * offline path, docs/decisions/0002). Used by `npm run setup`, the servers on boot, and the
 * test harness, so every database is migrated by the same real command.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export async function migrateDeploy(databaseUrl: string): Promise<void> {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "scripts", "prisma.mjs"), "migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) {
    const text = output.join("").trim();
    const lines = text.split("\n").map((line) => line.trim()).filter(Boolean);
    // The CLI prints a banner and a WASM backtrace; the line that says what went wrong is the
    // first one mentioning an error.
    const reason = lines.find((line) => /error|failed|P\d{4}/i.test(line) && !/^at /.test(line)) ?? lines.pop() ?? "no output";
    throw new Error(`prisma migrate deploy failed (exit ${code}): ${reason}`);
  }
}

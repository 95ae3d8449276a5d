/**
 * Finding and measuring processes through /proc (Linux): the app process that
 * scripts/smoke-sandbox.ts starts does not expose its pid, so it is found by its environment.
 */
import { readdirSync, readFileSync } from "node:fs";
import { processTicks } from "./pg-cpu";

function readProc(pid: string, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return "";
  }
}

/** Pids whose command line contains `command` and whose environment has `name=value`. */
export function findPidsByEnv(command: string, name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = readProc(entry, "cmdline").split("\0").join(" ");
    if (!cmdline.includes(command)) continue;
    if (readProc(entry, "environ").split("\0").includes(wanted)) pids.push(Number(entry));
  }
  return pids;
}

/** Total utime + stime ticks of some processes (gone ones count as 0). */
export function ticksOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (processTicks(pid) ?? 0), 0);
}

/** Resident set size in bytes (VmRSS) of a process, 0 if it is gone. */
export function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readProc(String(pid), "status"));
  return match ? Number(match[1]) * 1024 : 0;
}

/**
 * CPU seconds spent by the PostgreSQL backends serving one database, read from /proc (the
 * server runs on this machine). Backends are discovered through pg_stat_activity every
 * second; a backend that exits between two samples loses at most its last second.
 * Together with process.cpuUsage() it tells whether Node or Postgres is the busy side.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import pg from "pg";

let clockTicks: number | null = null;

export function ticksPerSecond(): number {
  if (clockTicks !== null) return clockTicks;
  try {
    clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    clockTicks = 100;
  }
  return clockTicks;
}

/** utime + stime of a process in clock ticks, or null when it is gone or unreadable. */
export function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields after "pid (comm)" start at field 3: utime is field 14, stime field 15.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

export class PgCpuSampler {
  private readonly client: pg.Client;
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private sampling: Promise<void> | null = null;
  available = true;

  constructor(
    databaseUrl: string,
    private readonly database: string,
  ) {
    this.client = new pg.Client({ connectionString: databaseUrl });
  }

  async start(intervalMs = 1000): Promise<this> {
    await this.client.connect();
    await this.sample(true);
    this.timer = setInterval(() => {
      this.sampling ??= this.sample(false).finally(() => (this.sampling = null));
    }, intervalMs);
    this.timer.unref();
    return this;
  }

  private async sample(initial: boolean): Promise<void> {
    let pids: number[];
    try {
      const { rows } = await this.client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [this.database]);
      pids = rows.map((row) => row.pid);
    } catch {
      return;
    }
    for (const pid of pids) {
      const ticks = processTicks(pid);
      if (ticks === null) {
        if (initial) this.available = false;
        continue;
      }
      // A backend first seen after the start counts from zero: it began during the measurement.
      if (!this.first.has(pid)) this.first.set(pid, initial ? ticks : 0);
      this.last.set(pid, ticks);
    }
  }

  /** CPU seconds used by the database's backends since start(). */
  async stop(): Promise<{ seconds: number; backends: number }> {
    if (this.timer) clearInterval(this.timer);
    await this.sampling;
    await this.sample(false);
    await this.client.end();
    let ticks = 0;
    for (const [pid, value] of this.last) ticks += value - (this.first.get(pid) ?? 0);
    return { seconds: ticks / ticksPerSecond(), backends: this.last.size };
  }
}

/**
 * An open-loop, fixed-rate HTTP load generator (its own process, started by
 * bench/webhook-intake.ts): request i is due at t0 + i / rate whatever happened to earlier
 * ones, over keep-alive connections (node:http Agent). Latency is measured from the actual
 * send and also from the scheduled time (which includes any delay the generator itself
 * suffered, so a stalled server cannot hide behind a slowed-down client).
 *
 *   tsx bench/lib/loadgen.ts <config.json>     prints "RESULT {...}" on stdout
 */
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { webhookHeaders } from "../../sandbox/webhooks";
import { percentile, round } from "./common";

export interface LoadConfig {
  url: string;
  method: "GET" | "POST";
  /** webhook: signed Shopify deliveries with a distinct X-Shopify-Webhook-Id each; plain: the body as is. */
  kind: "webhook" | "plain";
  rate: number;
  durationSeconds: number;
  timeoutMs: number;
  maxSockets: number;
  /** Request bodies, used round-robin (none for GET). */
  bodies: string[];
  shop: string;
  topic: string;
  secret: string;
  /** Webhook ids are `${idPrefix}-${i}`. */
  idPrefix: string;
  /** Where the indexes of the requests answered 200 are written (JSON array). */
  ackedPath: string;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  offeredRate: number;
  durationSeconds: number;
  scheduled: number;
  sent: number;
  completed: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  /** Responses per second between the first send and the last response. */
  throughput: number;
  /** Latency from the moment the request was written, in ms (completed requests). */
  latencyMs: LatencySummary;
  /** Latency from the moment the request was due (open-loop, coordinated-omission free), in ms. */
  latencyFromScheduleMs: LatencySummary;
  /** How late the generator sent requests (ms): near 0 means it kept the rate. */
  sendLagMs: { p99: number; max: number };
  /** Per second of the schedule: [sent, completed 2xx/3xx, p50, p99, max latency ms]. */
  perSecond: Array<[number, number, number, number, number]>;
  generatorCpuSeconds: number;
  maxInFlight: number;
}

function summarize(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    p50: round(percentile(sorted, 50), 2),
    p90: round(percentile(sorted, 90), 2),
    p99: round(percentile(sorted, 99), 2),
    p999: round(percentile(sorted, 99.9), 2),
    max: round(sorted[sorted.length - 1] ?? Number.NaN, 2),
    mean: round(mean, 2),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runLoad(config: LoadConfig): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: config.maxSockets, keepAliveMsecs: 1000 });
  const total = Math.round(config.rate * config.durationSeconds);
  const interval = 1000 / config.rate;
  const status = new Int32Array(total); // 0 = not finished, -1 = error
  const latency = new Float64Array(total);
  const fromSchedule = new Float64Array(total);
  const lag = new Float64Array(total);
  const errors: Record<string, number> = {};
  const cpuBefore = process.cpuUsage();
  let sent = 0;
  let finished = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let firstSend = Number.POSITIVE_INFINITY;
  let lastEnd = 0;
  const url = new URL(config.url);
  const t0 = performance.now() + 200;

  const fire = (i: number) => {
    const scheduled = t0 + i * interval;
    const body = config.bodies.length > 0 ? config.bodies[i % config.bodies.length] : "";
    const headers: Record<string, string> =
      config.kind === "webhook"
        ? webhookHeaders({ topic: config.topic, shop: config.shop, payload: null, webhookId: `${config.idPrefix}-${i}` }, body, config.secret)
        : body
          ? { "Content-Type": "application/json" }
          : {};
    if (body) headers["Content-Length"] = String(Buffer.byteLength(body));
    const start = performance.now();
    if (start < firstSend) firstSend = start;
    lag[i] = start - scheduled;
    sent++;
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    let settled = false;
    const settle = (code: number, error?: string) => {
      if (settled) return;
      settled = true;
      const end = performance.now();
      inFlight--;
      finished++;
      status[i] = code;
      latency[i] = end - start;
      fromSchedule[i] = end - scheduled;
      if (end > lastEnd) lastEnd = end;
      if (error) errors[error] = (errors[error] ?? 0) + 1;
    };
    const request = http.request(
      { hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: config.method, agent, headers, timeout: config.timeoutMs },
      (response) => {
        response.resume();
        response.once("end", () => settle(response.statusCode ?? -1));
        response.once("error", (error: NodeJS.ErrnoException) => settle(-1, error.code ?? error.message));
      },
    );
    request.once("timeout", () => request.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    request.once("error", (error: NodeJS.ErrnoException) => settle(-1, error.code ?? error.message));
    request.end(body || undefined);
  };

  // The schedule: bounded by the request count and by the duration plus a grace period.
  const scheduleDeadline = t0 + config.durationSeconds * 1000 + 10_000;
  let next = 0;
  while (next < total && performance.now() < scheduleDeadline) {
    const now = performance.now();
    while (next < total && t0 + next * interval <= now) fire(next++);
    const wait = t0 + next * interval - performance.now();
    if (wait > 0) await sleep(Math.min(wait, 5));
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  // Then wait for the stragglers (each has its own timeout).
  const drainDeadline = performance.now() + config.timeoutMs + 2000;
  while (finished < sent && performance.now() < drainDeadline) await sleep(10);
  agent.destroy();

  const statuses: Record<string, number> = {};
  const ok: number[] = [];
  const okFromSchedule: number[] = [];
  const acked: number[] = [];
  for (let i = 0; i < sent; i++) {
    const code = status[i];
    const key = code === 0 ? "unfinished" : code === -1 ? "error" : String(code);
    statuses[key] = (statuses[key] ?? 0) + 1;
    if (code > 0) {
      ok.push(latency[i]);
      okFromSchedule.push(fromSchedule[i]);
    }
    if (code === 200) acked.push(i);
  }
  writeFileSync(config.ackedPath, JSON.stringify(acked));

  const perSecond: LoadResult["perSecond"] = [];
  const seconds = Math.ceil(sent / config.rate);
  for (let second = 0; second < seconds; second++) {
    const from = Math.floor(second * config.rate);
    const to = Math.min(sent, Math.floor((second + 1) * config.rate));
    const window: number[] = [];
    for (let i = from; i < to; i++) if (status[i] > 0) window.push(latency[i]);
    window.sort((a, b) => a - b);
    perSecond.push([to - from, window.length, round(percentile(window, 50), 1), round(percentile(window, 99), 1), round(window[window.length - 1] ?? Number.NaN, 1)]);
  }
  const lags = Array.from(lag.subarray(0, sent)).sort((a, b) => a - b);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    offeredRate: config.rate,
    durationSeconds: config.durationSeconds,
    scheduled: total,
    sent,
    completed: ok.length,
    statuses,
    errors,
    throughput: round(ok.length / Math.max(0.001, (lastEnd - firstSend) / 1000), 1),
    latencyMs: summarize(ok),
    latencyFromScheduleMs: summarize(okFromSchedule),
    sendLagMs: { p99: round(percentile(lags, 99), 2), max: round(lags[lags.length - 1] ?? Number.NaN, 2) },
    perSecond,
    generatorCpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
    maxInFlight,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const config = JSON.parse(readFileSync(process.argv[2], "utf8")) as LoadConfig;
  runLoad(config)
    .then((result) => {
      console.log(`RESULT ${JSON.stringify(result)}`);
      process.exit(0);
    })
    .catch((error: Error) => {
      console.error(error.stack ?? error.message);
      process.exit(1);
    });
}

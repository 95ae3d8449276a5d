/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof) by package: where a benchmark's CPU went.
 * WebAssembly frames are Prisma's query compiler (the only WASM in the app's server process).
 *
 *   npx tsx bench/lib/cpuprofile-summary.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { ROOT } from "./common";

const ROOT_URL = `${pathToFileURL(ROOT).href}/`;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function bucketOf(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (url.startsWith("wasm:")) return "prisma query compiler (wasm)";
  if (url.includes("node_modules/")) {
    const rest = url.split("node_modules/").pop() ?? url;
    const parts = rest.split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith("node:")) return "node internals";
  if (url.startsWith(ROOT_URL)) return url.slice(ROOT_URL.length).split("/").slice(0, 2).join("/");
  return functionName ? `(${functionName.replace(/[()]/g, "")})` : "(native)";
}

export function summarize(path: string, top = 25): void {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const [id, micros] of self) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    total += micros;
    if (frame.functionName === "(idle)") {
      idle += micros;
      continue;
    }
    const bucket = bucketOf(frame);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + micros);
    const name = `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*node_modules\//, "").replace(ROOT_URL, "")}:${frame.lineNumber}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const busy = total - idle;
  console.log(`${path}\nprofiled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (idle ${(idle / 1e6).toFixed(1)} s)\n`);
  const print = (title: string, map: Map<string, number>) => {
    console.log(title);
    for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${(micros / 1e6).toFixed(2).padStart(8)} s ${((100 * micros) / busy).toFixed(1).padStart(5)} %  ${name}`);
    }
    console.log("");
  };
  print("self time by package (% of busy time)", buckets);
  print("self time by function", functions);
}

if (process.argv[2]) {
  const index = process.argv.indexOf("--top");
  summarize(process.argv[2], index > 0 ? Number(process.argv[index + 1]) : 25);
}

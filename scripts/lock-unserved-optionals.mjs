#!/usr/bin/env node
/**
 * Keeps package-lock.json usable by `npm ci` on these machines.
 *
 * The registry mirror here does not serve some of rollup's platform packages (android, darwin,
 * win32, musl... builds: 404), so `npm install` leaves them out of the lock, and `npm ci` then
 * refuses the lock as "out of sync" (they are optionalDependencies of rollup). This adds their
 * lock entries with os/cpu/libc, which is all npm needs to skip them on this platform: nothing
 * is downloaded. Run it after changing dependencies: node scripts/lock-unserved-optionals.mjs
 */
import { readFileSync, writeFileSync } from "node:fs";

const PLATFORM = {
  "android-arm-eabi": { os: ["android"], cpu: ["arm"] },
  "android-arm64": { os: ["android"], cpu: ["arm64"] },
  "android-x64": { os: ["android"], cpu: ["x64"] },
  "darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "darwin-x64": { os: ["darwin"], cpu: ["x64"] },
  "freebsd-arm64": { os: ["freebsd"], cpu: ["arm64"] },
  "freebsd-x64": { os: ["freebsd"], cpu: ["x64"] },
  "linux-arm-gnueabihf": { os: ["linux"], cpu: ["arm"], libc: ["glibc"] },
  "linux-arm-musleabihf": { os: ["linux"], cpu: ["arm"], libc: ["musl"] },
  "linux-arm64-gnu": { os: ["linux"], cpu: ["arm64"], libc: ["glibc"] },
  "linux-arm64-musl": { os: ["linux"], cpu: ["arm64"], libc: ["musl"] },
  "linux-loong64-gnu": { os: ["linux"], cpu: ["loong64"], libc: ["glibc"] },
  "linux-loong64-musl": { os: ["linux"], cpu: ["loong64"], libc: ["musl"] },
  "linux-ppc64-gnu": { os: ["linux"], cpu: ["ppc64"], libc: ["glibc"] },
  "linux-ppc64-musl": { os: ["linux"], cpu: ["ppc64"], libc: ["musl"] },
  "linux-riscv64-gnu": { os: ["linux"], cpu: ["riscv64"], libc: ["glibc"] },
  "linux-riscv64-musl": { os: ["linux"], cpu: ["riscv64"], libc: ["musl"] },
  "linux-s390x-gnu": { os: ["linux"], cpu: ["s390x"], libc: ["glibc"] },
  "linux-x64-gnu": { os: ["linux"], cpu: ["x64"], libc: ["glibc"] },
  "linux-x64-musl": { os: ["linux"], cpu: ["x64"], libc: ["musl"] },
  "openbsd-x64": { os: ["openbsd"], cpu: ["x64"] },
  "openharmony-arm64": { os: ["openharmony"], cpu: ["arm64"] },
  "win32-arm64-msvc": { os: ["win32"], cpu: ["arm64"] },
  "win32-ia32-msvc": { os: ["win32"], cpu: ["ia32"] },
  "win32-x64-gnu": { os: ["win32"], cpu: ["x64"] },
  "win32-x64-msvc": { os: ["win32"], cpu: ["x64"] },
};

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const platform = PLATFORM[name.replace(/^@rollup\/rollup-/, "")];
    if (!name.startsWith("@rollup/rollup-") || !platform) continue;
    const base = location ? `${location}/node_modules/` : "node_modules/";
    if (lock.packages[`${base}${name}`] || lock.packages[`node_modules/${name}`]) continue;
    lock.packages[`node_modules/${name}`] = { version, ...platform, license: "MIT", optional: true };
    added++;
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock: added ${added} unserved optional platform package entries`);

/**
 * package.json's `engines.node` is a promise to whoever runs the app: every installed package
 * (dependencies, dev tools, transitive ones) must support every Node version it names, or
 * `npm ci` warns EBADENGINE and the first patch release that uses a newer Node API breaks the
 * app on a version we said works. Reads what is installed (node_modules, as package-lock.json
 * lists it), so an upgrade that narrows a package's engines fails here, not in production.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { ROOT } from "../server/paths";

interface Manifest {
  name?: string;
  version?: string;
  engines?: { node?: string };
}

/**
 * Packages allowed to want more than we claim, each at the version reviewed and for a reason:
 * the versions that still support Node 20 carry known vulnerabilities (or lack the Admin API
 * version the app runs on), so pinning them back would trade a warning for a hole. The list
 * may only shrink: the test fails when an entry is no longer needed. It goes away with Node 22.
 */
const ACCEPTED: Record<string, { version: string; engines: string; why: string }> = {
  "sanitize-html": {
    version: "2.18.1",
    engines: ">=22.12.0",
    why: "2.17.6 and 2.17.7 fix sanitizer bypasses (reported as CVE-2026-63670, raw-text </textarea/>, and CVE-2026-84371, SVG SMIL URLs) and ticket bodies are customer-written; every release since wants Node 22.12, 2.17.5 is the last for Node 20",
  },
  "@shopify/shopify-app-remix": {
    version: "6.0.1",
    engines: ">=22.0.0",
    why: "the last Node 20 release (4.2.1) lets /auth/exit-iframe redirect to any https URL (fixed in 6.0: isTrustedExitIframeDestination) and knows no ApiVersion 2026-10",
  },
  "@shopify/shopify-api": {
    version: "15.0.0",
    engines: ">=22.0.0",
    why: "the last Node 20 release (13.1.0) knows Admin API versions up to 2026-07; the app and its schema are 2026-10 (and shopify-app-remix 6 requires ^15)",
  },
};

const claimed = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;

/** Every installed package with an engines.node: its lock location, name, version and range. */
function installed(): Array<{ location: string; name: string; version: string; engines: string }> {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { link?: boolean }> };
  return Object.entries(lock.packages).flatMap(([location, entry]) => {
    const path = join(ROOT, location, "package.json");
    // The root, links, and optional packages for other platforms (never installed here).
    if (!location || entry.link || !existsSync(path)) return [];
    const manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
    const engines = manifest.engines?.node;
    return engines && manifest.name && manifest.version ? [{ location, name: manifest.name, version: manifest.version, engines }] : [];
  });
}

/** Whether every Node version `claimed` names satisfies `range` (an unparsable range never does). */
function supports(range: string): boolean {
  try {
    return semver.subset(claimed, range);
  } catch {
    return false;
  }
}

describe("Node versions (package.json engines.node)", () => {
  const packages = installed();
  const narrower = packages.filter((pkg) => !supports(pkg.engines));

  it("reads the installed packages", () => {
    expect(semver.validRange(claimed)).not.toBeNull();
    expect(packages.length).toBeGreaterThan(100);
    // The machine's Node is one we claim.
    expect(semver.satisfies(process.versions.node, claimed)).toBe(true);
  });

  it("every installed package supports every Node version we claim", () => {
    const unexpected = narrower.filter((pkg) => ACCEPTED[pkg.name]?.version !== pkg.version || ACCEPTED[pkg.name]?.engines !== pkg.engines);
    expect(unexpected.map((pkg) => `${pkg.location}@${pkg.version} wants node ${pkg.engines}`)).toEqual([]);
  });

  it("each accepted exception is still installed at its reviewed version and still needed", () => {
    for (const [name, accepted] of Object.entries(ACCEPTED)) {
      expect(narrower.filter((pkg) => pkg.name === name).map((pkg) => [pkg.version, pkg.engines]), `${name}: ${accepted.why}`).toEqual([[accepted.version, accepted.engines]]);
    }
  });
});

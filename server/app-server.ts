/**
 * The HTTP host for the Remix build: static assets, then every request into Remix.
 * Used by `npm start` (server/index.ts) and by the sandbox launcher, so both serve the same app.
 */
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ROOT } from "./paths";

export interface AppServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startAppServer(options: { build: ServerBuild; port: number; host?: string }): Promise<AppServer> {
  const app = express();
  app.disable("x-powered-by");
  // Fingerprinted assets: cache forever.
  app.use("/build", express.static(join(ROOT, "public", "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(join(ROOT, "public"), { maxAge: "1h" }));
  // Browsers ask for /favicon.ico on pages without an icon link (Shopify's bounce page).
  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
  app.all("*", createRequestHandler({ build: options.build, mode: process.env.NODE_ENV }));

  const host = options.host ?? "127.0.0.1";
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port, host);
    listening.once("listening", () => resolve(listening));
    listening.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new BootError(`port ${options.port} is already in use (set PORT to another port)`) : error);
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A start-up failure that is the operator's to fix: printed as one line, no stack. */
export class BootError extends Error {
  override name = "BootError";
}

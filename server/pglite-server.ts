/**
 * The embedded database's wire-protocol server (docs/decisions/0003, 0015): pglite-socket's
 * per-connection handler (message framing, SSL refusal, cancel requests) in front of our own
 * queue onto PGlite's single session. Upstream's queue (PGLiteSocketServer) is replaced for two
 * reasons:
 *
 * 1. Roles. PGlite runs Postgres in single-user mode as the bootstrap superuser: it reads the
 *    startup message but ignores its `user` and `options`, so every connection would be the
 *    superuser and the app's least-privileged role would mean nothing. Here each connection
 *    gets the identity its startup message names, as a real server gives it: before one of its
 *    messages runs, the session is switched to `SET SESSION AUTHORIZATION <user>` and
 *    `SET ROLE <role from options "-c role=...">` (or NONE). A user that does not exist or may
 *    not log in is refused at startup, as PostgreSQL refuses it. Passwords are not checked
 *    (PGlite has no authentication; the server listens on loopback only).
 *    Limit, documented in ADR 0015: the session's authenticated user is still the superuser, so
 *    a client that itself runs `RESET SESSION AUTHORIZATION` escapes its role. The embedded
 *    database is for development and tests; production uses PostgreSQL and a login role.
 * 2. Holding the session. Switching identity is a simple query; run between another
 *    connection's Parse and its Sync it would destroy that connection's unnamed statement.
 *    Upstream keeps the session with one connection only inside a transaction block (an
 *    implicit transaction is not one); here a connection also keeps it from its first
 *    extended-protocol message to its Sync.
 */
import { protocol, type PGlite } from "@electric-sql/pglite";
import { PGLiteSocketHandler } from "@electric-sql/pglite-socket";
import { createServer, type Server, type Socket } from "node:net";

const PROTOCOL_3 = 196608;
/** The bootstrap superuser of a PGlite data directory. */
const BOOTSTRAP_USER = "postgres";
/** Names this server switches to; anything else is refused at startup (no quoting games). */
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** Frontend messages after which the connection is at a protocol boundary (ReadyForQuery follows). */
const BOUNDARY_MESSAGES = new Set(["Q", "S", "X"]);

interface Identity {
  user: string;
  role: string | null;
}

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

/** Reads `user` and the `-c role=...` of `options` from a startup message. */
export function parseStartup(message: Uint8Array): Identity {
  const params = new Map<string, string>();
  const text = Buffer.from(message.subarray(8)).toString("utf8");
  const parts = text.split("\0");
  for (let i = 0; i + 1 < parts.length && parts[i] !== ""; i += 2) params.set(parts[i]!, parts[i + 1]!);
  const user = params.get("user") || BOOTSTRAP_USER;
  let role: string | null = null;
  // Backslash-escaped spaces are how libpq passes a value with spaces; roles here have none.
  const tokens = (params.get("options") ?? "").split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const setting = token === "-c" ? tokens[++i] : token.startsWith("-c") ? token.slice(2) : token.startsWith("--") ? token.slice(2) : undefined;
    const match = setting?.match(/^role=(.*)$/);
    if (match) role = match[1] || null;
  }
  return { user, role };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function isStartup(message: Uint8Array): boolean {
  return message.length >= 8 && Buffer.from(message).readInt32BE(4) === PROTOCOL_3;
}

/** A FATAL ErrorResponse, what PostgreSQL sends before it closes a refused connection. */
function fatal(code: string, text: string): Uint8Array {
  const fields = Buffer.concat(
    [
      ["S", "FATAL"],
      ["V", "FATAL"],
      ["C", code],
      ["M", text],
    ].map(([type, value]) => Buffer.from(`${type}${value}\0`, "utf8")),
  );
  const body = Buffer.concat([fields, Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write("E", 0);
  header.writeInt32BE(body.length + 4, 1);
  return new Uint8Array(Buffer.concat([header, body]));
}

class SessionQueue {
  private queue: Queued[] = [];
  private processing = false;
  private identities = new Map<number, Identity>();
  /** The connection whose identity the session has now. */
  private appliedFor: number | null = null;
  /** The connection that holds the session (inside a transaction or between Parse and Sync). */
  private holder: number | null = null;
  private midQuery = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  private held(): boolean {
    return this.holder !== null && (this.midQuery || this.db.isInTransaction());
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index = this.held() ? this.queue.findIndex((item) => item.handlerId === this.holder) : 0;
        // The holder has not sent its next message yet: the others wait for it.
        if (index === -1) break;
        const [item] = this.queue.splice(index, 1);
        try {
          const bytes = await this.db.runExclusive(() => this.run(item!));
          item!.resolve(bytes);
        } catch (error) {
          item!.reject(error as Error);
        }
      }
    } finally {
      this.processing = false;
    }
  }

  private async run(item: Queued): Promise<number> {
    if (isStartup(item.message)) {
      const identity = parseStartup(item.message);
      const refusal = (await this.admit(identity)) ?? (await this.switchTo(item.handlerId, identity));
      if (refusal) {
        item.onData(refusal);
        throw new Error("connection refused at startup");
      }
    } else if (!this.identities.has(item.handlerId)) {
      throw new Error("message before the startup message");
    } else if (!this.held() && this.appliedFor !== item.handlerId) {
      await this.switchTo(item.handlerId, this.identities.get(item.handlerId)!);
    }
    let bytes = 0;
    await this.db.execProtocolRawStream(item.message, {
      onRawData: (data) => {
        bytes += data.length;
        item.onData(data);
      },
    });
    if (!isStartup(item.message)) {
      const type = String.fromCharCode(item.message[0]!);
      this.midQuery = !BOUNDARY_MESSAGES.has(type);
    }
    this.holder = item.handlerId;
    return bytes;
  }

  /** PostgreSQL's startup checks for the user: a FATAL message when refused. */
  private async admit({ user, role }: Identity): Promise<Uint8Array | null> {
    for (const name of [user, role]) {
      if (name !== null && !SAFE_NAME.test(name)) return fatal("28000", `role "${name}" is not supported by the embedded database`);
    }
    const rows = await this.query(`SELECT rolcanlogin FROM pg_roles WHERE rolname = '${user}'`);
    if (rows.length === 0) return fatal("28000", `role "${user}" does not exist`);
    if (rows[0]![0] !== "t") return fatal("28000", `role "${user}" is not permitted to log in`);
    return null;
  }

  /**
   * Gives the session to a connection's identity, in one round trip that first reads the
   * identity of the connection it is taken from (its own SET ROLE or SET SESSION AUTHORIZATION
   * stays its own, as on a real server). A SET that fails rolls back with its statement: the
   * session keeps the previous identity. Returns a FATAL message for a refused startup role.
   */
  private async switchTo(handlerId: number, identity: Identity): Promise<Uint8Array | null> {
    const previous = this.appliedFor !== null && this.identities.has(this.appliedFor) ? this.appliedFor : null;
    const read = previous === null ? "" : `SELECT session_user::text, current_setting('role'); `;
    let rows: Array<Array<string | null>>;
    try {
      rows = await this.query(`${read}SET SESSION AUTHORIZATION ${quoteIdent(identity.user)}; SET ROLE ${identity.role ? quoteIdent(identity.role) : "NONE"}`);
    } catch (error) {
      if (!this.identities.has(handlerId)) return fatal("28000", (error as Error).message);
      throw error;
    }
    if (previous !== null && rows[0]) {
      const [user, role] = rows[0];
      this.identities.set(previous, { user: user!, role: role && role !== "none" ? role : null });
    }
    this.identities.set(handlerId, identity);
    this.appliedFor = handlerId;
    return null;
  }

  /**
   * Our own simple query on the session as it is; its rows as text, its error thrown.
   * Through execProtocolRawStream with our own callback: PGlite keeps the last stream
   * callback, so execProtocol() would hand our answer to the previous client's socket.
   */
  private async query(sql: string): Promise<Array<Array<string | null>>> {
    const chunks: Uint8Array[] = [];
    await this.db.execProtocolRawStream(protocol.serialize.query(sql), { onRawData: (data) => chunks.push(data.slice()) });
    const rows: Array<Array<string | null>> = [];
    let failure: Error | null = null;
    new protocol.Parser().parse(Buffer.concat(chunks), (message) => {
      if (message instanceof protocol.messages.DataRowMessage) rows.push(message.fields);
      if (message instanceof protocol.messages.DatabaseError) failure ??= new Error(message.message);
    });
    if (failure) throw failure;
    return rows;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  /** A connection that went away must not leave the session inside its query or transaction. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    this.identities.delete(handlerId);
    if (this.appliedFor === handlerId) this.appliedFor = null;
    if (this.holder !== handlerId) return;
    await this.db.runExclusive(async () => {
      const discard = { onRawData: () => undefined };
      if (this.midQuery) await this.db.execProtocolRawStream(protocol.serialize.sync(), discard);
      if (this.db.isInTransaction()) await this.db.execProtocolRawStream(protocol.serialize.query("ROLLBACK"), discard);
    });
    this.midQuery = false;
    this.holder = null;
    void this.process();
  }
}

export interface PGliteServerOptions {
  db: PGlite;
  host: string;
  port: number;
  maxConnections: number;
}

/** The socket server: one PGLiteSocketHandler per connection, all on one SessionQueue. */
export class PGliteServer {
  private server: Server | null = null;
  private readonly handlers = new Set<PGLiteSocketHandler>();
  private readonly queue: SessionQueue;

  constructor(private readonly options: PGliteServerOptions) {
    this.queue = new SessionQueue(options.db);
  }

  async start(): Promise<void> {
    await this.options.db.waitReady;
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.options.maxConnections;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
  }

  private accept(socket: Socket): void {
    // The handler only calls enqueue, clearQueueForHandler and clearTransactionIfNeeded.
    const handler = new PGLiteSocketHandler({
      queryQueue: this.queue as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]["queryQueue"],
      closeOnDetach: true,
    });
    this.handlers.add(handler);
    const forget = () => this.handlers.delete(handler);
    handler.addEventListener("error", forget);
    handler.addEventListener("close", forget);
    void handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await Promise.all([...this.handlers].map((handler) => handler.detach(true)));
    this.handlers.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

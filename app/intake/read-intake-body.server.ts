/**
 * The intake request's body as bytes: the signature is over the exact bytes sent, so the body
 * is checked (content type, 64 KB) and kept raw until the signature is verified; only then is
 * it decoded and parsed. Same limits and messages as readJson (app/lib/http.server.ts), which
 * cannot be used here because it parses before anyone knows who sent it.
 */
import { AppError } from "../lib/app-error";
import { MAX_JSON_BODY_BYTES } from "../lib/http.server";

const tooLarge = () => new AppError("VALIDATION", `The body is larger than ${MAX_JSON_BODY_BYTES / 1024} KB`, { fields: { _: ["Body too large"] } });

export async function readIntakeBody(request: Request): Promise<Uint8Array> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("VALIDATION", "Send the body as application/json", { fields: { _: ["Content-Type must be application/json"] } });
  }
  if (Number(request.headers.get("content-length") ?? "0") > MAX_JSON_BODY_BYTES) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  // Streamed with a cap: a sender that lies about (or omits) Content-Length is cut off at 64 KB.
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_JSON_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** After the signature: UTF-8 JSON, or a 400 that says what is wrong with it. */
export function parseIntakeJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new AppError("VALIDATION", "The body is not valid UTF-8", { fields: { _: ["Malformed JSON"] } });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("VALIDATION", "The body is not valid JSON", { fields: { _: ["Malformed JSON"] } });
  }
}

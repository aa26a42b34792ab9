// Reference evaluation for the expression tests. Reads a JSON array of cases from the
// file named on the command line and prints one JSON line per case:
//   {"id": ..., "ok": value} | {"id": ..., "undefined": true} | {"id": ..., "error": text}
// A case is {"id", "kind": "jsonata", "expr", "states", "vars"} (evaluated by the jsonata
// package, with $states and the workflow variables bound) or {"id", "kind": "jsonpath",
// "path", "doc"} (every match, by jsonpath-plus).
//
// The jsonata package does not have Step Functions' additions to the language; they
// are defined here as the Step Functions developer guide describes them, so that
// expressions using them can be compared too.
import { readFileSync } from "node:fs";
import { createHash, randomUUID } from "node:crypto";
import jsonata from "jsonata";
import { JSONPath } from "jsonpath-plus";

const HASHES = { "MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

function stepFunctionsAdditions(expression) {
  expression.registerFunction("partition", (array, size) => {
    const items = Array.isArray(array) ? array : [array];
    const out = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  }, "<an:a>");
  expression.registerFunction("range", (start, end, step) => {
    const out = [];
    for (let x = start; step > 0 ? x <= end : x >= end; x += step) out.push(x);
    return out;
  }, "<nnn:a<n>>");
  expression.registerFunction("hash", (value, algorithm) => {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return createHash(HASHES[algorithm]).update(text, "utf8").digest("hex");
  }, "<js:s>");
  expression.registerFunction("random", () => Math.random(), "<n?:n>");
  expression.registerFunction("uuid", () => randomUUID(), "<:s>");
  expression.registerFunction("parse", (text) => JSON.parse(text), "<s:x>");
}

async function run(c) {
  if (c.kind === "jsonpath") {
    return { ok: JSONPath({ path: c.path, json: c.doc, wrap: true }) };
  }
  const expression = jsonata(c.expr);
  stepFunctionsAdditions(expression);
  const bindings = { ...(c.vars || {}), states: c.states };
  const value = await expression.evaluate(undefined, bindings);
  if (value === undefined) return { undefined: true };
  return { ok: JSON.parse(JSON.stringify(value)) };
}

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
for (const c of cases) {
  let out;
  try {
    out = await run(c);
  } catch (e) {
    out = { error: String(e && (e.message || e.code) || e) };
  }
  process.stdout.write(JSON.stringify({ id: c.id, ...out }) + "\n");
}

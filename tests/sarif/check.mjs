// Validates SARIF logs against the SARIF 2.1.0 JSON schema (draft-04, as shipped in
// @microsoft/jest-sarif). Usage: node check.mjs LOG.sarif...; prints "ok PATH" per
// valid log and the schema errors of the others; exits 1 if any log is invalid.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);
const schemaPath = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
// The schema's language pattern is not valid with the `u` flag; ajv 6 (which the
// schema was published with) compiled patterns without it.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

let failed = false;
for (const path of process.argv.slice(2)) {
  const log = JSON.parse(readFileSync(path, "utf8"));
  if (validate(log)) {
    console.log(`ok ${path}`);
  } else {
    failed = true;
    console.log(`invalid ${path}`);
    for (const e of validate.errors.slice(0, 20)) {
      console.log(`  ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
}
process.exit(failed ? 1 : 0);

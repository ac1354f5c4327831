/**
 * Every `--format json` output has a JSON Schema in `schemas/`, generated from the types the commands
 * write: the shipped schemas are current, and real outputs validate against them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { OUTPUT_SCHEMAS, generateSchema } from "../../scripts/generate-schemas";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args, "--format", "json"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TAGGUARD_TODAY: "2026-11-28" }, timeout: 120_000 }).stdout;

const outputs: Record<keyof typeof OUTPUT_SCHEMAS & string, () => string[]> = {
    check: () => [run(["check", "examples/legacy-untagged"]), run(["check", "test/fixtures/programs/component-locations"])],
    plan: () => [run(["plan", "examples/terraform/untagged/plan.json"]), run(["plan", "examples/terraform/tagged/plan.json", "examples/terraform/untagged/plan.json"])],
    audit: () => [run(["audit", "test/fixtures/state"]), run(["audit", "test/fixtures/state", "--policy-pack-config", "examples/policy-config.json"])],
    report: () => [run(["report", "test/fixtures/focus/focus_sample.csv"])],
};

describe("JSON Schemas of the outputs", () => {
    test.each(Object.keys(OUTPUT_SCHEMAS))("schemas/%s.schema.json is current (npm run generate:schemas)", (name) => {
        expect(fs.readFileSync(path.join(ROOT, "schemas", `${name}.schema.json`), "utf8")).toBe(generateSchema(name));
    }, 60_000);

    test.each(Object.keys(OUTPUT_SCHEMAS))("real %s output validates, with a reportVersion", (name) => {
        const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schemas", `${name}.schema.json`), "utf8")) as object;
        const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile(schema);
        for (const text of outputs[name]()) {
            const value = JSON.parse(text) as { reportVersion?: unknown };
            expect(value.reportVersion).toBe(1);
            validate(value);
            expect(validate.errors ?? []).toEqual([]);
        }
    }, 120_000);
});

/**
 * `npm run generate:schemas`: the JSON Schema of every `--format json` output, generated from the
 * TypeScript types the commands write (so the schemas cannot drift from the code: a test compares).
 */
import * as fs from "fs";
import * as path from "path";
import { createGenerator } from "ts-json-schema-generator";

const ROOT = path.join(__dirname, "..");

/** Output name -> the file and type that describe it. */
export const OUTPUT_SCHEMAS: Readonly<Record<string, { file: string; type: string; title: string }>> = {
    check: { file: "cli/check/report.ts", type: "CheckReport", title: "tagguard check --format json" },
    plan: { file: "cli/plan/plan.ts", type: "PlanReport", title: "tagguard plan --format json" },
    audit: { file: "cli/audit/audit.ts", type: "AuditReport", title: "tagguard audit --format json" },
    report: { file: "cli/report/formats.ts", type: "ReportJson", title: "tagguard report --format json" },
};

export function generateSchema(name: string): string {
    const spec = OUTPUT_SCHEMAS[name];
    const schema = createGenerator({ path: path.join(ROOT, spec.file), tsconfig: path.join(ROOT, "tsconfig.json"), type: spec.type, skipTypeCheck: true, additionalProperties: false, expose: "none", topRef: false }).createSchema(spec.type);
    return `${JSON.stringify({ title: spec.title, ...schema }, null, 2)}\n`;
}

if (require.main === module) {
    fs.mkdirSync(path.join(ROOT, "schemas"), { recursive: true });
    for (const name of Object.keys(OUTPUT_SCHEMAS)) fs.writeFileSync(path.join(ROOT, "schemas", `${name}.schema.json`), generateSchema(name));
}

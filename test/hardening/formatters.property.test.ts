/**
 * Every formatter, fed random strings: control characters, bidi overrides, workflow commands, formula
 * prefixes, very long values. What each format must never contain is asserted on what it writes; whole
 * reports are built from plans whose sensitive values carry a mark that must never appear.
 */
import { parse as parseCsv } from "csv-parse/sync";
import fc from "fast-check";
import { audit, auditConfig } from "../../cli/audit/audit";
import { AUDIT_FORMATS, renderAudit } from "../../cli/audit/formats";
import { parseStackExport } from "../../cli/audit/state";
import { csvCell, csvRow, githubData, githubProperty, html, markdown, markdownMessage, visible, visibleLines } from "../../cli/output";
import { PLAN_FORMATS, renderPlan } from "../../cli/plan/formats";
import { planReport } from "../../cli/plan/plan";
import { SECRET_SIG, SECRET_SIG_KEY } from "../../tagset/values";
import { FULL_TAGS } from "../fixtures";
import { plan, tempDir, writePlan } from "../plan/helpers";
import * as fs from "fs";

const RUNS = Number(process.env.TAGGUARD_PROPERTY_RUNS ?? 10_000);
const MARK = "S3CR3T";
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]/;

const hostilePieces = ["\u001b[2J", "\u001b]0;t\u0007", "\n::error file=x::owned", "\r", "\u202e", "\u2066", "\u200b", "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\t", "<script>", "|", "`", "%0A", "::", "\u0000", "\u009b31m", "\ufeff", "a".repeat(500)];
const hostile = fc.oneof(
    fc.string({ maxLength: 300, unit: "binary" }),
    fc.array(fc.oneof(fc.constantFrom(...hostilePieces), fc.string({ maxLength: 10, unit: "grapheme" })), { maxLength: 8 }).map((parts) => parts.join("")),
);

describe("the output layer", () => {
    test("visible text: no control, format or bidi character, and bounded", () => {
        fc.assert(fc.property(hostile, fc.integer({ min: 1, max: 400 }), (s, max) => {
            const shown = visible(s, { max });
            expect(shown).not.toMatch(RAW_CONTROL);
            expect(shown).not.toContain("\n");
            expect([...shown].length).toBeLessThanOrEqual(max * 12 + 40);
            expect(visibleLines(s)).not.toMatch(RAW_CONTROL);
        }), { numRuns: RUNS });
    });

    test("CSV cells: parse back to one cell that a spreadsheet will not run", () => {
        fc.assert(fc.property(fc.array(hostile, { minLength: 1, maxLength: 4 }), (cells) => {
            const row = csvRow(cells);
            expect(row).not.toMatch(RAW_CONTROL);
            // A row of one empty cell is an empty line, which a CSV reader skips.
            const parsed = row === "" ? [[""]] : parseCsv(row, { relax_column_count: true }) as string[][];
            expect(parsed).toHaveLength(1);
            expect(parsed[0]).toHaveLength(cells.length);
            for (const cell of parsed[0]) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
            expect(csvCell(12.5, 2)).toBe("12.50");
        }), { numRuns: RUNS });
    });

    test("HTML: no markup survives", () => {
        fc.assert(fc.property(hostile, (s) => {
            const out = html(s);
            expect(out).not.toMatch(/[<>"']/);
            expect(out).not.toMatch(RAW_CONTROL);
        }), { numRuns: RUNS });
    });

    test("Markdown: no table, HTML or code syntax survives", () => {
        fc.assert(fc.property(hostile, (s) => {
            const out = markdown(s);
            expect(out).not.toMatch(/(^|[^\\])[|`]/);
            expect(out).not.toMatch(/[<>]/);
            expect(out).not.toMatch(RAW_CONTROL);
            const message = markdownMessage(s);
            expect(message).not.toMatch(/(^|[^\\])\|/);
            // The one tag that survives is the line break tagguard writes itself, one per line break of the text.
            expect(message.replace(/<br>/g, "")).not.toMatch(/[<>]/);
            const lines = s.split(/\r?\n/).length;
            expect(message.split("<br>")).toHaveLength(lines > 50 ? 51 : lines);
            expect(message).not.toMatch(RAW_CONTROL);
        }), { numRuns: RUNS });
    });

    test("GitHub workflow commands: data on one line, properties without separators", () => {
        fc.assert(fc.property(hostile, (s) => {
            const data = githubData(s);
            const property = githubProperty(s);
            expect(data).not.toMatch(/[\r\n]/);
            expect(data).not.toMatch(RAW_CONTROL);
            expect(property).not.toMatch(/[\r\n:,]/);
            expect(property).not.toMatch(RAW_CONTROL);
        }), { numRuns: RUNS });
    });
});

describe("whole reports", () => {
    const dir = tempDir("tagguard-formats-");
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const secretValue = fc.string({ maxLength: 12 }).map((s) => `${MARK}${s}`);
    const tagEntries = fc.dictionary(hostile, fc.oneof(hostile, fc.constantFrom(...Object.values(FULL_TAGS))), { maxKeys: 6 });

    test("plan: every format, hostile tags and addresses, sensitive values marked", async () => {
        await fc.assert(fc.asyncProperty(tagEntries, secretValue, hostile, fc.boolean(), async (extra, secret, name, wholeMapSensitive) => {
            const file = writePlan(dir, "p.json", plan({
                changes: [
                    { address: `aws_s3_bucket.b["${name.replace(/["\\]/g, "")}"]`, after: { tags_all: { ...extra, team: secret } }, sensitive: { tags_all: wholeMapSensitive ? true : { team: true } } },
                    { address: "aws_instance.i", after: { tags_all: extra, volume_tags: { [`${MARK}key`]: secret } }, sensitive: { volume_tags: true } },
                ],
            }));
            const report = await planReport({ files: [file], policyConfig: {} });
            for (const format of PLAN_FORMATS) {
                const out = renderPlan(report, format);
                expect(out).not.toContain(MARK);
                expect(out).not.toMatch(RAW_CONTROL);
                if (format === "github") for (const line of out.split("\n")) expect(line).toMatch(/^::(error|warning|notice) /);
                if (format === "json" || format === "sarif") JSON.parse(out);
            }
        }), { numRuns: Math.ceil(RUNS / 50) });
    });

    test("audit: every format, hostile tags and names, secret values marked", () => {
        fc.assert(fc.property(tagEntries, secretValue, hostile, (extra, secret, name) => {
            const provider = "urn:pulumi:dev::p::pulumi:providers:aws::default";
            const text = JSON.stringify({
                version: 3,
                deployment: {
                    resources: [
                        { urn: provider, custom: true, id: "1", type: "pulumi:providers:aws", inputs: { defaultTags: { [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(JSON.stringify({ tags: { cost_center: secret } })) } } },
                        { urn: `urn:pulumi:dev::p::aws:s3/bucket:Bucket::${name}`, custom: true, type: "aws:s3/bucket:Bucket", provider: `${provider}::1`, inputs: { tags: { ...extra, team: { [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(secret) } } } },
                    ],
                },
            });
            const report = audit([parseStackExport(text, "s.json")], auditConfig({}, new Date("2026-11-28T00:00:00Z")));
            for (const format of AUDIT_FORMATS) {
                const out = renderAudit(report, format);
                expect(out).not.toContain(MARK);
                expect(out).not.toMatch(RAW_CONTROL);
                if (format === "csv") for (const row of parseCsv(out, { relax_column_count: true }) as string[][]) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
            }
        }), { numRuns: Math.ceil(RUNS / 20) });
    });
});

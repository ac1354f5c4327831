import Ajv from "ajv";
import addFormats from "ajv-formats";
import { createPolicies } from "../../policies/all";

/** What the engine's validator (gojsonschema) needs: plain draft-07, no references, defaults at the top level. */
describe("policy config schemas sent to the engine", () => {
    const policies = createPolicies();

    test.each(policies.map((p) => [p.name, p] as const))("%s: valid draft-07, self-contained, defaults validate", (_name, policy) => {
        const schema = { type: "object", properties: policy.configSchema!.properties, required: policy.configSchema!.required };
        const text = JSON.stringify(schema);
        expect(text).not.toMatch(/"\$ref"|"\$defs"|"definitions"/);
        const ajv = addFormats(new Ajv({ strict: false }));
        expect(ajv.validateSchema(schema)).toBe(true);
        const defaults = Object.fromEntries(Object.entries(policy.configSchema!.properties).filter(([, s]) => "default" in (s as object)).map(([k, s]) => [k, (s as { default: unknown }).default]));
        expect(ajv.validate(schema, defaults)).toBe(true);
        expect(Object.keys(defaults)).toEqual(expect.arrayContaining(["services", "includeTypes", "excludeTypes", "exemptions"]));
    });

    test("the engine's validator refuses what the pack would: unknown modules and types, target-less exemptions, impossible dates", () => {
        const requiredTags = policies.find((p) => p.name === "required-tags")!;
        const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
        const validate = ajv.compile({ type: "object", properties: requiredTags.configSchema!.properties });
        expect(validate({ services: ["ec2", "s3"] })).toBe(true);
        expect(validate({ services: ["s4"] })).toBe(false);
        expect(validate({ exemptions: [{ name: "legacy-*", reason: "deleted in INFRA-212", expires: "2027-03-31" }] })).toBe(true);
        expect(validate({ exemptions: [{ reason: "deleted in INFRA-212", expires: "2027-03-31" }] })).toBe(false);
        expect(validate({ exemptions: [{ name: "x", reason: "deleted in INFRA-212", expires: "2099-13-45" }] })).toBe(false);
        expect(validate({ exemptions: [{ name: "x", reason: "deleted in INFRA-212", expires: "2027-02-29" }] })).toBe(false);
        expect(validate({ exemptions: [{ name: "x", reason: "deleted in INFRA-212", expires: "2028-02-29" }] })).toBe(true);
    });

    test("no policy declares enforcementLevel as a property (the SDK refuses it)", () => {
        for (const p of policies) expect(Object.keys(p.configSchema!.properties)).not.toContain("enforcementLevel");
    });

    test("nested rules are described for the config reference", () => {
        const tagValues = policies.find((p) => p.name === "tag-values")!;
        const allowed = tagValues.configSchema!.properties.allowedValues as { description?: string; properties?: Record<string, unknown> };
        expect(allowed.description).toMatch(/Allowed values/);
        expect(Object.keys(allowed.properties ?? {})).toEqual(["team", "cost_center", "project"]);
    });
});

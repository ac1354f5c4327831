import Ajv from "ajv";
import { createPolicies } from "../../policies/all";

/** What the engine's validator (gojsonschema) needs: plain draft-07, no references, defaults at the top level. */
describe("policy config schemas sent to the engine", () => {
    const policies = createPolicies();

    test.each(policies.map((p) => [p.name, p] as const))("%s: valid draft-07, self-contained, defaults validate", (_name, policy) => {
        const schema = { type: "object", properties: policy.configSchema!.properties, required: policy.configSchema!.required };
        const text = JSON.stringify(schema);
        expect(text).not.toMatch(/"\$ref"|"\$defs"|"definitions"/);
        const ajv = new Ajv({ strict: false });
        expect(ajv.validateSchema(schema)).toBe(true);
        const defaults = Object.fromEntries(Object.entries(policy.configSchema!.properties).filter(([, s]) => "default" in (s as object)).map(([k, s]) => [k, (s as { default: unknown }).default]));
        expect(ajv.validate(schema, defaults)).toBe(true);
        expect(Object.keys(defaults)).toEqual(expect.arrayContaining(["services", "includeTypes", "excludeTypes", "exemptions"]));
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

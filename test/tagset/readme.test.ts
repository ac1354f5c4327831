import * as fs from "fs";
import { README, readmeWithReference } from "../../scripts/config-reference";

test("the README's config reference matches the policies' schemas (run `npm run docs:config`)", () => {
    const readme = fs.readFileSync(README, "utf8");
    expect(readmeWithReference(readme)).toBe(readme);
});

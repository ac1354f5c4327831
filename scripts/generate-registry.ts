/** Writes `tagset/registry.generated.ts` from the installed `@pulumi/aws`. */
import * as fs from "fs";
import * as path from "path";
import { renderRegistry } from "./registry-generator";

export const AWS_PACKAGE_DIR = path.dirname(require.resolve("@pulumi/aws/package.json"));
export const REGISTRY_FILE = path.join(__dirname, "..", "tagset", "registry.generated.ts");

if (require.main === module) {
    fs.writeFileSync(REGISTRY_FILE, renderRegistry(AWS_PACKAGE_DIR));
    console.log(`wrote ${path.relative(process.cwd(), REGISTRY_FILE)}`);
}

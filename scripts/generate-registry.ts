/** Writes the generated registries: `tagset/registry.generated.ts` from the installed `@pulumi/aws`, `tagset/kubernetes.generated.ts` from `@pulumi/kubernetes`. */
import * as fs from "fs";
import * as path from "path";
import { renderKubernetesRegistry } from "./kubernetes-registry-generator";
import { renderRegistry } from "./registry-generator";

export const AWS_PACKAGE_DIR = path.dirname(require.resolve("@pulumi/aws/package.json"));
export const REGISTRY_FILE = path.join(__dirname, "..", "tagset", "registry.generated.ts");
export const KUBERNETES_PACKAGE_DIR = path.dirname(require.resolve("@pulumi/kubernetes/package.json"));
export const KUBERNETES_REGISTRY_FILE = path.join(__dirname, "..", "tagset", "kubernetes.generated.ts");

if (require.main === module) {
    fs.writeFileSync(REGISTRY_FILE, renderRegistry(AWS_PACKAGE_DIR));
    fs.writeFileSync(KUBERNETES_REGISTRY_FILE, renderKubernetesRegistry(KUBERNETES_PACKAGE_DIR));
    for (const file of [REGISTRY_FILE, KUBERNETES_REGISTRY_FILE]) console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

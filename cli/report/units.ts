/**
 * GPUs per instance of the GPU instance families ML platforms run (AWS's accelerated computing instance
 * pages; SageMaker's `ml.` types are the same machines), so that instance-hours become GPU-hours.
 */
const FAMILIES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
    p2: { xlarge: 1, "8xlarge": 8, "16xlarge": 16 },
    p3: { "2xlarge": 1, "8xlarge": 4, "16xlarge": 8 },
    p3dn: { "24xlarge": 8 },
    p4d: { "24xlarge": 8 },
    p4de: { "24xlarge": 8 },
    p5: { "4xlarge": 1, "48xlarge": 8 },
    p5e: { "48xlarge": 8 },
    p5en: { "48xlarge": 8 },
    g4dn: { xlarge: 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1, "12xlarge": 4, metal: 8 },
    g5: { xlarge: 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1, "12xlarge": 4, "24xlarge": 4, "48xlarge": 8 },
    g6: { xlarge: 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1, "12xlarge": 4, "24xlarge": 4, "48xlarge": 8 },
    g6e: { xlarge: 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1, "12xlarge": 4, "24xlarge": 4, "48xlarge": 8 },
};

/** Instance type (`g5.12xlarge`) -> GPUs. */
export const GPUS_PER_INSTANCE: ReadonlyMap<string, number> = new Map(
    Object.entries(FAMILIES).flatMap(([family, sizes]) => Object.entries(sizes).map(([size, gpus]) => [`${family}.${size}`, gpus] as const)),
);
